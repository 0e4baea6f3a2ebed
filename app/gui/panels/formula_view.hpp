// SPDX-License-Identifier: GPL-3.0-or-later
// The current variant's formula, readable, with the current shapes filled in.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QTextBrowser>

namespace attnviz::gui::panels {

class FormulaView : public QTextBrowser {
    Q_OBJECT

public:
    explicit FormulaView(QWidget* parent = nullptr);

    void showResult(const playground::ResultSnapshotPtr& snapshot);

    QSize sizeHint() const override { return {600, 220}; }
    // The height that shows the whole text at the current width, frame included: more than
    // height() when the last lines are cut off.
    int neededHeight() const;

signals:
    // After new text or a new width changed neededHeight(): the window may give the panel
    // the room (MainWindow::fitFormulaDock).
    void neededHeightChanged(int height);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void reportNeededHeight();
    int lastNeeded_ = -1;
};

}  // namespace attnviz::gui::panels
