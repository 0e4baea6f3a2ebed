// SPDX-License-Identifier: GPL-3.0-or-later
// Summaries across heads and layers, in double precision (n_q × n_k each).
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/tensor.hpp"

#include <vector>

namespace attnviz::inspect {

// (n_q × n_k) element-wise mean / max over the heads of one layer.
Matrix mean_over_heads(const AttentionStack& stack, Index layer);
Matrix max_over_heads(const AttentionStack& stack, Index layer);
// (n_q × n_k) mean over layers of one head, or of every layer's head mean.
Matrix mean_over_layers(const AttentionStack& stack, Index head);
Matrix mean_over_layers(const AttentionStack& stack);

// Attention rollout (Abnar & Zuidema 2020). `layers` are each layer's head-averaged weights
// A_l (n × n), first layer first. The residual connection is modelled by Ã_l = rownorm(A_l + I)
// and the result is Ã_L · … · Ã_1 (n × n): row i says how much each input token flows into
// position i at the last layer. Throws std::invalid_argument for no layers, non-square or
// mismatched matrices, or a row that sums to 0 after adding I (raw scores: apply softmax first).
Matrix attention_rollout(const std::vector<Matrix>& layers);
// Rollout through layers 0..last_layer (all when last_layer < 0). Requires n_q = n_k.
Matrix attention_rollout(const AttentionStack& stack, Index last_layer = -1);

}  // namespace attnviz::inspect
