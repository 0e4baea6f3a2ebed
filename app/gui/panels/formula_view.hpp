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
};

}  // namespace attnviz::gui::panels
