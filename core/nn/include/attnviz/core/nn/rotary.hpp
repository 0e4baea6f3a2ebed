// SPDX-License-Identifier: GPL-3.0-or-later
// Rotary position embedding (Su et al., RoFormer, 2021) in the Hugging Face Llama convention
// (LlamaRotaryEmbedding + apply_rotary_pos_emb), which Mistral and Qwen2 share: within each head
// of width d, the first r = rotary_dim dimensions (r = d for Llama) are split in two halves and
// dimension i < r/2 is paired with i + r/2 ("rotate_half"), not with its neighbour:
//   θ_i = theta^(−2i/r),  a = position · θ_i,
//   y_i       = x_i cos a − x_{i+r/2} sin a
//   y_{i+r/2} = x_{i+r/2} cos a + x_i sin a
// Dimensions r … d − 1 pass through (GPT-NeoX / Phi-style partial rotary). Applied to Q and K per
// head, it makes q·k depend on the two positions only through their difference. The angles are
// computed in double and rounded to S once (HF computes them in float32).
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// cos a and sin a per position (row) and frequency (column): (n × r/2) each.
template <class S>
struct RotaryTable {
    Mat<S> cos, sin;
};

template <class S>
class RotaryEmbedding {
public:
    // head_dim d ≥ 2; rotary_dim r even, 2 ≤ r ≤ d (0: r = d); theta > 0 (10000 for Llama 2,
    // 500000 for Llama 3, 1000000 for Qwen2). Throws std::invalid_argument naming the sizes.
    explicit RotaryEmbedding(Eigen::Index head_dim, double theta = 10000.0, Eigen::Index rotary_dim = 0);

    Eigen::Index head_dim() const { return head_dim_; }
    Eigen::Index rotary_dim() const { return rotary_dim_; }
    double theta() const { return theta_; }

    // positions (n), each ≥ 0 → table (n × r/2).
    void table(const int* positions, Eigen::Index n, RotaryTable<S>& t) const;
    // x (n × heads·d), head h in columns [h·d, (h+1)·d): rotated in place by row i's angles.
    void apply(MRef<S> x, Eigen::Index heads, const RotaryTable<S>& t) const;
    // The backward of apply: the gradient dx (n × heads·d) rotated back (by −a) in place. The
    // rotation is orthogonal, so this is its transpose.
    void apply_backward(MRef<S> dx, Eigen::Index heads, const RotaryTable<S>& t) const;

private:
    void rotate(MRef<S> x, Eigen::Index heads, const RotaryTable<S>& t, bool inverse) const;
    Eigen::Index head_dim_, rotary_dim_;
    double theta_;
};

extern template class RotaryEmbedding<float>;
extern template class RotaryEmbedding<double>;

}  // namespace attnviz::nn
