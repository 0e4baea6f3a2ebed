// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8 decoding and encoding of single code points, shared by the JSON reader and the
// sentence-pair pipeline.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attnviz::utf8 {

// Decodes the code point at s[i] into `cp`; returns its length in bytes, or 0 when the bytes
// there are not well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation).
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp);

// Appends the UTF-8 encoding of `cp` (a scalar value, <= U+10FFFF) to `out`.
void append(std::string& out, char32_t cp);

}  // namespace attnviz::utf8
