// SPDX-License-Identifier: GPL-3.0-or-later
// GPT-2's byte-to-character map: every byte becomes a printable character (a space is "Ġ",
// U+0120; a newline "Ċ"), so that byte-level BPE tokens are ordinary strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace attnviz::tokenizers::byte_level {

// The character byte B stands for.
char32_t char_of_byte(unsigned char b);
// The byte character C stands for, or nullopt for a character outside the map.
std::optional<unsigned char> byte_of_char(char32_t c);
// The bytes a byte-level token spells; characters outside the map are kept as their UTF-8.
std::string token_bytes(std::string_view token);

// GPT-2's pre-tokenization pattern.
inline constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace attnviz::tokenizers::byte_level
