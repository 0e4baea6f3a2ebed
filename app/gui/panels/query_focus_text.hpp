// SPDX-License-Identifier: GPL-3.0-or-later
// The focused query's read-outs as text: its entropy and its output written as the weighted
// sum of the value rows. Kept apart from the panel so tests read exactly what is shown.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QString>

namespace attnviz::gui::panels {

// "Entropy H = 0.693 nats = 0.50 of ln 4 (0 = all weight on one key, 1 = uniform)"
QString entropyText(const playground::ResultSnapshot& s, int row);

// "0.50 × v(z) + 0.50 × v(z again) = [550, 5.5]": terms with weight ≥ 0.01, the rest summarised
// ("+ 3 more keys with 0.004 in total"). Plain text (no HTML).
QString weightedSumText(const playground::ResultSnapshot& s, int row);

}  // namespace attnviz::gui::panels
