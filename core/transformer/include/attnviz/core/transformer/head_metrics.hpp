// SPDX-License-Identifier: GPL-3.0-or-later
// What each attention head does, measured on a probe batch (Olsson et al. 2022, "In-context
// learning and induction heads"). For a head's map A (n × n, rows = queries, causal, rows summing
// to 1), averaged over the probe sequences:
//   previous_token  mean over queries i ≥ 1 of A[i][i−1]
//   induction       mean over the queries i of the repeated half (the induction task's second
//                   copy, i = k … 2k−1) of A[i][i−k+1]: the weight on the token AFTER the earlier
//                   occurrence of the current token, which is what predicts the next one
//   first_token     mean over queries i ≥ 1 of A[i][0] (the "attention sink")
//   entropy         mean over queries i ≥ 1 of −Σ_j A[i][j] ln A[i][j], in nats (0: one key;
//                   ln(i+1): uniform over the visible keys)
// Query 0 is left out of the first three and of the entropy because causality forces A[0][0]=1.
#pragma once

#include <cstddef>
#include <vector>

namespace attnviz::transformer {

struct HeadMetrics {
    double previous_token = 0.0;
    double induction = 0.0;
    double first_token = 0.0;
    double entropy = 0.0;
};

// The probe's attention: sequences × layers × heads maps of n × n floats, and per sequence its
// repeat length k (0: no repeat, the induction score then does not count that sequence).
struct ProbeAttention {
    int sequences = 0, layers = 0, heads = 0, n = 0;
    std::vector<float> weights;  // (sequences × layers × heads × n × n), in that order
    std::vector<int> repeat;     // (sequences)
};

// The metrics of one map A (n × n, row-major), with repeat k (0: induction = 0).
HeadMetrics head_metrics(const float* A, int n, int repeat);

// Per (layer, head), layer-major (index layer·heads + head), averaged over the sequences (the
// induction score over the sequences with a repeat, 0 when none has one). Throws
// std::invalid_argument when the sizes do not match the weights.
std::vector<HeadMetrics> probe_head_metrics(const ProbeAttention& probe);

}  // namespace attnviz::transformer
