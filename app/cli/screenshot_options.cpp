// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/screenshot_options.hpp"

#include "gui/app_palette.hpp"
#include "playground/app_settings.hpp"

#include <QApplication>
#include <QRegularExpression>

namespace attnviz::cli {

bool takeShotOption(const QStringList& args, int& i, ShotOutput& shot, QString* problem)
{
    const QString& a = args[i];
    if (a != "--out" && a != "--size" && a != "--palette") return false;
    problem->clear();
    if (i + 1 >= args.size()) {
        *problem = a == "--out" ? a + " needs a file" : a == "--size" ? a + " needs WxH" : "--palette needs light or dark";
        return true;
    }
    const QString value = args[++i];
    if (a == "--out") {
        shot.out = value;
    } else if (a == "--size") {
        const auto m = QRegularExpression("^(\\d{2,5})x(\\d{2,5})$").match(value);
        if (!m.hasMatch())
            *problem = "--size: expected WxH such as 1600x1000, got \"" + value + '"';
        else
            shot.size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    } else if (value == "light" || value == "dark") {
        shot.dark = value == "dark";
    } else {
        *problem = "--palette needs light or dark";
    }
    return true;
}

std::unique_ptr<QApplication> makeScreenshotApplication(bool dark)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // QApplication keeps references to these for its whole life.
    static int argc = 1;
    static char name[] = "attnviz";
    static char* argv[] = {name, nullptr};
    auto app = std::make_unique<QApplication>(argc, argv);
    QApplication::setApplicationName("attnviz");
    QApplication::setOrganizationName("attnviz");
    gui::applyApplicationPalette(dark ? playground::AppSettings::Palette::Dark
                                      : playground::AppSettings::Palette::Light);
    return app;
}

}  // namespace attnviz::cli
