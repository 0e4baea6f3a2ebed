// SPDX-License-Identifier: GPL-3.0-or-later
// Softmax cross-entropy with a weight per row, the building block of d2l's MaskedSoftmaxCELoss.
//
// d2l (v0.17): l_b = mean over all T steps of CE(b, t) · [t < valid_len_b] (reduction='none', times
// the mask, .mean(dim=1)); train_seq2seq backpropagates l.sum() over the batch and reports
// Σ l / Σ valid_len as "loss". So the objective is Σ_b Σ_{t<valid_b} CE(b, t) / T, i.e. every valid
// token has weight 1/T, and the reported loss is the mean token cross-entropy divided by T (the
// book's 0.020 at T = 10 is a mean token cross-entropy of 0.20). We do exactly the same.
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// logits (n × V), labels (n), weights (n) → Σ_i w_i · CE_i (accumulated in double);
// dlogits (n × V) = w_i (softmax_i − onehot(label_i)), overwritten (may alias nothing).
// Throws std::invalid_argument on a label outside [0, V).
template <class S>
double weighted_softmax_ce(const CRef<S>& logits, const int* labels, const S* weights, MRef<S> dlogits);

// d2l's per-sequence losses: logits (B·T × V) batch-major (row b·T + t), labels likewise, valid (B)
// → l (B) with l_b = Σ_{t<valid_b} CE / T; dlogits = ∂(Σ_b l_b)/∂logits.
template <class S>
void masked_softmax_ce_loss(const CRef<S>& logits, const int* labels, const int* valid, Eigen::Index B,
                            Eigen::Index T, double* per_sequence, MRef<S> dlogits);

}  // namespace attnviz::nn
