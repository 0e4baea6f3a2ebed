// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes read as a session file (docs/session-format.md), as
// `attnviz compute` and the GUI read one: parse, check, compute, and write the result as JSON.
// std::invalid_argument (json::ParseError is one) is the only accepted refusal; a crash, a
// sanitizer report, another exception, or memory beyond -rss_limit_mb (a size that escaped the
// limits of parameters.hpp) is a finding. Seeded with resources/presets.
#include "attnviz/core/session.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const attnviz::Session s = attnviz::parse_session(text);
        attnviz::check_session(s);
        const attnviz::ComputeOutcome outcome = attnviz::compute_session(s);
        (void)attnviz::result_to_json(s, outcome);
        // What is read is written back and read again to the same session.
        (void)attnviz::parse_session(attnviz::write_session(s));
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
