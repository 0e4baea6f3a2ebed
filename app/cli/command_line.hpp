// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz [COMMAND] ...`: the command-line modes, and the GUI when no command is given.
#pragma once

#include <QStringList>

namespace attnviz::cli {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the work itself failed (I/O, training diverged, ...)
inline constexpr int kExitBadInput = 2; // the input or the arguments are wrong

int run(int argc, char** argv);

// Prints `attnviz --help`.
QString usage_text();

}  // namespace attnviz::cli
