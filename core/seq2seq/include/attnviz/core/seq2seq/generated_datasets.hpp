// SPDX-License-Identifier: GPL-3.0-or-later
// Built-in sentence-pair datasets, generated from a seed so that the program trains with no
// download. The same (name, count, seed) gives the same pairs on every platform.
//   dates  — human-readable dates in many formats → ISO YYYY-MM-DD; character tokens, a space is
//            the token "▁" (U+2581).
//   toy-fr — a small English→French grammar: determiners, gender, number agreement, adjectives
//            that follow the noun in French (so the alignment crosses).
//   reverse — sequences of the symbols a … l, 3 to 8 long; the target is the sequence reversed.
#pragma once

#include "attnviz/core/seq2seq/nmt_text.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace attnviz::seq2seq {

std::vector<std::string> generated_dataset_names();  // {"dates", "toy-fr", "reverse"}
bool is_generated_dataset(const std::string& name);
// The step count that fits every pair of the dataset (with <eos>).
int generated_dataset_num_steps(const std::string& name);
// Throws std::invalid_argument on an unknown name or count < 1.
SentencePairs generate_dataset(const std::string& name, int count, std::uint64_t seed);

SentencePairs generate_dates(int count, std::uint64_t seed);
SentencePairs generate_toy_fr(int count, std::uint64_t seed);
SentencePairs generate_reverse(int count, std::uint64_t seed);

}  // namespace attnviz::seq2seq
