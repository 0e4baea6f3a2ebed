// SPDX-License-Identifier: GPL-3.0-or-later
// The one beginning and ending of every command-line mode. run_command parses the arguments with
// the command's OptionParser (--help: the help on standard output, exit 0; a bad argument: one
// line, exit 2) and runs the command's body inside finish(), which turns whatever the body
// throws into one line on standard error and the exit status:
//
//   std::invalid_argument                      2  the input or the arguments are wrong
//   std::bad_alloc, std::length_error          2  the input asked for more memory than there is:
//                                                 "not enough memory for WHAT (about N MB)" when
//                                                 a MemoryDemand names what was being built
//   any other exception                        1  the work itself failed (I/O, ...)
//
// Every line is "attnviz COMMAND: MESSAGE"; newlines in a message become spaces, so scripts can
// rely on one line per error.
#pragma once

#include "shell/options.hpp"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <string>

namespace attnviz::shell {

// Exit statuses shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the work itself failed (I/O, training diverged, ...)
inline constexpr int kExitBadInput = 2;  // the input or the arguments are wrong

// "attnviz COMMAND: MESSAGE" on standard error, on one line; returns kExitBadInput.
int report_bad_input(const QString& command, const std::string& message);
// The same for a failure of the work itself; returns kExitFailure.
int report_failure(const QString& command, const std::string& message);

// Parses `args`, then runs `body(parsed)` inside finish() (parsed: the positionals and which
// options were given; the values are in the parser's targets). The body returns an exit status.
int run_command(const OptionParser& parser, const QStringList& args,
                const std::function<int(const OptionParser::Result& parsed)>& body);

// Runs `body` and reports what it throws as the table above says.
int finish(const QString& command, const std::function<int()>& body);

// Names, while it lives, the large thing the input asked for, so that running out of memory
// building it reads "not enough memory for a 3000x3000 screenshot (about 34 MB)" and not
// "std::bad_alloc". Scopes nest; the innermost one that was alive when the exception was
// thrown is named. One thread: the command-line modes run their work on the main thread.
class MemoryDemand {
public:
    MemoryDemand(std::string what, double bytes);
    ~MemoryDemand();
    MemoryDemand(const MemoryDemand&) = delete;
    MemoryDemand& operator=(const MemoryDemand&) = delete;

private:
    std::string what_;
    double bytes_;
    int uncaught_;                // std::uncaught_exceptions() when the scope began
    const MemoryDemand* outer_;  // the enclosing scope
};

// "512 KB", "34 MB", "3.4 GB", "1.2 TB": a byte count as the messages write it (decimal units).
std::string format_bytes(double bytes);

}  // namespace attnviz::shell
