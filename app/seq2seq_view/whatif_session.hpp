// SPDX-License-Identifier: GPL-3.0-or-later
// "What if the decoder had looked elsewhere?": one translation, the user's edit of one step's
// attention row, and the re-decode from that step (core translate_greedy with an
// AttentionOverride). No Qt: the arithmetic is the core's (set_row_weight, renormalise_row).
//
// One override at a time, as the core decodes it: the edited row is used at step k and at every
// later step. A new edit at another step replaces the previous one.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include "attnviz/core/seq2seq/decode.hpp"

#include <optional>
#include <string>

namespace attnviz::seq2seq_view {

class WhatIfSession {
public:
    // A new sentence: `original` was decoded from `input` (the model's tokens) by `model`.
    void start(Seq2SeqModelPtr model, std::string input, seq2seq::Translation original);
    bool active() const { return model_ != nullptr; }

    // Step `step`'s weight `index` set to `value`, the rest rescaled to keep the sum at 1, then
    // re-decoded. Returns the new current translation. Throws std::out_of_range for a bad step
    // or index.
    const seq2seq::Translation& editWeight(int step, int index, double value);
    // A whole row for step `step` (renormalised: negatives count as 0, all-zero → uniform).
    const seq2seq::Translation& setRow(int step, const std::vector<double>& row);
    // Back to the original translation.
    void reset();

    const seq2seq::Translation& current() const { return override_ ? edited_ : original_; }
    const seq2seq::Translation& original() const { return original_; }
    const std::optional<seq2seq::AttentionOverride>& attentionOverride() const { return override_; }
    bool edited() const { return override_.has_value(); }

private:
    const seq2seq::Translation& decode();

    Seq2SeqModelPtr model_;
    std::string input_;
    seq2seq::Translation original_, edited_;
    std::optional<seq2seq::AttentionOverride> override_;
};

}  // namespace attnviz::seq2seq_view
