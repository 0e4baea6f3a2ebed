// SPDX-License-Identifier: GPL-3.0-or-later
// What the three screenshot modes (playground, seq2seq window, inspector) share: the output
// options --out F.png, --size WxH and --palette light|dark, and the offscreen application.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>

class QApplication;

namespace attnviz::cli {

struct ShotOutput {
    QString out;  // required: the PNG to write
    QSize size;   // window (or panel) size in pixels; each mode sets its default
    bool dark = false;
};

// If args[i] is --out, --size or --palette: consumes it and its value (advancing i) and returns
// true; *problem is then empty or the one-line reason the value is bad. False for other options.
bool takeShotOption(const QStringList& args, int& i, ShotOutput& shot, QString* problem);

// The QApplication a screenshot draws with: the offscreen platform unless QT_QPA_PLATFORM
// chooses one (servers and CI have no X), named attnviz, in the light or dark palette.
std::unique_ptr<QApplication> makeScreenshotApplication(bool dark);

}  // namespace attnviz::cli
