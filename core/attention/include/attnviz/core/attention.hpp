// SPDX-License-Identifier: GPL-3.0-or-later
// Every attention variant as one function returning every intermediate a teacher wants to show.
//
// Shapes (row = token):
//   Q: (n_q × d_q)   K: (n_k × d_k)   V: (n_k × d_v)
// Learned weights use PyTorch's nn.Linear layout, (out_features × in_features), with
// y = x Wᵀ + b, so weights exported from PyTorch load as they are. Biases are (1 × out).
// Every function checks its inputs at entry and throws std::invalid_argument naming the tensor
// and both sizes; none aborts.
#pragma once

#include "attnviz/core/mask.hpp"
#include "attnviz/core/tensor.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

enum class Variant {
    Dot,
    ScaledDot,
    Additive,
    LuongGeneral,
    MultiHead,
    DenseSynthesizer,
    RandomSynthesizer,
    FeedForward,
};

inline constexpr std::array<Variant, 8> kAllVariants = {
    Variant::Dot,          Variant::ScaledDot,        Variant::Additive,
    Variant::LuongGeneral, Variant::MultiHead,        Variant::DenseSynthesizer,
    Variant::RandomSynthesizer, Variant::FeedForward,
};

std::string_view variant_id(Variant v);            // "scaled_dot"
std::string_view variant_display_name(Variant v);  // "Scaled dot-product"
std::optional<Variant> variant_from_id(std::string_view id);

// One head of multi_head. Small problems (n_q · n_k up to 64 Ki entries, 256²) keep every matrix.
// Larger ones keep the weights and output only: `scores` and `logits` are empty (at n = 2048
// they were 2H more 32 MB matrices, half of the computation's time, read by nothing but a
// tooltip), and score() / logit() compute one entry from the head's projected queries and keys.
struct HeadResult {
    Matrix scores;     // (n_q × n_k) (W_q q_i + b_q)_t · (W_k k_j + b_k)_t; empty when large
    double scale = 1;  // 1 / √(h/H)
    double temperature = 1;  // T, as given
    Matrix logits;     // (n_q × n_k) scores · scale / T, masked = -inf; empty when large
    Matrix weights;  // (n_q × n_k)
    Matrix output;   // (n_q × h/H) weights · (V W_vᵀ + b_v)_t
    Matrix queries;  // (n_q × h/H) (W_q q_i + b_q)_t when scores is empty, else empty
    Matrix keys;     // (n_k × h/H) (W_k k_j + b_k)_t when scores is empty, else empty

    // scores(i, j) when kept; else the dot product of query i and key j, which agrees with the
    // blocked product to rounding (the sum runs in another order), not bit for bit.
    double score(Index i, Index j) const;
    // logits(i, j) when kept; else -inf where `masked`, or score(i, j) · scale / T as the chain
    // computes it.
    double logit(Index i, Index j, bool masked) const;

    Matrix scaled() const { return scores * scale; }  // (n_q × n_k); empty when large
};

struct AttentionResult {
    Matrix scores;     // (n_q × n_k) raw scores (multi-head: mean over heads)
    // The variant's scaling: 1/√d_k for scaled_dot, 1/√(h/H) for multi_head, else 1. Kept as a
    // factor rather than a matrix: at n = 2048 one more (n × n) write costs 8% of the pass.
    double scale = 1;
    Matrix logits;     // (n_q × n_k) scores · scale / temperature; masked entries are -infinity
    BoolMatrix masked; // (n_q × n_k) true = masked
    Matrix weights;    // (n_q × n_k) softmax rows; masked entries exactly 0 (multi-head: mean)
    Matrix output;     // (n_q × d_out)
    std::vector<HeadResult> heads;      // multi_head only: one per head
    std::vector<std::string> warnings;  // e.g. "query row 2: every key is masked; ..."

    // (n_q × n_k) the scores after the variant's scaling, for the step-by-step view.
    Matrix scaled() const { return scores * scale; }
};

// The entry checks of `variant` on its inputs (sizes, d_q = d_k where a dot product needs it,
// one value row per key, finite entries), without computing anything: what a file reader runs
// to refuse a bad session before any work. Throws std::invalid_argument as the variant would.
void check_inputs(Variant variant, const Matrix& Q, const Matrix& K, const Matrix& V);

// ---- learned parameters, one struct per variant --------------------------------------------

struct AdditiveParams {
    Matrix W_q;  // (h × d_q)
    Matrix W_k;  // (h × d_k)
    Matrix w_v;  // (1 × h)
    Matrix b_q;  // (1 × h) or empty
    Matrix b_k;  // (1 × h) or empty
};

struct LuongGeneralParams {
    Matrix W_a;  // (d_q × d_k): score = q_iᵀ W_a k_j
};

struct MultiHeadParams {
    Index num_heads = 1;  // H; h must be divisible by it
    Matrix W_q;  // (h × d_q)
    Matrix W_k;  // (h × d_k)
    Matrix W_v;  // (h × d_v)
    Matrix b_q, b_k, b_v;  // (1 × h) or empty
    Matrix W_o;  // (d_o × h) or empty: then output = concat(heads), (n_q × h)
    Matrix b_o;  // (1 × d_o) or empty; needs W_o
};

struct DenseSynthesizerParams {
    Matrix W1;   // (d × d), d = d_q
    Matrix b1;   // (1 × d) or empty
    Matrix W2;   // (l_max × d), l_max >= n_k
    Matrix b2;   // (1 × l_max) or empty
    Matrix W_v;  // (d_o × d_v) or empty: then output = softmax(B) V
};

struct RandomSynthesizerParams {
    Matrix R;  // (>= n_q × >= n_k); the top-left n_q × n_k block is used
};

struct FeedForwardParams {
    Matrix w;      // (1 × d_k)
    double b = 0;  // bias of the Dense(1, tanh) layer
};

// ---- the variants ---------------------------------------------------------------------------
// temperature > 0 divides the scaled scores before the softmax.
//
// Each variant has two forms: one returns a new result; the other fills `out`, reusing its
// matrices when they already have the right shapes. The live playground recomputes at every
// keystroke, and at n = 2048 a fresh (n × n) buffer costs more in first-touch page faults than
// the arithmetic (docs/benchmarks.md). On a throw, `out` is left in an unspecified but valid
// state.

AttentionResult dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                              const MaskSpec& mask, double temperature = 1.0);
void dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const MaskSpec& mask,
                   double temperature, AttentionResult& out);

AttentionResult scaled_dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                     const MaskSpec& mask, double temperature = 1.0);
void scaled_dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const MaskSpec& mask,
                          double temperature, AttentionResult& out);

AttentionResult additive_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                   const AdditiveParams& p, const MaskSpec& mask,
                                   double temperature = 1.0);
void additive_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const AdditiveParams& p,
                        const MaskSpec& mask, double temperature, AttentionResult& out);

AttentionResult luong_general_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                        const LuongGeneralParams& p, const MaskSpec& mask,
                                        double temperature = 1.0);
void luong_general_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                             const LuongGeneralParams& p, const MaskSpec& mask,
                             double temperature, AttentionResult& out);

AttentionResult multi_head_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                     const MultiHeadParams& p, const MaskSpec& mask,
                                     double temperature = 1.0);
void multi_head_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                          const MultiHeadParams& p, const MaskSpec& mask, double temperature,
                          AttentionResult& out);

// Scores come from the queries alone: B_i = W2 relu(W1 q_i + b1) + b2, first n_k entries.
AttentionResult dense_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                            const DenseSynthesizerParams& p,
                                            const MaskSpec& mask, double temperature = 1.0);
void dense_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                 const DenseSynthesizerParams& p, const MaskSpec& mask,
                                 double temperature, AttentionResult& out);

// Scores are R's top-left (n_q × n_k) block; Q and K only fix the sizes.
AttentionResult random_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                             const RandomSynthesizerParams& p,
                                             const MaskSpec& mask, double temperature = 1.0);
void random_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                  const RandomSynthesizerParams& p, const MaskSpec& mask,
                                  double temperature, AttentionResult& out);

// One query row: e_j = tanh(w · k_j + b); the result has n_q = 1 whatever Q holds.
AttentionResult feed_forward_attention(const Matrix& K, const Matrix& V,
                                       const FeedForwardParams& p, const MaskSpec& mask,
                                       double temperature = 1.0);
void feed_forward_attention(const Matrix& K, const Matrix& V, const FeedForwardParams& p,
                            const MaskSpec& mask, double temperature, AttentionResult& out);

}  // namespace attnviz
