// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/command_line.hpp"

int main(int argc, char** argv) { return attnviz::cli::run(argc, argv); }
