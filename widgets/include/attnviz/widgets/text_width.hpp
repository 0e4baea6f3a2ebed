// SPDX-License-Identifier: GPL-3.0-or-later
// The width to reserve for a label so that it is drawn whole.
#pragma once

#include <QFont>
#include <QFontMetricsF>
#include <QString>

#include <cmath>

namespace attnviz::widgets {

// Whole pixels `text` needs in `font`: its exact advance rounded up, plus one pixel of slack
// for hinting. QFontMetrics::horizontalAdvance rounds to the nearest pixel ("10239" is 38.125
// px in the default 9 pt font, so 38), while QFontMetrics::elidedText compares the exact width:
// a margin measured with the former cut position 10239's label to "102…" (issue 11).
inline int textWidth(const QFont& font, const QString& text)
{
    return static_cast<int>(std::ceil(QFontMetricsF(font).horizontalAdvance(text))) + 1;
}

}  // namespace attnviz::widgets
