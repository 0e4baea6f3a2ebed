// SPDX-License-Identifier: GPL-3.0-or-later
// The main window. For now it shows the default preset's inputs and results as tables; the
// attention playground (issue 3) grows it into editors, heatmaps and the step inspector.
#pragma once

#include <QMainWindow>

class QTextBrowser;

namespace attnviz::gui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    QTextBrowser* view_ = nullptr;
};

}  // namespace attnviz::gui
