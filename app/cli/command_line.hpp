// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz [COMMAND] ...`: the command-line modes, and the GUI when no command is given.
#pragma once

#include "shell/command.hpp"

#include <QStringList>

namespace attnviz::cli {

// The exit statuses live in the shell; these names remain for train_command.cpp, which is
// converted to the shell's parser separately.
using shell::kExitBadInput;
using shell::kExitFailure;
using shell::kExitOk;

int run(int argc, char** argv);

// Prints `attnviz --help`.
QString usage_text();

}  // namespace attnviz::cli
