// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/gui_main.hpp"

#include "gui/main_window.hpp"

#include <QApplication>

namespace attnviz::gui {

int run_gui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("attnviz");
    QApplication::setOrganizationName("attnviz");
    QApplication::setApplicationVersion(ATTNVIZ_VERSION);
    MainWindow window;  // applies the remembered palette, restores layout, offers an autosave
    window.show();
    // `attnviz FILE`: a session opens here, attention tensors and models in their windows.
    const QStringList args = QApplication::arguments();
    if (args.size() >= 2 && !args[1].startsWith('-')) window.openAnyFile(args[1]);
    return app.exec();
}

}  // namespace attnviz::gui
