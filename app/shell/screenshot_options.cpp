// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/screenshot_options.hpp"

#include "playground/app_settings.hpp"
#include "shell/app_palette.hpp"
#include "shell/command.hpp"
#include "shell/limits.hpp"

#include <QApplication>
#include <QPixmap>
#include <QWidget>

namespace attnviz::shell {

void addShotOptions(OptionParser& parser, ShotOutput& shot)
{
    parser.text(QStringLiteral("--out"), QStringLiteral("F.png"), &shot.out, QStringLiteral("the image to write (required)"))
        .required();
    parser.size(QStringLiteral("--size"), QStringLiteral("WxH"), &shot.size,
                QSize(kMinScreenshotSide, kMinScreenshotSide), QSize(kMaxScreenshotSide, kMaxScreenshotSide),
                QStringLiteral("image size in pixels (default %1x%2; at most %3x%3)")
                    .arg(shot.size.width())
                    .arg(shot.size.height())
                    .arg(kMaxScreenshotSide));
    parser.choice(QStringLiteral("--palette"), QStringLiteral("P"), {QStringLiteral("light"), QStringLiteral("dark")},
                  &shot.palette, QStringLiteral("light (default) or dark"));
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

MemoryDemand screenshotDemand(const ShotOutput& shot)
{
    const QString what = QStringLiteral("a %1x%2 screenshot").arg(shot.size.width()).arg(shot.size.height());
    return MemoryDemand(what.toStdString(), 16.0 * shot.size.width() * shot.size.height());
}

int saveShot(const QString& command, QWidget* target, const ShotOutput& shot)
{
    const QPixmap pixmap = target->grab();
    if (pixmap.isNull()) {
        // Qt reports a failed image allocation as a null image, not as std::bad_alloc.
        const double bytes = 4.0 * target->width() * target->height();
        return report_bad_input(command, QStringLiteral("not enough memory for a %1x%2 screenshot (about %3)")
                                             .arg(target->width())
                                             .arg(target->height())
                                             .arg(QString::fromStdString(format_bytes(bytes)))
                                             .toStdString());
    }
    if (!pixmap.save(shot.out, "PNG")) return report_failure(command, ("cannot write " + shot.out).toStdString());
    return kExitOk;
}

}  // namespace attnviz::shell
