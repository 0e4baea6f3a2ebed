// SPDX-License-Identifier: GPL-3.0-or-later
// The entry point of each command-line mode. `args` exclude "attnviz" and the command's name.
// Each returns an exit status from command_line.hpp.
#pragma once

#include <QStringList>

namespace attnviz::cli {

int run_compute(const QStringList& args);  // compute_command.cpp
int run_inspect(const QStringList& args);  // inspect_command.cpp
int run_train(const QStringList& args);    // train_command.cpp
int run_translate(const QStringList& args);  // translate_command.cpp
int run_screenshot(const QStringList& args);  // gui/screenshot_command.cpp

}  // namespace attnviz::cli
