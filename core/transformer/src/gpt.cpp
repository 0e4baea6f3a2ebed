// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/transformer/gpt.hpp"

#include "attnviz/core/nn/cross_entropy.hpp"
#include "attnviz/core/nn/workspace.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::transformer {

namespace {

std::string str(long long v) { return std::to_string(v); }

nn::SelfAttentionConfig attention_config(const GptConfig& c)
{
    nn::SelfAttentionConfig a;
    a.embed = c.embd;
    a.heads = c.heads;
    a.causal = true;
    a.fused_qkv = true;  // c_attn: columns q | k | v, as GPT-2's split(n_embd, dim=2)
    a.qkv_bias = true;
    a.out_bias = true;
    return a;
}

nn::SelfAttentionNames attention_names()
{
    nn::SelfAttentionNames n;
    n.qkv = "c_attn";
    n.out = "c_proj";
    return n;
}

std::string block_prefix(int i) { return "transformer.h." + std::to_string(i); }

template <class S>
void fill_normal(nn::Mat<S>& m, Rng& rng, double std)
{
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<S>(rng.normal() * std);
}

template <class S>
void append(nn::ParamList<S>& all, const nn::ParamList<S>& some)
{
    all.insert(all.end(), some.begin(), some.end());
}

}  // namespace

void check_config(const GptConfig& c)
{
    if (c.layers < 1 || c.heads < 1 || c.embd < 1 || c.positions < 1 || c.vocab < 1)
        throw std::invalid_argument("GPT config: layers, heads, embd, positions and vocab must be ≥ 1, got " +
                                    str(c.layers) + ", " + str(c.heads) + ", " + str(c.embd) + ", " +
                                    str(c.positions) + ", " + str(c.vocab));
    if (c.embd % c.heads != 0)
        throw std::invalid_argument("GPT config: embd " + str(c.embd) + " is not divisible by heads " + str(c.heads));
    if (!(c.layer_norm_epsilon > 0.0) || !std::isfinite(c.layer_norm_epsilon))
        throw std::invalid_argument("GPT config: layer_norm_epsilon must be a finite number > 0");
    if (!(c.init_std >= 0.0) || !std::isfinite(c.init_std))
        throw std::invalid_argument("GPT config: init_std must be a finite number ≥ 0");
}

template <class S>
GptBlock<S>::GptBlock(int i, const GptConfig& c)
    : ln_1(block_prefix(i) + ".ln_1", c.embd, c.layer_norm_epsilon),
      attn(block_prefix(i) + ".attn", attention_config(c), attention_names()),
      ln_2(block_prefix(i) + ".ln_2", c.embd, c.layer_norm_epsilon),
      mlp(block_prefix(i) + ".mlp.c_fc", block_prefix(i) + ".mlp.c_proj", c.embd, 4 * c.embd,
          nn::Activation::GeluTanh)
{
}

template <class S>
Gpt<S>::Gpt(const GptConfig& config, std::uint64_t seed)
    : wte((check_config(config), "transformer.wte"), config.vocab, config.embd),
      wpe("transformer.wpe", config.positions, config.embd),
      ln_f("transformer.ln_f", config.embd, config.layer_norm_epsilon),
      config_(config)
{
    for (int i = 0; i < config.layers; ++i) blocks_.push_back(std::make_unique<GptBlock<S>>(i, config));

    // GPT-2 / nanoGPT initialisation: N(0, σ²) everywhere, σ / √(2L) on the residual projections.
    Rng rng(seed);
    const double s = config.init_std, s_res = s / std::sqrt(2.0 * config.layers);
    fill_normal(wte.weight.value, rng, s);
    fill_normal(wpe.weight.value, rng, s);
    if (config.sinusoidal_positions) {
        const double amp = s * std::sqrt(2.0);  // sin and cos have RMS 1/√2
        for (Eigen::Index p = 0; p < config.positions; ++p)
            for (Eigen::Index i = 0; i < config.embd; ++i) {
                const double freq = std::pow(10000.0, -static_cast<double>(i - i % 2) / static_cast<double>(config.embd));
                const double a = static_cast<double>(p) * freq;
                wpe.weight.value(p, i) = static_cast<S>(amp * (i % 2 == 0 ? std::sin(a) : std::cos(a)));
            }
    }
    for (auto& b : blocks_) {
        fill_normal(b->attn.qkv->weight.value, rng, s);
        fill_normal(b->attn.o_proj.weight.value, rng, s_res);
        fill_normal(b->mlp.fc.weight.value, rng, s);
        fill_normal(b->mlp.proj.weight.value, rng, s_res);
    }
}

template <class S>
nn::ParamList<S> Gpt<S>::parameters()
{
    nn::ParamList<S> all{&wte.weight, &wpe.weight};
    for (auto& b : blocks_) {
        append(all, b->ln_1.parameters());
        append(all, b->attn.parameters());
        append(all, b->ln_2.parameters());
        append(all, b->mlp.parameters());
    }
    append(all, ln_f.parameters());
    return all;
}

template <class S>
nn::Param<S>* Gpt<S>::find(std::string_view name)
{
    for (nn::Param<S>* p : parameters())
        if (p->name == name) return p;
    return nullptr;
}

template <class S>
void Gpt<S>::run_forward(const int* ids, Eigen::Index B, Eigen::Index n)
{
    const Eigen::Index E = config_.embd, V = config_.vocab, rows = B * n;
    if (B < 1 || n < 1 || n > config_.positions)
        throw std::invalid_argument("GPT forward: expected B ≥ 1 sequences of 1 … " + str(config_.positions) +
                                    " tokens, got " + str(B) + " × " + str(n));
    B_ = B;
    n_ = n;
    positions_.resize(static_cast<std::size_t>(rows));
    ids_.resize(static_cast<std::size_t>(rows));
    for (Eigen::Index r = 0; r < rows; ++r) {
        if (ids[r] < 0 || ids[r] >= V)
            throw std::invalid_argument("GPT forward: token id " + str(ids[r]) + " at position " + str(r) +
                                        " outside [0, " + str(V) + ")");
        positions_[r] = static_cast<int>(r % n);
        ids_[r] = ids[r];
    }
    x_.resize(rows, E);
    for (Eigen::Index r = 0; r < rows; ++r)  // token + position embedding (n × E per sequence)
        x_.row(r) = wte.weight.value.row(ids[r]) + wpe.weight.value.row(positions_[r]);
    for (auto& bp : blocks_) {
        GptBlock<S>& b = *bp;
        b.normed.resize(rows, E);
        b.branch.resize(rows, E);
        b.x_mid.resize(rows, E);
        b.ln_1.forward(x_, b.normed, b.ln_1_cache);
        b.attn.forward(b.normed, B, n, b.branch, b.attn_cache);
        b.x_mid = x_ + b.branch;
        b.ln_2.forward(b.x_mid, b.normed, b.ln_2_cache);
        b.mlp.forward(b.normed, b.branch, b.mlp_cache);
        x_ = b.x_mid + b.branch;
    }
    final_.resize(rows, E);
    ln_f.forward(x_, final_, ln_f_cache_);
    logits_.resize(rows, V);
    nn::gemm_rows(logits_, final_, wte.weight.value.transpose(), false);  // (B·n × E)(E × V), tied head
}

template <class S>
const Mat<S>& Gpt<S>::forward(const int* ids, Eigen::Index B, Eigen::Index n)
{
    run_forward(ids, B, n);
    return logits_;
}

template <class S>
double Gpt<S>::cross_entropy(const std::vector<int>& targets, bool backward)
{
    const Eigen::Index rows = B_ * n_;
    if (static_cast<Eigen::Index>(targets.size()) != rows)
        throw std::invalid_argument("GPT loss: expected " + str(rows) + " targets, got " +
                                    str(static_cast<long long>(targets.size())));
    ce_weights_.assign(static_cast<std::size_t>(rows), S(1) / static_cast<S>(rows));
    dlogits_.resize(rows, config_.vocab);
    const double mean = nn::weighted_softmax_ce<S>(logits_, targets.data(), ce_weights_.data(), dlogits_);
    if (backward) run_backward();
    return mean * static_cast<double>(rows);
}

template <class S>
void Gpt<S>::run_backward()
{
    const Eigen::Index E = config_.embd, rows = B_ * n_;
    dx_.resize(rows, E);
    dbranch_.resize(rows, E);
    dnormed_.resize(rows, E);
    // Tied head: logits = final · wteᵀ.
    nn::gemm_rows(dnormed_, dlogits_, wte.weight.value, false);  // (B·n × V)(V × E) ∂/∂final
    nn::gemm_at_b(wte.weight.grad, dlogits_, final_);              // (V × B·n)(B·n × E)
    ln_f.backward(dnormed_, dx_, ln_f_cache_);                     // ∂/∂x after the last block
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
        GptBlock<S>& b = **it;
        // x_out = x_mid + mlp(ln_2(x_mid))
        b.mlp.backward(dx_, dnormed_, b.mlp_cache);
        b.ln_2.backward(dnormed_, dbranch_, b.ln_2_cache);
        dx_ += dbranch_;  // ∂/∂x_mid
        // x_mid = x_in + attn(ln_1(x_in))
        b.attn.backward(dx_, dnormed_, b.attn_cache);
        b.ln_1.backward(dnormed_, dbranch_, b.ln_1_cache);
        dx_ += dbranch_;  // ∂/∂x_in
    }
    wte.backward(ids_.data(), rows, dx_);
    wpe.backward(positions_.data(), rows, dx_);
}

template <class S>
double Gpt<S>::loss_and_grad(const TokenBatch& batch, Rng* /*rng*/)
{
    if (static_cast<Eigen::Index>(batch.inputs.size()) != batch.B * batch.n)
        throw std::invalid_argument("GPT batch: expected " + str(batch.B * batch.n) + " inputs, got " +
                                    str(static_cast<long long>(batch.inputs.size())));
    run_forward(batch.inputs.data(), batch.B, batch.n);
    return cross_entropy(batch.targets, true);
}

template <class S>
double Gpt<S>::loss(const TokenBatch& batch)
{
    if (static_cast<Eigen::Index>(batch.inputs.size()) != batch.B * batch.n)
        throw std::invalid_argument("GPT batch: expected " + str(batch.B * batch.n) + " inputs, got " +
                                    str(static_cast<long long>(batch.inputs.size())));
    run_forward(batch.inputs.data(), batch.B, batch.n);
    return cross_entropy(batch.targets, false);
}

template <class S>
const Mat<S>& Gpt<S>::attention(int layer) const
{
    if (layer < 0 || layer >= config_.layers)
        throw std::invalid_argument("GPT attention: layer " + str(layer) + " outside [0, " + str(config_.layers) + ")");
    return blocks_[static_cast<std::size_t>(layer)]->attn_cache.weights;
}

template <class S>
std::vector<float> Gpt<S>::attention_stack(Eigen::Index b) const
{
    if (b < 0 || b >= B_)
        throw std::invalid_argument("GPT attention: sequence " + str(b) + " outside [0, " + str(B_) + ")");
    const int H = config_.heads;
    const Eigen::Index n = n_;
    std::vector<float> out;
    out.reserve(static_cast<std::size_t>(config_.layers * H * n * n));
    for (const auto& blk : blocks_)
        for (int h = 0; h < H; ++h) {
            const auto A = blk->attn_cache.head_weights(b, h);  // (n × n)
            for (Eigen::Index i = 0; i < n; ++i)
                for (Eigen::Index j = 0; j < n; ++j) out.push_back(static_cast<float>(A(i, j)));
        }
    return out;
}

template <class To, class From>
void copy_parameters(Gpt<To>& to, Gpt<From>& from)
{
    auto a = to.parameters();
    auto b = from.parameters();
    if (a.size() != b.size()) throw std::invalid_argument("copy_parameters: the models differ in parameters");
    for (std::size_t i = 0; i < a.size(); ++i) {
        nn::require_dims(b[i]->value.rows(), b[i]->value.cols(), a[i]->value.rows(), a[i]->value.cols(), a[i]->name,
                         " (copy)");
        a[i]->value = b[i]->value.template cast<To>();
    }
}

template struct GptBlock<float>;
template struct GptBlock<double>;
template class Gpt<float>;
template class Gpt<double>;
template void copy_parameters<float, float>(Gpt<float>&, Gpt<float>&);
template void copy_parameters<double, float>(Gpt<double>&, Gpt<float>&);
template void copy_parameters<float, double>(Gpt<float>&, Gpt<double>&);
template void copy_parameters<double, double>(Gpt<double>&, Gpt<double>&);

}  // namespace attnviz::transformer
