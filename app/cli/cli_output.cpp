// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/cli_output.hpp"

#include "cli/command_line.hpp"

#include <cstdio>

namespace attnviz::cli {

namespace {

void print_error_line(const char* command, std::string message)
{
    for (char& c : message)
        if (c == '\n' || c == '\r') c = ' ';
    std::fprintf(stderr, "attnviz %s: %s\n", command, message.c_str());
}

}  // namespace

int report_bad_input(const char* command, std::string message)
{
    print_error_line(command, std::move(message));
    return kExitBadInput;
}

int report_failure(const char* command, std::string message)
{
    print_error_line(command, std::move(message));
    return kExitFailure;
}

bool print_json(const json::Value& value, int indent) { return print_line(json::dump(value, indent)); }

bool print_line(const std::string& text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

}  // namespace attnviz::cli
