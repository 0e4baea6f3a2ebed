// SPDX-License-Identifier: GPL-3.0-or-later
// Attention masks: valid lengths, causal, an explicit 0/1 matrix, and their union.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <vector>

namespace attnviz {

struct MaskSpec {
    // Empty: no valid-length mask. One value: the same valid length for every query row.
    // n_q values: one per query row. Keys at index >= valid length are masked.
    std::vector<Index> valid_len;
    // Key j is masked for query i when j > i.
    bool causal = false;
    // Empty, or (n_q × n_k) with true = masked.
    BoolMatrix matrix;

    bool empty() const { return valid_len.empty() && !causal && matrix.size() == 0; }
};

// The union of every mask in `spec` as an (n_q × n_k) matrix, true = masked.
// Throws std::invalid_argument when valid_len has neither 1 nor n_q entries, a valid length is
// negative, or the explicit matrix is not n_q × n_k.
BoolMatrix build_mask(const MaskSpec& spec, Index n_q, Index n_k);
// The same into `out`, reusing its buffer when it already has the shape.
void build_mask(const MaskSpec& spec, Index n_q, Index n_k, BoolMatrix& out);

}  // namespace attnviz
