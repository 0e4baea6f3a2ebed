// SPDX-License-Identifier: GPL-3.0-or-later
// What the three screenshot modes (playground, seq2seq window, inspector) share: the output
// options --out F.png, --size WxH and --palette light|dark, and the offscreen application.
#pragma once

#include "shell/command.hpp"
#include "shell/options.hpp"

#include <QSize>
#include <QString>

#include <memory>

class QApplication;
class QWidget;

namespace attnviz::shell {

struct ShotOutput {
    QString out;       // required: the PNG to write
    QSize size;        // window (or panel) size in pixels; each mode sets its default
    QString palette = QStringLiteral("light");
    bool dark() const { return palette == QLatin1String("dark"); }
};

// Declares --out (required), --size (within kMinScreenshotSide..kMaxScreenshotSide a side) and
// --palette on `parser`, filling `shot`; the help names `shot.size` as the default.
void addShotOptions(OptionParser& parser, ShotOutput& shot);

// The QApplication a screenshot draws with: the offscreen platform unless QT_QPA_PLATFORM
// chooses one (servers and CI have no X), named attnviz, in the light or dark palette.
std::unique_ptr<QApplication> makeScreenshotApplication(bool dark);

// What a screenshot of `shot.size` takes, about 16 bytes a pixel (the offscreen backing store,
// the heatmaps' images, the grabbed pixmap, the PNG; measured in limits.hpp). Named while the
// window lives, for the one error ending.
MemoryDemand screenshotDemand(const ShotOutput& shot);

// Grabs `target` and writes it to `shot.out` as PNG. The memory the grab takes is named in a
// MemoryDemand (so running out of it is reported with the size); a PNG that cannot be written
// is a failure (exit 1): "cannot write F.png".
int saveShot(const QString& command, QWidget* target, const ShotOutput& shot);

}  // namespace attnviz::shell
