// SPDX-License-Identifier: GPL-3.0-or-later
// Small pure helpers for the interactive model window (issue 4): editing one attention row for a
// "what if" re-decode, and the character-level text of the `dates` models. The window and its
// widgets call these instead of doing arithmetic themselves, so the rules are tested here.
#pragma once

#include "attnviz/core/seq2seq/vocab.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace attnviz::seq2seq {

// `row` (n) as weights that sum to 1: negative, NaN and infinite entries count as 0, the rest are
// divided by their sum; an all-zero (or empty) row becomes uniform (1/n each). Why uniform: the
// decoder needs some distribution over the source, and "no preference" is the honest one.
std::vector<double> renormalise_row(const std::vector<double>& row);

// The row after the user set entry `index` to `value` (dragged a bar, typed a number): that
// entry becomes clamp(value, 0, 1) and the other entries share 1 − value in their current
// proportions (equally when they are all 0), so the row still sums to 1 and the edited weight
// is exactly what the user chose. Throws std::out_of_range for a bad index.
std::vector<double> set_row_weight(const std::vector<double>& row, int index, double value);

// Character-level models (the `dates` dataset: one token per character, a space is "▁"):
// "mar 3" → "m a r ▁ 3", one token per UTF-8 code point (invalid bytes pass one by one).
std::string spell_characters(std::string_view text);
// The reverse for output tokens: concatenated, "▁" → ' '. {"2","0","▁"} → "20 ".
std::string join_characters(const TokenList& tokens);

}  // namespace attnviz::seq2seq
