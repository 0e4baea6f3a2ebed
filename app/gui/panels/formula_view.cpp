// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/formula_view.hpp"

#include "gui/panels/formula_text.hpp"

#include <QTextDocument>

#include <cmath>

namespace attnviz::gui::panels {

FormulaView::FormulaView(QWidget* parent) : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("formula"));
    setOpenLinks(false);
    setFrameShape(QFrame::NoFrame);
    setPlaceholderText(tr("No result yet."));
}

void FormulaView::showResult(const playground::ResultSnapshotPtr& snapshot)
{
    if (!snapshot) {
        clear();
        return;
    }
    setHtml(formulaHtml(*snapshot));
    reportNeededHeight();
}

int FormulaView::neededHeight() const
{
    // The document is laid out at the viewport's width; its height plus the frame and margins
    // is what the panel needs to show the last line whole.
    const QMargins m = contentsMargins();
    return static_cast<int>(std::ceil(document()->size().height())) + m.top() + m.bottom();
}

void FormulaView::resizeEvent(QResizeEvent* event)
{
    QTextBrowser::resizeEvent(event);
    reportNeededHeight();
}

void FormulaView::reportNeededHeight()
{
    const int needed = neededHeight();
    if (needed == lastNeeded_) return;
    lastNeeded_ = needed;
    emit neededHeightChanged(needed);
}

}  // namespace attnviz::gui::panels
