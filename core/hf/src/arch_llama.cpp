// SPDX-License-Identifier: GPL-3.0-or-later
// The Llama family (model_type "llama", "mistral", "qwen2"), as transformers'
// modeling_llama.py / modeling_mistral.py / modeling_qwen2.py define it: pre-norm blocks
//   x += o_proj(attention(rope(q_proj(a)), rope(k_proj(a)), v_proj(a))),  a = input_layernorm(x)
//   x += down_proj(silu(gate_proj(b)) ⊙ up_proj(b)),                      b = post_attention_layernorm(x)
// with RMSNorm, rotary embeddings (rotate_half, rope_theta), grouped-/multi-query attention
// (num_key_value_heads), a causal mask, scale 1/√head_dim and model.norm at the end. Qwen2 has
// biases on q, k, v (and Llama with "attention_bias" on o too).
//
// Tensor names (L layers, E hidden, H·d query width, H_kv·d key/value width, F intermediate):
//   model.embed_tokens.weight (V × E)
//   model.layers.{l}.input_layernorm.weight (E), .post_attention_layernorm.weight (E)
//   model.layers.{l}.self_attn.q_proj.weight (H·d × E), k_proj/v_proj (H_kv·d × E), o_proj (E × H·d)
//   model.layers.{l}.mlp.gate_proj.weight (F × E), up_proj (F × E), down_proj (E × F)
//   model.norm.weight (E); lm_head.weight (V × E), or tied to embed_tokens.
#include "architecture.hpp"
#include "interventions_apply.hpp"

#include "attnviz/core/nn/activation.hpp"
#include "attnviz/core/nn/rotary.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace attnviz::hf {

namespace {

// θ_i = theta^(−2i/d), i < d/2, and config.json's "rope_scaling" applied to them as
// transformers' modeling_rope_utils.py does: "linear" divides every frequency by the factor;
// "llama3" (Llama 3.1, 3.2) divides the low frequencies (wavelength past
// original_max_position_embeddings / low_freq_factor) by the factor, keeps the high ones
// (wavelength under original / high_freq_factor) and blends in between. Others are refused.
std::vector<double> rotary_frequencies(const Config& c, double theta, int d)
{
    std::vector<double> f(static_cast<std::size_t>(d / 2));
    for (int i = 0; i < d / 2; ++i) f[static_cast<std::size_t>(i)] = std::pow(theta, -2.0 * i / d);
    const json::Value* rs = c.root().find("rope_scaling");
    if (!rs || rs->is_null()) return f;
    if (!rs->is_object()) throw std::invalid_argument(c.file() + ": \"rope_scaling\" is not an object");
    auto text = [&](const char* key) -> std::string {
        const json::Value* v = rs->find(key);
        return v && v->is_string() ? v->as_string() : std::string();
    };
    auto number = [&](const char* key) {
        const json::Value* v = rs->find(key);
        if (!v || !v->is_number() || !(v->as_number() > 0.0) || !std::isfinite(v->as_number()))
            throw std::invalid_argument(c.file() + ": \"rope_scaling\" needs \"" + key + "\", a number > 0");
        return v->as_number();
    };
    std::string type = text("rope_type");
    if (type.empty()) type = text("type");
    if (type == "default") return f;
    if (type == "linear") {
        const double factor = number("factor");
        for (double& x : f) x /= factor;
        return f;
    }
    if (type == "llama3") {
        const double factor = number("factor"), low = number("low_freq_factor"), high = number("high_freq_factor"),
                     original = number("original_max_position_embeddings");
        if (!(high > low))
            throw std::invalid_argument(c.file() + ": \"rope_scaling\" high_freq_factor must exceed low_freq_factor");
        const double low_wavelen = original / low, high_wavelen = original / high;
        for (double& x : f) {
            const double wavelen = 2.0 * std::numbers::pi / x;
            if (wavelen > low_wavelen) {
                x /= factor;
            } else if (wavelen >= high_wavelen) {
                const double smooth = (original / wavelen - low) / (high - low);
                x = (1.0 - smooth) * x / factor + smooth * x;
            }
        }
        return f;
    }
    throw std::invalid_argument(c.file() + ": rope_scaling type '" + type +
                                "' is not supported (default, linear, llama3)");
}

class Llama final : public Architecture {
public:
    Llama(const Config& c, std::shared_ptr<const WeightStore> w) : w_(std::move(w))
    {
        const WeightStore& W = *w_;
        const std::string type = c.string("model_type");
        E_ = c.integer("hidden_size", 1, kMaxHidden);
        const int L = c.integer("num_hidden_layers", 1, kMaxLayers);
        H_ = c.integer("num_attention_heads", 1, kMaxHeads);
        Hkv_ = c.integer("num_key_value_heads", 1, kMaxHeads, H_);
        const int V = c.integer("vocab_size", 1, kMaxVocab);
        const int F = c.integer("intermediate_size", 1, 16 * kMaxHidden);
        int P = c.integer("max_position_embeddings", 1, kMaxPositions, 2048);
        eps_ = c.number("rms_norm_eps", 1e-6);
        const double theta = c.number("rope_theta", 10000.0);
        if (H_ % Hkv_ != 0)
            throw std::invalid_argument(c.file() + ": num_attention_heads " + std::to_string(H_) +
                                        " is not a multiple of num_key_value_heads " + std::to_string(Hkv_));
        if (!c.has("head_dim") && E_ % H_ != 0)
            throw std::invalid_argument(c.file() + ": hidden_size " + std::to_string(E_) +
                                        " is not a multiple of num_attention_heads " + std::to_string(H_) +
                                        " (and no head_dim is given)");
        d_ = c.integer("head_dim", 2, kMaxHidden, E_ / H_);
        if (d_ % 2 != 0 || d_ < 2)
            throw std::invalid_argument(c.file() + ": head_dim " + std::to_string(d_) + " must be even for rotary embeddings");
        const std::string act = c.string("hidden_act", "silu");
        const auto a = nn::activation_from_name(act);
        if (!a) throw std::invalid_argument(c.file() + ": \"hidden_act\" '" + act + "' is not supported (silu, gelu, gelu_new, relu)");
        act_ = *a;
        inv_freq_ = rotary_frequencies(c, theta, d_);
        // Mistral's sliding window changes nothing up to its width; longer inputs are refused.
        if (type == "mistral" && c.has("sliding_window"))
            P = std::min(P, c.integer("sliding_window", 1, kMaxPositions));
        if (type == "qwen2" && c.boolean("use_sliding_window", false) && c.has("sliding_window"))
            P = std::min(P, c.integer("sliding_window", 1, kMaxPositions));
        const bool qkv_bias = type == "qwen2" || c.boolean("attention_bias", false);
        const bool o_bias = type != "qwen2" && c.boolean("attention_bias", false);
        if (c.boolean("mlp_bias", false))
            throw std::invalid_argument(c.file() + ": \"mlp_bias\" is not supported");
        rope_.emplace(d_, theta);

        const std::int64_t e = E_, q = std::int64_t{H_} * d_, kv = std::int64_t{Hkv_} * d_;
        embed_ = W.get("model.embed_tokens.weight", {V, e}, "vocab_size × hidden_size");
        for (int l = 0; l < L; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            Layer y;
            y.in_norm = vector_of(W, p + "input_layernorm.weight", e, "hidden_size");
            y.q = W.get(p + "self_attn.q_proj.weight", {q, e}, "num_attention_heads·head_dim × hidden_size");
            y.k = W.get(p + "self_attn.k_proj.weight", {kv, e}, "num_key_value_heads·head_dim × hidden_size");
            y.v = W.get(p + "self_attn.v_proj.weight", {kv, e}, "num_key_value_heads·head_dim × hidden_size");
            y.o = W.get(p + "self_attn.o_proj.weight", {e, q}, "hidden_size × num_attention_heads·head_dim");
            if (qkv_bias) {
                y.q_b = vector_of(W, p + "self_attn.q_proj.bias", q, "num_attention_heads·head_dim");
                y.k_b = vector_of(W, p + "self_attn.k_proj.bias", kv, "num_key_value_heads·head_dim");
                y.v_b = vector_of(W, p + "self_attn.v_proj.bias", kv, "num_key_value_heads·head_dim");
            }
            if (o_bias) y.o_b = vector_of(W, p + "self_attn.o_proj.bias", e, "hidden_size");
            y.post_norm = vector_of(W, p + "post_attention_layernorm.weight", e, "hidden_size");
            y.gate = W.get(p + "mlp.gate_proj.weight", {F, e}, "intermediate_size × hidden_size");
            y.up = W.get(p + "mlp.up_proj.weight", {F, e}, "intermediate_size × hidden_size");
            y.down = W.get(p + "mlp.down_proj.weight", {e, F}, "hidden_size × intermediate_size");
            layers_.push_back(std::move(y));
        }
        norm_ = vector_of(W, "model.norm.weight", e, "hidden_size");
        if (W.has("lm_head.weight"))
            head_ = W.get("lm_head.weight", {V, e}, "vocab_size × hidden_size");
        else if (c.boolean("tie_word_embeddings", false))
            head_ = embed_;
        else
            head_ = W.get("lm_head.weight", {V, e}, "vocab_size × hidden_size; tie_word_embeddings is false");

        info_.model_type = type;
        info_.architecture = "Llama";
        info_.layers = L;
        info_.heads = H_;
        info_.kv_heads = Hkv_;
        info_.hidden = E_;
        info_.head_dim = d_;
        info_.vocab = V;
        info_.max_positions = P;
        info_.causal = true;
        info_.has_lm_head = true;
    }

    void embed(std::span<const int> ids, ForwardState& s) const override
    {
        shape(s.hidden, s.n, E_);
        for (Eigen::Index i = 0; i < s.n; ++i)
            s.hidden.row(i) = Eigen::Map<const Eigen::RowVectorXf>(rows_view(embed_, ids[i], 1, s.scratch), E_);
    }

    void layer(int l, ForwardState& s) const override
    {
        const Layer& y = layers_[static_cast<std::size_t>(l)];
        const Eigen::Index n = s.n;
        shape(s.normed, n, E_);
        nn::rms_norm_forward<float>(s.hidden, y.in_norm.data(), eps_, s.normed);
        project(s.normed, y.q, y.q_b, s.q, s.scratch);  // (n × H·d)
        project(s.normed, y.k, y.k_b, s.k, s.scratch);  // (n × H_kv·d)
        project(s.normed, y.v, y.v_b, s.v, s.scratch);  // (n × H_kv·d)
        // cos and sin of position · frequency (n × d/2) at positions past … past + n − 1, in
        // double, rounded once.
        nn::RotaryTable<float>& table = s.rotary;
        const auto half = static_cast<Eigen::Index>(inv_freq_.size());
        shape(table.cos, n, half);
        shape(table.sin, n, half);
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index f = 0; f < half; ++f) {
                const double a = static_cast<double>(s.past + i) * inv_freq_[static_cast<std::size_t>(f)];
                table.cos(i, f) = static_cast<float>(std::cos(a));
                table.sin(i, f) = static_cast<float>(std::sin(a));
            }
        rope_->apply(s.q, H_, table);
        rope_->apply(s.k, Hkv_, table);
        shape(s.context, n, std::int64_t{H_} * d_);
        float* weights = s.attentions + static_cast<Eigen::Index>(l) * H_ * n * (s.past + n);
        if (s.cache) {
            // This step's keys (rotated) and values join the cache; the queries attend over it.
            KvCache::Layer& c = s.cache->layers[static_cast<std::size_t>(l)];
            c.k.middleRows(s.past, n) = s.k;
            c.v.middleRows(s.past, n) = s.v;
            nn::AttentionShape a{n, H_, Hkv_, d_, true, 0.0, s.past};
            nn::attention_forward<float>(s.q, c.k.topRows(s.past + n), c.v.topRows(s.past + n), a, weights,
                                         s.context);
        } else {
            nn::AttentionShape a{n, H_, Hkv_, d_, true, 0.0};
            nn::attention_forward<float>(s.q, s.k, s.v, a, weights, s.context);
            capture_head(l, H_, Hkv_, d_, true, s.q, s.k, s.v, s);
            override_rows(l, H_, Hkv_, d_, s.v.data(), s.v.cols(), s);
            ablate_heads(l, d_, s);
        }
        // The rest runs on the rows that are read after it (all but in a trimmed last layer).
        const Eigen::Index keep = rows_after_attention(l, static_cast<int>(layers_.size()), s);
        const Mat& context = keep < n ? (s.tail_context = s.context.bottomRows(keep)) : s.context;
        Mat& hidden = keep < n ? (s.tail_hidden = s.hidden.bottomRows(keep)) : s.hidden;
        project(context, y.o, y.o_b, s.projected, s.scratch);
        hidden += s.projected;
        shape(s.normed, keep, E_);
        nn::rms_norm_forward<float>(hidden, y.post_norm.data(), eps_, s.normed);
        project(s.normed, y.gate, {}, s.inner, s.scratch);  // (keep × F)
        project(s.normed, y.up, {}, s.up, s.scratch);       // (keep × F)
        nn::activation_forward<float>(act_, s.inner, s.inner);
        s.inner.array() *= s.up.array();
        project(s.inner, y.down, {}, s.projected, s.scratch);
        hidden += s.projected;
        if (keep < n) s.hidden.bottomRows(keep) = hidden;
    }

    Eigen::Index kv_width() const override { return std::int64_t{Hkv_} * d_; }

    void finish(ForwardState& s) const override { nn::rms_norm_forward<float>(s.hidden, norm_.data(), eps_, s.hidden); }

    void lm_head(const Mat& rows, Mat& logits, Scratch& scratch) const override
    {
        vocab_projection(rows, head_, {}, logits, scratch);
    }

private:
    struct Layer {
        std::vector<float> in_norm, post_norm, q_b, k_b, v_b, o_b;
        TensorRef q, k, v, o, gate, up, down;
    };
    std::shared_ptr<const WeightStore> w_;
    int E_ = 0, H_ = 0, Hkv_ = 0, d_ = 0;
    double eps_ = 1e-6;
    nn::Activation act_ = nn::Activation::Silu;
    std::optional<nn::RotaryEmbedding<float>> rope_;  // applies the table (rotate_half pairing)
    std::vector<double> inv_freq_;                    // (d/2) the rotary frequencies, scaled
    TensorRef embed_, head_;
    std::vector<Layer> layers_;
    std::vector<float> norm_;
};

}  // namespace

std::unique_ptr<Architecture> make_llama(const Config& config, std::shared_ptr<const WeightStore> weights)
{
    return std::make_unique<Llama>(config, std::move(weights));
}

}  // namespace attnviz::hf
