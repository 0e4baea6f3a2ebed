// SPDX-License-Identifier: GPL-3.0-or-later
// Sentence pairs as padded index arrays, d2l's build_array_nmt / load_data_nmt.
#pragma once

#include "attnviz/core/seq2seq/nmt_text.hpp"
#include "attnviz/core/seq2seq/vocab.hpp"

#include <cstdint>

namespace attnviz::seq2seq {

// d2l's truncate_pad.
std::vector<int> truncate_pad(std::vector<int> line, int num_steps, int pad);

struct TranslationData {
    Vocab src_vocab, tgt_vocab;
    int num_steps = 0;
    SentencePairs pairs;         // the tokens as read (before <eos>, truncation, padding)
    std::vector<int> src, tgt;   // (N × num_steps) row-major: indices + <eos>, truncated or padded
    std::vector<int> src_valid;  // (N): entries ≠ <pad> per row
    std::vector<int> tgt_valid;  // (N)
    int size() const { return static_cast<int>(src_valid.size()); }
};

// Vocabularies built from `pairs` (min_freq, reserved <pad> <bos> <eos>), then the arrays.
// Throws std::invalid_argument when num_steps < 1 or there are no pairs.
TranslationData build_translation_data(SentencePairs pairs, int num_steps, int min_freq = 2);
// The arrays of `pairs` under existing vocabularies (a held-out split, a loaded model's vocabularies).
TranslationData encode_translation_data(SentencePairs pairs, const Vocab& src_vocab, const Vocab& tgt_vocab,
                                        int num_steps);

// d2l's load_data_nmt without the iterator: read, preprocess, tokenize (num_examples as above).
TranslationData load_nmt_file(const std::string& path, int num_examples, int num_steps, int min_freq = 2);

// A deterministic split: a shuffled (attnviz::Rng(seed)) `held_out` fraction goes to the second set.
std::pair<SentencePairs, SentencePairs> split_pairs(const SentencePairs& pairs, double held_out, std::uint64_t seed);

}  // namespace attnviz::seq2seq
