// SPDX-License-Identifier: GPL-3.0-or-later
// Inference with a trained Seq2SeqModel, as d2l's predict_seq2seq (v0.17) does it: the source is
// lowercased and split on spaces (we run it through preprocess_nmt, which for already-spaced text
// is the same and also separates "go." into "go ."), <eos> appended, truncated or padded to
// num_steps; the encoder runs over all num_steps; decoding starts from <bos> and stops after
// <eos> or num_steps steps. Every step reports its token, probability, the five most probable
// tokens and the attention row over the source tokens the model saw.
#pragma once

#include "attnviz/core/seq2seq/model.hpp"
#include "attnviz/core/seq2seq/vocab.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::seq2seq {

struct DecodeStep {
    int token = 0;
    std::string text;
    double probability = 0.0;                          // of `token` at this step
    std::vector<std::pair<std::string, double>> top;   // the 5 most probable tokens, best first
    std::vector<double> attention;                     // over Translation::source_tokens
    std::vector<double> context;                       // (H) the attention's output
};

struct Translation {
    TokenList source_input;    // the sentence's tokens after preprocessing, then <eos>
    TokenList source_tokens;   // as the model saw them: <unk> for unknown words (same length)
    std::vector<bool> unknown; // per source token: not in the source vocabulary
    TokenList output;          // without the final <eos>
    std::vector<DecodeStep> steps;  // one per decoder step, the <eos> step included when reached
    double log_probability = 0.0;
    double score = 0.0;        // beam search: log P / L^0.75 (d2l's length penalty)
    std::string text() const;  // output joined with spaces
};

// The source as the model sees it; throws std::invalid_argument for an empty sentence.
TokenList source_tokens(const std::string& sentence);

// attention_override: decoding steps ≥ first index use the given attention row (over
// source_tokens, renormalised to sum 1) instead of the model's, for "what if" re-decoding:
// {step, row}. Steps before it decode as usual.
struct AttentionOverride {
    int step = 0;
    std::vector<double> row;
};

template <class S>
Translation translate_greedy(const Seq2SeqModel<S>& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                             const std::string& sentence, int num_steps,
                             const std::optional<AttentionOverride>& override_row = std::nullopt);

// Beam search, 1 ≤ beam ≤ 8 (std::invalid_argument otherwise). Finished hypotheses are ranked by
// log P / L^0.75 (L = output length with <eos>), the d2l book's criterion; beam 1 is greedy.
template <class S>
Translation translate_beam(const Seq2SeqModel<S>& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                           const std::string& sentence, int num_steps, int beam);

}  // namespace attnviz::seq2seq
