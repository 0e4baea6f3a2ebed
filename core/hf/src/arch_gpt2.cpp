// SPDX-License-Identifier: GPL-3.0-or-later
// GPT-2 (model_type "gpt2": gpt2, distilgpt2, gpt2-medium/large/xl and their fine-tunes), as
// transformers' modeling_gpt2.py defines it: pre-LN blocks
//   x += c_proj(attention(c_attn(ln_1(x))));   x += mlp.c_proj(act(mlp.c_fc(ln_2(x))))
// with learned absolute positions, a causal mask, scale 1/√d, and ln_f at the end. The
// projections are Conv1D: weights stored (in × out), y = x W + b. The LM head is tied to wte.
//
// Tensor names (with or without the "transformer." prefix of GPT2LMHeadModel):
//   wte.weight (V × E), wpe.weight (P × E)
//   h.{l}.ln_1.{weight,bias} (E), h.{l}.attn.c_attn.weight (E × 3E) .bias (3E) [q | k | v],
//   h.{l}.attn.c_proj.weight (E × E) .bias (E), h.{l}.ln_2.{weight,bias} (E),
//   h.{l}.mlp.c_fc.weight (E × F) .bias (F), h.{l}.mlp.c_proj.weight (F × E) .bias (E)
//   ln_f.{weight,bias} (E); lm_head.weight (V × E) when saved untied.
#include "architecture.hpp"
#include "interventions_apply.hpp"

#include "attnviz/core/nn/activation.hpp"

#include <stdexcept>

namespace attnviz::hf {

namespace {

class Gpt2 final : public Architecture {
public:
    Gpt2(const Config& c, std::shared_ptr<const WeightStore> w) : w_(std::move(w))
    {
        const WeightStore& W = *w_;
        E_ = c.integer("n_embd", 1, kMaxHidden);
        const int L = c.integer("n_layer", 1, kMaxLayers);
        H_ = c.integer("n_head", 1, kMaxHeads);
        const int V = c.integer("vocab_size", 1, kMaxVocab);
        P_ = c.integer("n_positions", 1, kMaxPositions, c.has("n_ctx") ? c.integer("n_ctx", 1, kMaxPositions) : 1024);
        F_ = c.integer("n_inner", 1, 4 * kMaxHidden, 4 * E_);
        eps_ = c.number("layer_norm_epsilon", 1e-5);
        const std::string act = c.string("activation_function", "gelu_new");
        const auto a = nn::activation_from_name(act);
        if (!a) throw std::invalid_argument(c.file() + ": \"activation_function\" '" + act + "' is not supported (gelu_new, gelu_pytorch_tanh, gelu, silu, relu)");
        act_ = *a;
        if (E_ % H_ != 0)
            throw std::invalid_argument(c.file() + ": n_embd " + std::to_string(E_) + " is not a multiple of n_head " +
                                        std::to_string(H_));
        if (!c.boolean("scale_attn_weights", true) || c.boolean("scale_attn_by_inverse_layer_idx", false))
            throw std::invalid_argument(c.file() + ": GPT-2 attention scaling other than 1/sqrt(head_dim) is not supported");

        const std::string p = W.has("transformer.wte.weight") ? "transformer." : "";
        const std::int64_t e = E_;
        wte_ = W.get(p + "wte.weight", {V, e}, "vocab_size × n_embd");
        wpe_ = W.get(p + "wpe.weight", {P_, e}, "n_positions × n_embd");
        for (int l = 0; l < L; ++l) {
            const std::string h = p + "h." + std::to_string(l) + ".";
            Layer y;
            y.ln1_w = vector_of(W, h + "ln_1.weight", e, "n_embd");
            y.ln1_b = vector_of(W, h + "ln_1.bias", e, "n_embd");
            y.attn_w = W.get(h + "attn.c_attn.weight", {e, 3 * e}, "n_embd × 3·n_embd, Conv1D");
            y.attn_b = vector_of(W, h + "attn.c_attn.bias", 3 * e, "3·n_embd");
            y.proj_w = W.get(h + "attn.c_proj.weight", {e, e}, "n_embd × n_embd, Conv1D");
            y.proj_b = vector_of(W, h + "attn.c_proj.bias", e, "n_embd");
            y.ln2_w = vector_of(W, h + "ln_2.weight", e, "n_embd");
            y.ln2_b = vector_of(W, h + "ln_2.bias", e, "n_embd");
            y.fc_w = W.get(h + "mlp.c_fc.weight", {e, F_}, "n_embd × n_inner, Conv1D");
            y.fc_b = vector_of(W, h + "mlp.c_fc.bias", F_, "n_inner");
            y.fc2_w = W.get(h + "mlp.c_proj.weight", {F_, e}, "n_inner × n_embd, Conv1D");
            y.fc2_b = vector_of(W, h + "mlp.c_proj.bias", e, "n_embd");
            layers_.push_back(std::move(y));
        }
        lnf_w_ = vector_of(W, p + "ln_f.weight", e, "n_embd");
        lnf_b_ = vector_of(W, p + "ln_f.bias", e, "n_embd");
        head_ = W.has("lm_head.weight") ? W.get("lm_head.weight", {V, e}, "vocab_size × n_embd") : wte_;

        info_.model_type = "gpt2";
        info_.architecture = "GPT-2";
        info_.layers = L;
        info_.heads = info_.kv_heads = H_;
        info_.hidden = E_;
        info_.head_dim = E_ / H_;
        info_.vocab = V;
        info_.max_positions = P_;
        info_.causal = true;
        info_.has_lm_head = true;
    }

    void embed(std::span<const int> ids, ForwardState& s) const override
    {
        const Eigen::Index n = s.n;
        shape(s.hidden, n, E_);
        Scratch& sc = s.scratch;
        for (Eigen::Index i = 0; i < n; ++i)
            s.hidden.row(i) = Eigen::Map<const Eigen::RowVectorXf>(rows_view(wte_, ids[i], 1, sc), E_);
        // Positions past … past + n − 1 are consecutive rows of wpe: one block.
        s.hidden += Eigen::Map<const Mat>(rows_view(wpe_, s.past, n, sc), n, E_);
    }

    void layer(int l, ForwardState& s) const override
    {
        const Layer& y = layers_[static_cast<std::size_t>(l)];
        const Eigen::Index n = s.n, E = E_;
        shape(s.normed, n, E);
        nn::layer_norm_forward<float>(s.hidden, y.ln1_w.data(), y.ln1_b.data(), eps_, s.normed);
        project(s.normed, y.attn_w, y.attn_b, s.qkv, s.scratch, true);  // (n × 3E): q | k | v
        shape(s.context, n, E);
        float* weights = s.attentions + static_cast<Eigen::Index>(l) * H_ * n * (s.past + n);
        if (s.cache) {
            // This step's keys and values join the cache; the queries attend over all of it.
            KvCache::Layer& c = s.cache->layers[static_cast<std::size_t>(l)];
            c.k.middleRows(s.past, n) = s.qkv.middleCols(E, E);
            c.v.middleRows(s.past, n) = s.qkv.rightCols(E);
            nn::AttentionShape a{n, H_, H_, E / H_, true, 0.0, s.past};
            nn::attention_forward<float>(s.qkv.leftCols(E), c.k.topRows(s.past + n), c.v.topRows(s.past + n), a,
                                         weights, s.context);
        } else {
            nn::AttentionShape a{n, H_, H_, E / H_, true, 0.0};
            nn::attention_forward<float>(s.qkv.leftCols(E), s.qkv.middleCols(E, E), s.qkv.rightCols(E), a, weights,
                                         s.context);
            capture_head(l, H_, H_, E / H_, true, s.qkv.leftCols(E), s.qkv.middleCols(E, E), s.qkv.rightCols(E), s);
            override_rows(l, H_, H_, E / H_, s.qkv.data() + 2 * E, s.qkv.cols(), s);
            ablate_heads(l, E / H_, s);
        }
        // The rest runs on the rows that are read after it (all but in a trimmed last layer).
        const Eigen::Index keep = rows_after_attention(l, static_cast<int>(layers_.size()), s);
        const Mat& context = keep < n ? (s.tail_context = s.context.bottomRows(keep)) : s.context;
        Mat& hidden = keep < n ? (s.tail_hidden = s.hidden.bottomRows(keep)) : s.hidden;
        project(context, y.proj_w, y.proj_b, s.projected, s.scratch, true);
        hidden += s.projected;
        shape(s.normed, keep, E);
        nn::layer_norm_forward<float>(hidden, y.ln2_w.data(), y.ln2_b.data(), eps_, s.normed);
        project(s.normed, y.fc_w, y.fc_b, s.inner, s.scratch, true);  // (keep × F)
        nn::activation_forward<float>(act_, s.inner, s.inner);
        project(s.inner, y.fc2_w, y.fc2_b, s.projected, s.scratch, true);
        hidden += s.projected;
        if (keep < n) s.hidden.bottomRows(keep) = hidden;
    }

    Eigen::Index kv_width() const override { return E_; }

    void finish(ForwardState& s) const override
    {
        nn::layer_norm_forward<float>(s.hidden, lnf_w_.data(), lnf_b_.data(), eps_, s.hidden);
    }

    void lm_head(const Mat& rows, Mat& logits, Scratch& scratch) const override
    {
        vocab_projection(rows, head_, {}, logits, scratch);
    }

private:
    struct Layer {
        std::vector<float> ln1_w, ln1_b, attn_b, proj_b, ln2_w, ln2_b, fc_b, fc2_b;
        TensorRef attn_w, proj_w, fc_w, fc2_w;
    };
    std::shared_ptr<const WeightStore> w_;
    int E_ = 0, H_ = 0, P_ = 0, F_ = 0;
    double eps_ = 1e-5;
    nn::Activation act_ = nn::Activation::GeluTanh;
    TensorRef wte_, wpe_, head_;
    std::vector<Layer> layers_;
    std::vector<float> lnf_w_, lnf_b_;
};

}  // namespace

std::unique_ptr<Architecture> make_gpt2(const Config& config, std::shared_ptr<const WeightStore> weights)
{
    return std::make_unique<Gpt2>(config, std::move(weights));
}

}  // namespace attnviz::hf
