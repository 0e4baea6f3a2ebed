// SPDX-License-Identifier: GPL-3.0-or-later
// Text that normalizers and pre-tokenizers change while remembering where each byte came from,
// so that every token keeps its byte offsets into the caller's input (Hugging Face's
// NormalizedString, in small).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnviz::tokenizers {

using Range = std::pair<std::size_t, std::size_t>;  // [begin, end) bytes of the original input

// A Range in 32 bits, for the per-byte map below: half the memory (Tokenizer::encode refuses
// inputs of 4 GiB or more), converted to and from Range where it is read or written.
struct Span {
    std::uint32_t first = 0, second = 0;
    Span() = default;
    Span(std::size_t begin, std::size_t end) : first(static_cast<std::uint32_t>(begin)), second(static_cast<std::uint32_t>(end)) {}
    Span(const Range& r) : Span(r.first, r.second) {}  // NOLINT: implicit on purpose
    operator Range() const { return {first, second}; }
};

// One code point of a NormalizedString with the original bytes it stands for. `raw` marks a byte
// that is not well-formed UTF-8 (kept as it is: byte-level BPE encodes it; `cp` is the byte).
struct Unit {
    char32_t cp = 0;
    bool raw = false;
    Range source{0, 0};
};

struct NormalizedString {
    std::string text;
    std::vector<Span> align;  // align[i]: the original bytes that text[i] comes from (text.size() entries)

    // ORIGINAL (a part of the input starting at byte OFFSET of it), aligned byte for byte.
    // With replace_invalid, bytes that are not UTF-8 become U+FFFD (aligned to that byte).
    static NormalizedString from_original(std::string_view original, std::size_t offset, bool replace_invalid);

    bool empty() const { return text.empty(); }
    // The original bytes of text[a, b); for an empty range, the point where it sits.
    Range original(std::size_t a, std::size_t b) const;
    NormalizedString slice(std::size_t a, std::size_t b) const;

    std::vector<Unit> units() const;
    void assign(const std::vector<Unit>& units);
    // Prepends S, aligned to the first character (as Hugging Face aligns a prepended "▁").
    void prepend(std::string_view s);
};

// Appends one unit's bytes to TEXT and ALIGN.
void append_unit(std::string& text, std::vector<Span>& align, const Unit& u);

}  // namespace attnviz::tokenizers
