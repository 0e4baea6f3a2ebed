// SPDX-License-Identifier: GPL-3.0-or-later
// Row-wise, masked, temperature-scaled softmax that never produces NaN, and the fused
// scores → scaled → logits → weights → output chain every variant ends with. The softmax itself
// is the code base's one row softmax, nn::softmax_rows_from_max (attnviz/core/nn/softmax.hpp);
// this file adds the playground's scaling, temperature, boolean mask and overflow refusal.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <vector>

namespace attnviz {

struct SoftmaxRows {
    Matrix logits;   // (n × m) scaled / temperature; masked entries are -infinity
    Matrix weights;  // (n × m) each unmasked row sums to 1; masked entries are exactly 0
    std::vector<Index> fully_masked_rows;  // rows whose every entry is masked: all-zero weights
};

// scaled: (n × m) finite scores after the variant's scaling; masked: (n × m) or empty (= none).
// weights_ij = exp(l_ij - max_j l_ij) / Σ_j ..., l = scaled / T, so scores of ±1e30 or T = 1e-6
// give no NaN. A row is reported in fully_masked_rows only when the mask covers all of it.
// Throws std::invalid_argument for T <= 0 or non-finite T, a mask of another shape, and for a
// row whose scores or logits are not finite doubles (|s| / T beyond DBL_MAX, T = 5e-324, inputs
// of ±1e308 whose dot products overflow): "logits: row 0, column 1: score -0.5 × scale 1 /
// temperature 4.94066e-324 overflows double precision; ...". Overflow is never reported as a
// masked row.
SoftmaxRows masked_softmax(const Matrix& scaled, const BoolMatrix& masked, double temperature);

// The end of every variant, fused: from raw scores (n × m) it fills
//   logits  = scores · scale / T, masked = -inf (n × m)
//   weights = row softmax, masked = exactly 0   (n × m)
//   output  = weights · values                  (n × d), when values has d > 0 columns
// one block of query rows at a time, so that each block's passes run in cache: at n = 2048
// every (n × m) matrix is 32 MB, and whole-matrix passes were memory-bound (docs/benchmarks.md).
// values: (m × d); masked: (n × m) or empty; scores must not be out.logits itself. Refuses what
// masked_softmax refuses, naming the row of `scores`. `out`'s matrices are resized, not reallocated,
// when they already have the right shape: a fresh 32 MB buffer costs more in first-touch page
// faults than the softmax itself.
struct SoftmaxChain {
    Matrix logits, weights, output;
    std::vector<Index> fully_masked_rows;
};
void softmax_chain(const Matrix& scores, double scale, const BoolMatrix& masked,
                   double temperature, const Eigen::Ref<const Matrix>& values, SoftmaxChain& out);

}  // namespace attnviz
