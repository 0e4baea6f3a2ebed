// SPDX-License-Identifier: GPL-3.0-or-later
// Multi-head self-attention, the Transformer kit's attention layer, forward and backward, in the
// shapes GPT-2, BERT and Llama / Mistral / Qwen2 use:
//
//   q = x W_qᵀ + b_q   (n × H·d)      k = x W_kᵀ + b_k, v = x W_vᵀ + b_v   (n × H_kv·d)
//   optional rotary position embedding on q and k, per head (rotary.hpp)
//   head h, which reads key/value head g = h / (H / H_kv) (grouped-query attention; H_kv = H is
//   plain multi-head, H_kv = 1 multi-query):
//     A_h = softmax(q_h k_gᵀ · scale + causal mask + key mask)   (n × n), rows = queries
//     o_h = A_h v_g                                               (n × d)
//   y = concat_h(gate_h · o_h) W_oᵀ + b_o                         (n × E)
//
// Q, K and V come from one fused Linear E → (H + 2 H_kv)·d (GPT-2's c_attn, columns q | k | v)
// or from three (BERT's query/key/value, Llama's q_proj/k_proj/v_proj), with or without biases
// (Qwen2 has them on q, k, v and not on the output). Scale is 1/√d unless given. The causal mask
// lets query i see keys j ≤ i; an additive key mask per sequence (0 keeps a key, −∞ drops it:
// padding) may be added to every query's row. Masked weights are exactly 0 (nn/softmax.hpp).
//
// A batch is B sequences of n tokens each, batch-major: rows b·n … b·n + n − 1 of x are
// sequence b. The forward records every head's attention weights (B·H·n × n) in its cache, so
// that a caller can show them. Two hooks make "what if" questions cheap without a second code
// path: a gate per head multiplies that head's output before the output projection (0 ablates
// the head; the backward returns ∂loss/∂gate_h, Michel et al. 2019's head importance), and a
// row override replaces one head's attention row for one query by given weights.
#pragma once

#include "attnviz/core/nn/linear.hpp"
#include "attnviz/core/nn/rotary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace attnviz::nn {

struct SelfAttentionConfig {
    Eigen::Index embed = 0;     // E: the width of x and y
    int heads = 1;              // H: query heads
    int kv_heads = 0;           // H_kv: key/value heads, dividing H; 0 means H
    Eigen::Index head_dim = 0;  // d; 0 means E / H (which must then divide)
    bool causal = false;        // GPT-2, Llama: true; BERT: false
    bool fused_qkv = false;     // one Linear for q, k and v (GPT-2); else three
    bool qkv_bias = false;      // GPT-2, BERT, Qwen2: true; Llama, Mistral: false
    bool out_bias = false;      // GPT-2, BERT: true; Llama, Mistral, Qwen2: false
    bool rotary = false;        // Llama, Mistral, Qwen2
    double rope_theta = 10000.0;
    Eigen::Index rotary_dim = 0;  // 0 means d
    double scale = 0.0;           // 0 means 1/√d
};

// Parameter names below the layer's prefix: "<prefix>.<name>.weight" and ".bias".
struct SelfAttentionNames {
    std::string qkv = "qkv_proj";  // fused only
    std::string q = "q_proj", k = "k_proj", v = "v_proj";
    std::string out = "o_proj";
};

// What-if hooks, read by the forward (and the backward, which treats them as constants).
struct AttentionHooks {
    // (H) multiplies head h's output before the output projection; empty: all 1. 0 ablates.
    std::vector<double> head_gate;
    // Replaces head `head`'s attention row for query `query` of sequence `sequence` by `weights`
    // (n, used as given: finite, and normally summing to 1). The backward passes no gradient
    // through a replaced row's scores.
    struct RowOverride {
        Eigen::Index sequence = 0;
        int head = 0;
        Eigen::Index query = 0;
        std::vector<double> weights;
    };
    std::vector<RowOverride> overrides;
};

// What a forward keeps for its backward and for callers that show the attention.
template <class S>
struct SelfAttentionCache {
    Eigen::Index B = 0, n = 0;
    int H = 0;
    Mat<S> x;                // (B·n × E) the input
    Mat<S> qkv;              // (B·n × (H + 2 H_kv)·d) fused projection output (fused only)
    Mat<S> q, k, v;          // (B·n × H·d), (B·n × H_kv·d) ×2, after rotary
    RotaryTable<S> rope;     // (n × r/2) when rotary
    Mat<S> weights;          // (B·H·n × n) every head's attention, rows = queries
    Mat<S> context;          // (B·n × H·d) o_h side by side, before the gates
    Mat<S> heads;            // (B·n × H·d) gate_h · o_h: what the output projection saw
    std::vector<S> gate;     // (H) the gates used (all 1 without hooks)
    std::vector<char> replaced;  // (B·H·n) 1 where a row override was applied
    // Filled by backward: ∂loss/∂gate_h for h < H.
    std::vector<double> gate_grad;
    // Backward scratch.
    Mat<S> dq, dk, dv, dqkv, dheads, dA, dproj;

    // Head h's attention weights in sequence b: (n × n), rows = queries.
    auto head_weights(Eigen::Index b, int h) const { return weights.middleRows((b * H + h) * n, n); }
};

template <class S>
class SelfAttention {
public:
    // Throws std::invalid_argument naming the sizes when H_kv does not divide H, d·H does not
    // match E without an explicit head_dim, or a size is < 1.
    SelfAttention(const std::string& prefix, const SelfAttentionConfig& config,
                  const SelfAttentionNames& names = {});

    const SelfAttentionConfig& config() const { return cfg_; }
    Eigen::Index head_dim() const { return cfg_.head_dim; }
    int kv_heads() const { return cfg_.kv_heads; }
    double scale() const { return cfg_.scale; }

    // x (B·n × E) → y (B·n × E). positions (n) for rotary, nullptr = 0 … n − 1; key_mask (B × n)
    // additive, or nullptr; hooks or nullptr. Throws std::invalid_argument on a shape, a
    // position, a gate or an override that does not fit.
    void forward(const CRef<S>& x, Eigen::Index B, Eigen::Index n, MRef<S> y, SelfAttentionCache<S>& cache,
                 const int* positions = nullptr, const Mat<S>* key_mask = nullptr,
                 const AttentionHooks* hooks = nullptr) const;
    // dy (B·n × E) → dx (B·n × E) overwritten; parameter gradients accumulated; cache.gate_grad.
    void backward(const CRef<S>& dy, MRef<S> dx, SelfAttentionCache<S>& cache);

    ParamList<S> parameters();

    std::optional<Linear<S>> qkv;   // ((H + 2 H_kv)·d × E), fused only
    std::optional<Linear<S>> q_proj, k_proj, v_proj;  // (H·d × E), (H_kv·d × E) ×2, separate only
    Linear<S> o_proj;               // (E × H·d)

private:
    void project(const CRef<S>& x, SelfAttentionCache<S>& c) const;
    SelfAttentionConfig cfg_;
    std::optional<RotaryEmbedding<S>> rope_;
};

extern template class SelfAttention<float>;
extern template class SelfAttention<double>;

}  // namespace attnviz::nn
