// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/cli_output.hpp"

#include <cstdio>

namespace attnviz::cli {

bool print_json(const json::Value& value, int indent) { return print_line(json::dump(value, indent)); }

bool print_line(const std::string& text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

}  // namespace attnviz::cli
