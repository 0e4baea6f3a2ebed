// SPDX-License-Identifier: GPL-3.0-or-later
// d2l's text pipeline for tab-separated sentence pairs (v0.17 preprocess_nmt / tokenize_nmt).
#pragma once

#include "attnviz/core/seq2seq/vocab.hpp"

#include <string>
#include <string_view>

namespace attnviz::seq2seq {

// Lowercases UTF-8 text as Python's str.lower() does for ASCII, Latin-1, Latin Extended-A, Greek
// and basic Cyrillic (the scripts of the Tatoeba pairs we use); other code points, and invalid
// UTF-8 bytes, pass through unchanged.
std::string utf8_lower(std::string_view text);

// preprocess_nmt: U+202F and U+00A0 → ' ', lowercase, then a space before each of , . ! ? whose
// previous character (in the whole text, across lines) is not a space.
std::string preprocess_nmt(std::string_view text);

// Python's str.split(' '): empty fields are kept, "" gives {""}.
TokenList split_on_spaces(std::string_view line);

struct SentencePairs {
    std::vector<TokenList> source;
    std::vector<TokenList> target;
    std::size_t size() const { return source.size(); }
};

// tokenize_nmt: lines split on '\n' ("\r\n" first normalised, as Python's text mode does); with
// num_examples > 0 the lines 0 … num_examples are read (num_examples + 1 lines, as the book's
// `if num_examples and i > num_examples: break` does). A line with 2 tab-separated fields (d2l) or
// 3 (the attributed Tatoeba files; the third is ignored) gives a pair; other lines are skipped.
SentencePairs tokenize_nmt(std::string_view preprocessed, int num_examples = 0);

// Reads a UTF-8 file whole; throws std::invalid_argument naming the path when it cannot.
std::string read_text_file(const std::string& path);

}  // namespace attnviz::seq2seq
