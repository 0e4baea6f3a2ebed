// SPDX-License-Identifier: GPL-3.0-or-later
// Unicode facts the tokenizers need, from utf8proc (no hand-written tables).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attnviz::tokenizers::unicode {

bool is_whitespace(char32_t c);       // Rust's char::is_whitespace: White_Space (Zs, Zl, Zp, \t..\r, U+0085)
bool is_control(char32_t c);          // categories Cc, Cf, Cs, Co, Cn (BERT's "other", \t\n\r excluded)
bool is_punctuation(char32_t c);      // categories P*
bool is_bert_punctuation(char32_t c); // ASCII punctuation or P* (BertPreTokenizer, BasicTokenizer)
bool is_alphanumeric(char32_t c);     // categories L*, N*
bool is_nonspacing_mark(char32_t c);  // category Mn (what strip_accents removes)
bool is_chinese_char(char32_t c);     // the CJK blocks BERT surrounds with spaces
int combining_class(char32_t c);
char32_t to_lower(char32_t c);

// Decomposition of one code point (canonical, or compatibility when `compat`) into `out`
// (appended, not reordered: the caller orders marks by combining class).
void decompose(char32_t c, bool compat, std::u32string& out);
// Canonical ordering: marks (combining class > 0) sorted stably by class; `sources` (when given)
// is permuted alongside.
void canonical_order(std::u32string& s, std::vector<std::size_t>* sources);
// NFC (or NFKC when `compat`) of a short run of code points.
std::u32string compose(const std::u32string& run, bool compat);

}  // namespace attnviz::tokenizers::unicode
