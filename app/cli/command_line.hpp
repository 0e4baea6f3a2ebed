// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz [COMMAND] ...`: the command-line modes, and the GUI when no command is given.
#pragma once

#include <QStringList>

namespace attnviz::cli {

int run(int argc, char** argv);

// Prints `attnviz --help`.
QString usage_text();

}  // namespace attnviz::cli
