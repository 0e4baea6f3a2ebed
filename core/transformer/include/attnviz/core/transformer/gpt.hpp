// SPDX-License-Identifier: GPL-3.0-or-later
// The GPT-2 architecture (Radford et al. 2019; Hugging Face GPT2LMHeadModel), assembled from the
// layer kit (core/nn). This file declares the architecture and names its tensors exactly as
// GPT2LMHeadModel.save_pretrained writes them:
//
//   transformer.wte.weight (V × E)  transformer.wpe.weight (P × E)        P = n_positions = ctx
//   per block i (pre-LayerNorm):
//     x ← x + attn(ln_1(x))         transformer.h.{i}.ln_1.weight/.bias (E)
//                                   transformer.h.{i}.attn.c_attn.weight/.bias  fused q|k|v, causal
//                                   transformer.h.{i}.attn.c_proj.weight/.bias
//     x ← x + mlp(ln_2(x))          transformer.h.{i}.ln_2.weight/.bias
//                                   transformer.h.{i}.mlp.c_fc.weight/.bias     E → 4E, gelu_new
//                                   transformer.h.{i}.mlp.c_proj.weight/.bias   4E → E
//   transformer.ln_f.weight/.bias, logits = ln_f(x) · wteᵀ (the LM head is tied to wte)
//
// In memory every projection is an nn::Linear (out × in); GPT-2's Conv1D stores (in × out), so
// the checkpoint writer (hf_save.hpp) transposes c_attn, c_proj and c_fc. Initialisation follows
// GPT-2 / nanoGPT: N(0, init_std²) for weights and embeddings, the residual projections (attn
// and mlp c_proj) N(0, (init_std / √(2·layers))²), biases 0, LayerNorm weights 1.
//
// Training: a batch is B sequences of n tokens (n ≤ P), batch-major; the loss is next-token
// cross-entropy on every position. loss_and_grad returns the SUM of the B·n token losses and
// accumulates the gradient of their MEAN (nanoGPT's objective), so nn::train_loop's reported
// loss Σ loss / Σ tokens is the mean token cross-entropy. All buffers live in the model's
// workspace and are reused: after its first step at a given batch shape the model allocates
// nothing.
#pragma once

#include "attnviz/core/nn/embedding.hpp"
#include "attnviz/core/nn/mlp.hpp"
#include "attnviz/core/nn/norm.hpp"
#include "attnviz/core/nn/self_attention.hpp"
#include "attnviz/core/random.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace attnviz::transformer {

template <class S>
using Mat = nn::Mat<S>;

struct GptConfig {
    int layers = 2;               // n_layer
    int heads = 4;                // n_head (divides embd)
    Eigen::Index embd = 64;       // n_embd
    Eigen::Index positions = 32;  // n_positions: the longest sequence (the lab's ctx)
    Eigen::Index vocab = 32;      // vocab_size
    double layer_norm_epsilon = 1e-5;
    double init_std = 0.02;       // GPT-2's initializer_range
    // Initialise wpe with Vaswani et al.'s sinusoids (sin/cos of p / 10000^(2i/E), scaled to
    // RMS init_std) instead of N(0, init_std²); still learned. Relative offsets such as "the
    // previous position" are then a fixed rotation from the start, which a head can pick up at
    // once (see docs/transformer-lab.md for what it does to the induction phase change).
    bool sinusoidal_positions = false;
};

// Throws std::invalid_argument naming the value unless every size is ≥ 1, heads divides embd,
// layer_norm_epsilon > 0 and init_std ≥ 0 (finite).
void check_config(const GptConfig& config);

// B sequences of n tokens: inputs[b·n + t] is token t of sequence b, targets[b·n + t] the token
// the model should predict there (the next one). targets may be empty for a forward only.
struct TokenBatch {
    Eigen::Index B = 0, n = 0;
    std::vector<int> inputs;   // (B·n)
    std::vector<int> targets;  // (B·n) or empty
};

template <class S>
struct GptBlock {
    GptBlock(int index, const GptConfig& config);
    nn::LayerNorm<S> ln_1;
    nn::SelfAttention<S> attn;
    nn::LayerNorm<S> ln_2;
    nn::Mlp<S> mlp;
    // Forward caches and buffers, reused between steps.
    nn::NormCache<S> ln_1_cache, ln_2_cache;
    nn::SelfAttentionCache<S> attn_cache;
    nn::MlpCache<S> mlp_cache;
    Mat<S> normed;   // (B·n × E) ln_1(x), then ln_2(x)
    Mat<S> branch;   // (B·n × E) attn(…), then mlp(…)
    Mat<S> x_mid;    // (B·n × E) x after the attention residual
};

template <class S>
class Gpt {
public:
    // Builds the model and initialises it from `seed` (see above). Throws like check_config.
    Gpt(const GptConfig& config, std::uint64_t seed);
    Gpt(const Gpt&) = delete;
    Gpt& operator=(const Gpt&) = delete;

    const GptConfig& config() const { return config_; }

    // Every trainable parameter, in save_pretrained's order (wte, wpe, h.0 …, ln_f). The tied LM
    // head is wte: it appears once.
    nn::ParamList<S> parameters();
    // The parameter with this name, or nullptr.
    nn::Param<S>* find(std::string_view name);

    // Forward of B sequences of n tokens (ids in [0, vocab), 1 ≤ n ≤ positions) → logits
    // (B·n × V), and every layer's attention weights kept in blocks()[l].attn_cache. Throws
    // std::invalid_argument on an id or a size that does not fit.
    const Mat<S>& forward(const int* ids, Eigen::Index B, Eigen::Index n);
    // Forward, the summed cross-entropy of batch.targets, and the gradient of its mean
    // accumulated into the parameters. `rng` is unused (no dropout); nn::train_loop passes it.
    double loss_and_grad(const TokenBatch& batch, Rng* rng);
    // Forward and the summed cross-entropy, no gradient.
    double loss(const TokenBatch& batch);

    const Mat<S>& logits() const { return logits_; }  // (B·n × V) of the last forward
    // Layer l's attention in the last forward: (B·H·n × n), head h of sequence b at rows
    // (b·H + h)·n … + n − 1, rows = queries.
    const Mat<S>& attention(int layer) const;
    // Sequence b's attention of every layer and head, flattened layers × heads × n × n (float).
    std::vector<float> attention_stack(Eigen::Index b) const;

    const std::vector<std::unique_ptr<GptBlock<S>>>& blocks() const { return blocks_; }

    nn::Embedding<S> wte;  // (V × E), also the LM head
    nn::Embedding<S> wpe;  // (P × E)
    nn::LayerNorm<S> ln_f;

private:
    void run_forward(const int* ids, Eigen::Index B, Eigen::Index n);
    double cross_entropy(const std::vector<int>& targets, bool backward);
    void run_backward();

    GptConfig config_;
    std::vector<std::unique_ptr<GptBlock<S>>> blocks_;
    // Workspace (B·n rows), reused.
    Eigen::Index B_ = 0, n_ = 0;
    std::vector<int> positions_;  // (B·n) t for row b·n + t
    std::vector<int> ids_;        // (B·n) the last forward's token ids
    Mat<S> x_;        // (B·n × E) the residual stream entering the next block
    Mat<S> final_;    // (B·n × E) ln_f(x)
    nn::NormCache<S> ln_f_cache_;
    Mat<S> logits_;   // (B·n × V)
    Mat<S> dlogits_;  // (B·n × V)
    Mat<S> dx_, dbranch_, dnormed_;  // (B·n × E) backward scratch
    std::vector<S> ce_weights_;      // (B·n) 1 / (B·n)
};

extern template class Gpt<float>;
extern template class Gpt<double>;

// Copies every parameter value from `from` to `to` (same config), converting the scalar.
template <class To, class From>
void copy_parameters(Gpt<To>& to, Gpt<From>& from);

}  // namespace attnviz::transformer
