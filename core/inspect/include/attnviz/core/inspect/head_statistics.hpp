// SPDX-License-Identifier: GPL-3.0-or-later
// Per-head summaries that tell head types apart at a glance: diffuse (high entropy), local
// (small distance, previous-token), "no-op" heads parked on the first token, and so on.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/tensor.hpp"

#include <vector>

namespace attnviz::inspect {

struct HeadStatistics {
    Index layer = 0, head = 0;
    double entropy = 0;               // mean over rows of -Σ_j a_ij ln a_ij (nats; 0 ln 0 = 0)
    double mean_distance = 0;         // mean over rows of Σ_j a_ij |i - j|
    double first_token_share = 0;     // mean over rows of a_i0
    double previous_token_share = 0;  // mean over rows i ≥ 1 of a_i,i-1 (0 when n_q = 1)
    double self_share = 0;            // mean over rows i < n_k of a_ii
};

// a: (n_q × n_k) one head's weights. Non-positive entries add nothing to the entropy.
HeadStatistics head_statistics(const Matrix& a);
// The same for a head as the stack serves it (float, viewed in place in the file mapping when
// it can be), read where it lies: nothing n_q × n_k is copied, so a 16384² head costs its
// file's pages and not a 2 GB double copy. Each float is widened to double and the sums run in
// the same order as the Matrix overload, so both give the same bits for the same values.
HeadStatistics head_statistics(const HeadMap& a);
// One entry per (layer, head), layer-major; one head at a time, each read in place.
std::vector<HeadStatistics> head_statistics(const AttentionStack& stack);

}  // namespace attnviz::inspect
