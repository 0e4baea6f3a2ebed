// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/formula_view.hpp"

#include "gui/panels/formula_text.hpp"

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
}

}  // namespace attnviz::gui::panels
