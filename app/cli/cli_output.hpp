// SPDX-License-Identifier: GPL-3.0-or-later
// What every command-line mode prints on standard output: JSON, or a line of text. Errors go
// through the shell's one ending (shell/command.hpp).
#pragma once

#include "attnviz/core/json.hpp"

#include <string>

namespace attnviz::cli {

// Writes `value` and a newline to standard output (indent < 0: one line). False when the
// output could not be written (a closed pipe, a full disk).
bool print_json(const json::Value& value, int indent = -1);
// Writes `text` and a newline to standard output and flushes; false when that failed.
bool print_line(const std::string& text);

}  // namespace attnviz::cli
