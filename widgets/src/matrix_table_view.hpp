// SPDX-License-Identifier: GPL-3.0-or-later
// A QTableView that owns Ctrl+C, Ctrl+V and Delete while it has focus, even when the window
// has menu actions with the same shortcuts (which would otherwise take the key first).
#pragma once

#include <QTableView>

namespace attnviz::widgets::detail {

class MatrixTableView final : public QTableView {
    Q_OBJECT

public:
    explicit MatrixTableView(QWidget* parent = nullptr);

signals:
    void copyRequested();
    void pasteRequested();
    void clearRequested();

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
};

}  // namespace attnviz::widgets::detail
