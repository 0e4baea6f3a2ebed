// SPDX-License-Identifier: GPL-3.0-or-later
// y = x B for inference over weights seen in place: x (m × k) row-major, B (k × n) given as a
// weight matrix stored either (k × n) row-major (Conv1D) or (n × k) row-major (nn.Linear, B = Wᵀ).
//
// Why not Eigen's product: a forward multiplies every weight once by a short block of tokens
// (m = 128), so the weight streams through once and is never reused across calls. Eigen's GEMM on
// this machine reaches ~60 GFLOP/s there (it reads the weight through its strided layout); packing
// the weight into 24-column panels as it goes (BLIS's scheme: a kc × 24 panel contiguous, kept in
// L1, reused by every 4-row block of tokens, the next panel's lines prefetched meanwhile), the
// tokens packed 4 rows interleaved, and a 4 × 24 register-tile kernel reach ~85 GFLOP/s on one
// core, packing included (AVX2 + FMA; measured in docs/benchmarks.md). Without AVX2 and FMA (a portable build)
// the Eigen product is used. The sums run in a different order than Eigen's, so the two agree to
// rounding, not bit for bit.
#pragma once

#include "attnviz/core/nn/infer.hpp"

namespace attnviz::nn::detail {

// y (m × n, row stride ldy) = x (m × k, row stride ldx) · B. B(k', j) = w[k'·ldw + j] when
// `w_is_k_by_n`, else w[j·ldw + k']. Returns false (and does nothing) when the fast path is not
// compiled in; the caller then uses Eigen.
bool gemm_packed(Eigen::Index m, Eigen::Index n, Eigen::Index k, const float* x, Eigen::Index ldx, const float* w,
                 Eigen::Index ldw, bool w_is_k_by_n, float* y, Eigen::Index ldy);

}  // namespace attnviz::nn::detail
