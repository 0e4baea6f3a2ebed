// SPDX-License-Identifier: GPL-3.0-or-later
// What every command-line mode prints: JSON on standard output, one-line errors on standard
// error, and the matching exit status.
#pragma once

#include "attnviz/core/json.hpp"

#include <string>

namespace attnviz::cli {

// "attnviz COMMAND: MESSAGE" on standard error, on one line (newlines in the message become
// spaces, so scripts can rely on one line per error); returns kExitBadInput.
int report_bad_input(const char* command, std::string message);
// The same for a failure of the work itself; returns kExitFailure.
int report_failure(const char* command, std::string message);

// Writes `value` and a newline to standard output (indent < 0: one line). False when the
// output could not be written (a closed pipe, a full disk).
bool print_json(const json::Value& value, int indent = -1);
// Writes `text` and a newline to standard output and flushes; false when that failed.
bool print_line(const std::string& text);

}  // namespace attnviz::cli
