// SPDX-License-Identifier: GPL-3.0-or-later
// The QApplication the GUI benchmarks draw with: created on first use, on the offscreen
// platform unless QT_QPA_PLATFORM says otherwise, so the benchmarks run headless.
#pragma once

#include <QApplication>

namespace attnviz::bench {

inline void ensureApplication()
{
    if (QApplication::instance()) return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "attnviz_bench";
    static char* argv[] = {name, nullptr};
    static QApplication app(argc, argv);
}

}  // namespace attnviz::bench
