// SPDX-License-Identifier: GPL-3.0-or-later
// The top K of a row of logits, and the logit lens: the residual stream after a layer read
// through the model's own final norm and LM head (nostalgebraist, 2020).
#pragma once

#include "architecture.hpp"

#include <vector>

namespace attnviz::hf {

// The k largest of logits[0 … V) (ties: the smaller id first) with their softmax probabilities
// (max-shifted, the sum in double).
std::vector<TopToken> top_tokens(const float* logits, Eigen::Index V, int k);

// hidden (n × E): the residual stream after some layer. For each p in positions, the top K of
// lm_head(finish(hidden.row(p))) → out[i] for positions[i]. finish() is row-wise (LayerNorm,
// RMSNorm or nothing), so it is applied to the picked rows only; BERT's lm_head includes its
// MLM transform (dense, activation, LayerNorm).
void logit_lens_rows(const Architecture& arch, const Mat& hidden, const std::vector<int>& positions, int k,
                     Scratch& scratch, std::vector<std::vector<TopToken>>& out);

}  // namespace attnviz::hf
