// SPDX-License-Identifier: GPL-3.0-or-later
// The heads of multi_head_attention after the projections: each head's chain (scores → softmax
// chain → output) and the means over the heads. Private to the attention target.
#pragma once

#include "attnviz/core/attention.hpp"

#include <vector>

namespace attnviz::detail {

// Up to this many entries per (n_q × n_k) matrix (256², 512 KB) the whole matrix is one block,
// every head keeps its scores, logits and weights, and the shared softmax computes them: the
// playground's hand-checked examples run here, with the same numbers bit for bit as before.
// Above it the heads keep their weights only (HeadResult::score()/logit() compute an entry on
// demand) and the rows go in blocks: at n = 512 that is 1.5× faster than one block.
inline constexpr Index kMultiHeadOneBlockEntries = 64 * 1024;

// Fills r.heads (one per head), r.scores, r.logits, r.weights (the means over the heads) and
// the heads' outputs side by side in `concat` (n_q × h, allocated by the caller), and returns
// the fully masked query rows. q_proj: (n_q × h), k_proj and v_proj: (n_k × h); r.masked is
// built already (ignored when `unmasked`). Throws std::invalid_argument when softmax_chain
// would refuse (the message may name a row of a block: see replay_refusal).
std::vector<Index> multi_head_blocks(const Matrix& q_proj, const Matrix& k_proj,
                                     const Matrix& v_proj, Index H, double scale, bool unmasked,
                                     double temperature, AttentionResult& r, Matrix& concat);

// When multi_head_blocks refused, the same refusal from the whole-matrix chain, head by head,
// so that the message names the row of the whole matrix rather than of the block. Returns if
// nothing is refused.
void replay_refusal(const Matrix& q_proj, const Matrix& k_proj, const Matrix& v_proj, Index H,
                    double scale, const BoolMatrix& masked, double temperature);

}  // namespace attnviz::detail
