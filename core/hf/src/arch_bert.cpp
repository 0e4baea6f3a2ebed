// SPDX-License-Identifier: GPL-3.0-or-later
// BERT (model_type "bert"), as transformers' modeling_bert.py defines it: embeddings = word +
// absolute position + token type (all type 0 here), then LayerNorm; post-LN blocks
//   x = LN(x + attention.output.dense(attention(x)));   x = LN(x + output.dense(act(intermediate.dense(x))))
// with bidirectional attention (no mask: one unpadded sequence), scale 1/√d, GELU (erf). The
// masked-LM head (BertForMaskedLM): cls.predictions.transform (dense, act, LayerNorm), then the
// decoder (tied to the word embeddings when not saved) plus cls.predictions.bias.
//
// Tensor names, with or without the "bert." prefix; LayerNorm parameters may be the old
// "gamma" / "beta" instead of "weight" / "bias":
//   embeddings.word_embeddings.weight (V × E), .position_embeddings.weight (P × E),
//   embeddings.token_type_embeddings.weight (T × E), embeddings.LayerNorm (E)
//   encoder.layer.{l}.attention.self.{query,key,value}.{weight (E × E), bias (E)}
//   encoder.layer.{l}.attention.output.dense (E × E, E), .attention.output.LayerNorm (E)
//   encoder.layer.{l}.intermediate.dense (F × E, F), .output.dense (E × F, E), .output.LayerNorm (E)
//   cls.predictions.transform.dense (E × E, E), cls.predictions.transform.LayerNorm (E),
//   cls.predictions.decoder.weight (V × E) (optional), cls.predictions.bias (V)
#include "architecture.hpp"
#include "interventions_apply.hpp"

#include "attnviz/core/nn/activation.hpp"

#include <stdexcept>

namespace attnviz::hf {

namespace {

struct Norm {
    std::vector<float> gamma, beta;
};

class Bert final : public Architecture {
public:
    Bert(const Config& c, std::shared_ptr<const WeightStore> w) : w_(std::move(w))
    {
        const WeightStore& W = *w_;
        E_ = c.integer("hidden_size", 1, kMaxHidden);
        const int L = c.integer("num_hidden_layers", 1, kMaxLayers);
        H_ = c.integer("num_attention_heads", 1, kMaxHeads);
        const int V = c.integer("vocab_size", 1, kMaxVocab);
        const int F = c.integer("intermediate_size", 1, 16 * kMaxHidden, 4 * E_);
        const int P = c.integer("max_position_embeddings", 1, kMaxPositions, 512);
        const int T = c.integer("type_vocab_size", 1, kMaxVocab, 2);
        eps_ = c.number("layer_norm_eps", 1e-12);
        const std::string act = c.string("hidden_act", "gelu");
        const auto a = nn::activation_from_name(act);
        if (!a) throw std::invalid_argument(c.file() + ": \"hidden_act\" '" + act + "' is not supported (gelu, gelu_new, silu, relu)");
        act_ = *a;
        const std::string pos = c.string("position_embedding_type", "absolute");
        if (pos != "absolute")
            throw std::invalid_argument(c.file() + ": position_embedding_type '" + pos + "' is not supported (absolute)");
        if (E_ % H_ != 0)
            throw std::invalid_argument(c.file() + ": hidden_size " + std::to_string(E_) +
                                        " is not a multiple of num_attention_heads " + std::to_string(H_));

        const std::string p = W.has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        const std::int64_t e = E_;
        words_ = W.get(p + "embeddings.word_embeddings.weight", {V, e}, "vocab_size × hidden_size");
        positions_ = W.get(p + "embeddings.position_embeddings.weight", {P, e}, "max_position_embeddings × hidden_size");
        const TensorRef types = W.get(p + "embeddings.token_type_embeddings.weight", {T, e}, "type_vocab_size × hidden_size");
        Scratch sc;
        type0_.assign(rows_view(types, 0, 1, sc), rows_view(types, 0, 1, sc) + E_);
        emb_norm_ = norm(W, p + "embeddings.LayerNorm");
        for (int l = 0; l < L; ++l) {
            const std::string b = p + "encoder.layer." + std::to_string(l) + ".";
            Layer y;
            y.q = W.get(b + "attention.self.query.weight", {e, e}, "hidden_size × hidden_size");
            y.k = W.get(b + "attention.self.key.weight", {e, e}, "hidden_size × hidden_size");
            y.v = W.get(b + "attention.self.value.weight", {e, e}, "hidden_size × hidden_size");
            y.q_b = vector_of(W, b + "attention.self.query.bias", e, "hidden_size");
            y.k_b = vector_of(W, b + "attention.self.key.bias", e, "hidden_size");
            y.v_b = vector_of(W, b + "attention.self.value.bias", e, "hidden_size");
            y.o = W.get(b + "attention.output.dense.weight", {e, e}, "hidden_size × hidden_size");
            y.o_b = vector_of(W, b + "attention.output.dense.bias", e, "hidden_size");
            y.attn_norm = norm(W, b + "attention.output.LayerNorm");
            y.fc = W.get(b + "intermediate.dense.weight", {F, e}, "intermediate_size × hidden_size");
            y.fc_b = vector_of(W, b + "intermediate.dense.bias", F, "intermediate_size");
            y.fc2 = W.get(b + "output.dense.weight", {e, F}, "hidden_size × intermediate_size");
            y.fc2_b = vector_of(W, b + "output.dense.bias", e, "hidden_size");
            y.out_norm = norm(W, b + "output.LayerNorm");
            layers_.push_back(std::move(y));
        }
        // The MLM head, when the checkpoint has one (BertForMaskedLM, BertForPreTraining).
        has_head_ = W.has("cls.predictions.transform.dense.weight");
        if (has_head_) {
            t_ = W.get("cls.predictions.transform.dense.weight", {e, e}, "hidden_size × hidden_size");
            t_b_ = vector_of(W, "cls.predictions.transform.dense.bias", e, "hidden_size");
            t_norm_ = norm(W, "cls.predictions.transform.LayerNorm");
            decoder_ = W.has("cls.predictions.decoder.weight")
                           ? W.get("cls.predictions.decoder.weight", {V, e}, "vocab_size × hidden_size")
                           : words_;
            const std::string bias = W.first_present({"cls.predictions.bias", "cls.predictions.decoder.bias"});
            decoder_b_ = bias.empty() ? std::vector<float>(static_cast<std::size_t>(V), 0.0f)
                                      : vector_of(W, bias, V, "vocab_size");
        }

        info_.model_type = "bert";
        info_.architecture = "BERT";
        info_.layers = L;
        info_.heads = info_.kv_heads = H_;
        info_.hidden = E_;
        info_.head_dim = E_ / H_;
        info_.vocab = V;
        info_.max_positions = P;
        info_.causal = false;
        info_.has_lm_head = has_head_;
    }

    void embed(std::span<const int> ids, ForwardState& s) const override
    {
        const Eigen::Index n = s.n;
        shape(s.hidden, n, E_);
        for (Eigen::Index i = 0; i < n; ++i)
            s.hidden.row(i) = Eigen::Map<const Eigen::RowVectorXf>(rows_view(words_, ids[i], 1, s.scratch), E_);
        s.hidden += Eigen::Map<const Mat>(rows_view(positions_, 0, n, s.scratch), n, E_);
        s.hidden.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(type0_.data(), E_);
        nn::layer_norm_forward<float>(s.hidden, emb_norm_.gamma.data(), emb_norm_.beta.data(), eps_, s.hidden);
    }

    void layer(int l, ForwardState& s) const override
    {
        const Layer& y = layers_[static_cast<std::size_t>(l)];
        const Eigen::Index n = s.n;
        project(s.hidden, y.q, y.q_b, s.q, s.scratch);
        project(s.hidden, y.k, y.k_b, s.k, s.scratch);
        project(s.hidden, y.v, y.v_b, s.v, s.scratch);
        shape(s.context, n, E_);
        nn::AttentionShape a{n, H_, H_, E_ / H_, false, 0.0};
        nn::attention_forward<float>(s.q, s.k, s.v, a, s.attentions + static_cast<Eigen::Index>(l) * H_ * n * n,
                                     s.context);
        capture_head(l, H_, H_, E_ / H_, false, s.q, s.k, s.v, s);
        override_rows(l, H_, H_, E_ / H_, s.v.data(), s.v.cols(), s);
        ablate_heads(l, E_ / H_, s);
        project(s.context, y.o, y.o_b, s.projected, s.scratch);
        s.hidden += s.projected;
        nn::layer_norm_forward<float>(s.hidden, y.attn_norm.gamma.data(), y.attn_norm.beta.data(), eps_, s.hidden);
        project(s.hidden, y.fc, y.fc_b, s.inner, s.scratch);
        nn::activation_forward<float>(act_, s.inner, s.inner);
        project(s.inner, y.fc2, y.fc2_b, s.projected, s.scratch);
        s.hidden += s.projected;
        nn::layer_norm_forward<float>(s.hidden, y.out_norm.gamma.data(), y.out_norm.beta.data(), eps_, s.hidden);
    }

    void finish(ForwardState&) const override {}

    void lm_head(const Mat& rows, Mat& logits, Scratch& scratch) const override
    {
        if (!has_head_) throw std::invalid_argument("this BERT checkpoint has no masked-LM head (cls.predictions.*)");
        Mat t;
        project(rows, t_, t_b_, t, scratch);
        nn::activation_forward<float>(act_, t, t);
        nn::layer_norm_forward<float>(t, t_norm_.gamma.data(), t_norm_.beta.data(), eps_, t);
        vocab_projection(t, decoder_, decoder_b_, logits, scratch);
    }

private:
    // "<prefix>.weight"/".bias", or the old TensorFlow names "<prefix>.gamma"/".beta".
    Norm norm(const WeightStore& W, const std::string& prefix) const
    {
        const bool old = !W.has(prefix + ".weight") && W.has(prefix + ".gamma");
        return {vector_of(W, prefix + (old ? ".gamma" : ".weight"), E_, "hidden_size"),
                vector_of(W, prefix + (old ? ".beta" : ".bias"), E_, "hidden_size")};
    }

    struct Layer {
        TensorRef q, k, v, o, fc, fc2;
        std::vector<float> q_b, k_b, v_b, o_b, fc_b, fc2_b;
        Norm attn_norm, out_norm;
    };
    std::shared_ptr<const WeightStore> w_;
    int E_ = 0, H_ = 0;
    double eps_ = 1e-12;
    nn::Activation act_ = nn::Activation::GeluErf;
    TensorRef words_, positions_, t_, decoder_;
    std::vector<float> type0_, t_b_, decoder_b_;
    Norm emb_norm_, t_norm_;
    std::vector<Layer> layers_;
    bool has_head_ = false;
};

}  // namespace

std::unique_ptr<Architecture> make_bert(const Config& config, std::shared_ptr<const WeightStore> weights)
{
    return std::make_unique<Bert>(config, std::move(weights));
}

}  // namespace attnviz::hf
