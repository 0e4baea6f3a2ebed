// SPDX-License-Identifier: GPL-3.0-or-later
// A compiled PCRE2 pattern (UTF, Unicode properties, JIT when available) that lists its
// matches: the Split and ByteLevel pre-tokenizers' regular expressions (\p{L}, \p{N},
// possessive quantifiers and lookaheads as GPT-2, Llama 3 and Qwen2 write them).
#pragma once

#include "normalized_string.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::tokenizers {

class Regex {
public:
    // Throws std::invalid_argument("regular expression ...: PCRE2's message at offset N").
    // LITERAL: match PATTERN as plain text.
    Regex(const std::string& pattern, bool literal);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Every non-overlapping, non-empty match of TEXT from left to right, as byte ranges.
    // Bytes that are not UTF-8 never match. Thread-safe.
    std::vector<Range> find_all(std::string_view text) const;

private:
    struct Code;
    std::unique_ptr<Code> code_;
};

}  // namespace attnviz::tokenizers
