// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/gui_main.hpp"

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
    return app.exec();
}

}  // namespace attnviz::gui
