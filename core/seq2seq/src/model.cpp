// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/model.hpp"

#include "attnviz/core/nn/dropout.hpp"
#include "attnviz/core/nn/init.hpp"
#include "attnviz/core/nn/cross_entropy.hpp"
#include "attnviz/core/nn/workspace.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attnviz::seq2seq {

using namespace attnviz::nn;  // the layer kit this model is assembled from

// T = padded steps, Tk = attended source steps (≤ T), B = batch rows, sorted by decreasing target
// length so that the k_t sequences still running at decoder step t are rows 0 … k_t − 1.
// Encoder matrices are time-major (row t·B + b). Decoder matrices are compact: step t's rows are
// off_t … off_t + k_t − 1, off_t = k_0 + … + k_{t−1}; there are n = Σ k_t = Σ valid target tokens
// rows, exactly the positions that carry loss.
template <class S>
struct TrainWorkspace {
    std::vector<int> perm;             // (B): batch row of sorted position b
    std::vector<int> count;            // (T + 2): counting-sort buckets
    std::vector<int> sv;               // (B): source valid lengths, sorted order
    std::vector<int> k, off;           // (Td), (Td + 1)
    std::vector<int> src_tm;           // (T·B) source ids
    std::vector<int> dec_ids, labels;  // (n) decoder input ids, target ids
    std::vector<S> weights;            // (n): 1 / T each
    Mat<S> h0;                         // (L·B × H) zeros
    Mat<S> enc_x, denc_x;              // (T·B × E)
    Mat<S> ptab, gtab;                 // (V_src × 3H): encoder layer 0's projection of every token, its gradient
    Mat<S> enc_gi0, denc_gi0;          // (T·B × 3H): rows of ptab gathered, their gradient
    Mat<S> enc_y, denc_y;              // (T·B × H)
    Mat<S> enc_hn, dhn, dh0;           // (L·B × H)
    GRUCache<S> enc_cache;
    Mat<S> kp, dkp;                    // (Tk·B × H)
    Mat<S> x0;                         // (n × (H + E)): decoder layer 0 input [context | embedding]
    Mat<S> gi_emb;                     // (n × 3H): the embedding's share of layer 0's input projection
    std::vector<Mat<S>> xs;            // layer l ≥ 1: (n × H) input (dropped-out output of l − 1)
    std::vector<Mat<S>> masks;         // layer l ≥ 1: (n × H) dropout mask
    std::vector<Mat<S>> hin, hout;     // (n × H): h_{t−1} and h_t of each running sequence
    std::vector<Mat<S>> gates;         // (n × 4H)
    std::vector<Mat<S>> dgi, dgh;      // (n × 3H)
    std::vector<Mat<S>> dh_rec;        // (B × H): gradient reaching h_{t−1} from later steps
    Mat<S> gi, gh;                     // (B × 3H)
    Mat<S> feat;                       // (Tk·n × H): step t's tanh features in rows Tk·off_t …
    Mat<S> attw, attmask;              // (n × Tk)
    AttentionScratch<S> asc;
    Mat<S> logits, dlogits;            // (n × V)
    Mat<S> dtop;                       // (n × H)
    Mat<S> dh, dx, dctx, dquery;       // (B × H)
    Mat<S> demb;                       // (n × E)
    Mat<S> none;                       // (0 × 0): "no dropout mask"
};

template <class S>
Seq2SeqModel<S>::Seq2SeqModel(const ModelConfig& c)
    : enc_embedding("encoder.embedding", c.src_vocab, c.embed),
      encoder("encoder.rnn", c.embed, c.hidden, c.layers, c.dropout),
      attention("decoder.attention", c.hidden, c.hidden, c.hidden),
      dec_embedding("decoder.embedding", c.tgt_vocab, c.embed),
      dense("decoder.dense", c.hidden, c.tgt_vocab, true), config_(c),
      ws_(std::make_unique<TrainWorkspace<S>>())
{
    if (c.src_vocab <= 0 || c.tgt_vocab <= 0 || c.embed <= 0 || c.hidden <= 0 || c.layers <= 0)
        throw std::invalid_argument("Seq2SeqModel: sizes must be positive (src_vocab " + std::to_string(c.src_vocab) +
                                    ", tgt_vocab " + std::to_string(c.tgt_vocab) + ", embed " +
                                    std::to_string(c.embed) + ", hidden " + std::to_string(c.hidden) +
                                    ", layers " + std::to_string(c.layers) + ")");
    for (int l = 0; l < c.layers; ++l)
        decoder.emplace_back("decoder.rnn", l, l == 0 ? c.hidden + c.embed : c.hidden, c.hidden);
}

template <class S>
Seq2SeqModel<S>::~Seq2SeqModel() = default;
template <class S>
Seq2SeqModel<S>::Seq2SeqModel(Seq2SeqModel&&) noexcept = default;
template <class S>
Seq2SeqModel<S>& Seq2SeqModel<S>::operator=(Seq2SeqModel&&) noexcept = default;

template <class S>
Seq2SeqModel<S>::Seq2SeqModel(const Seq2SeqModel& o)
    : enc_embedding(o.enc_embedding), encoder(o.encoder), attention(o.attention), dec_embedding(o.dec_embedding),
      decoder(o.decoder), dense(o.dense), config_(o.config_), ws_(std::make_unique<TrainWorkspace<S>>())
{
}

template <class S>
Seq2SeqModel<S>& Seq2SeqModel<S>::operator=(const Seq2SeqModel& o)
{
    if (this != &o) {
        Seq2SeqModel copy(o);
        *this = std::move(copy);
    }
    return *this;
}

template <class S>
ParamList<S> Seq2SeqModel<S>::parameters()
{
    ParamList<S> out = enc_embedding.parameters();
    for (auto* p : encoder.parameters()) out.push_back(p);
    out.push_back(&attention.W_k.weight);
    out.push_back(&attention.W_q.weight);
    out.push_back(&attention.w_v.weight);
    out.push_back(&dec_embedding.weight);
    for (auto& layer : decoder)
        for (auto* p : layer.parameters()) out.push_back(p);
    for (auto* p : dense.parameters()) out.push_back(p);
    return out;
}

template <class S>
Param<S>* Seq2SeqModel<S>::find(const std::string& name)
{
    for (auto* p : parameters())
        if (p->name == name) return p;
    return nullptr;
}

template <class S>
void Seq2SeqModel<S>::init_d2l(Rng& rng)
{
    const double gru_bound = 1.0 / std::sqrt(static_cast<double>(config_.hidden));
    normal_fill(enc_embedding.weight.value, rng);
    for (auto& layer : encoder.layers) {
        xavier_uniform(layer.weight_ih.value, rng);
        xavier_uniform(layer.weight_hh.value, rng);
        uniform_fill(layer.bias_ih.value, rng, gru_bound);
        uniform_fill(layer.bias_hh.value, rng, gru_bound);
    }
    xavier_uniform(attention.W_k.weight.value, rng);
    xavier_uniform(attention.W_q.weight.value, rng);
    xavier_uniform(attention.w_v.weight.value, rng);
    normal_fill(dec_embedding.weight.value, rng);
    for (auto& layer : decoder) {
        xavier_uniform(layer.weight_ih.value, rng);
        xavier_uniform(layer.weight_hh.value, rng);
        uniform_fill(layer.bias_ih.value, rng, gru_bound);
        uniform_fill(layer.bias_hh.value, rng, gru_bound);
    }
    xavier_uniform(dense.weight.value, rng);
    uniform_fill(dense.bias.value, rng, gru_bound);  // 1/√fan_in, fan_in = H
}

template <class S>
double Seq2SeqModel<S>::loss_and_grad(const BatchView& batch, Rng* rng)
{
    return run(batch, rng, true);
}

template <class S>
double Seq2SeqModel<S>::loss(const BatchView& batch, Rng* rng)
{
    return run(batch, rng, false);
}

template <class S>
double Seq2SeqModel<S>::run(const BatchView& bt, Rng* rng, bool backward)
{
    const Eigen::Index B = bt.B, T = bt.T, L = config_.layers, H = config_.hidden, E = config_.embed;
    const Eigen::Index V = config_.tgt_vocab;
    if (B <= 0 || T <= 0)
        throw std::invalid_argument("Seq2SeqModel: batch must be non-empty, got " + std::to_string(B) + "x" +
                                    std::to_string(T));
    TrainWorkspace<S>& w = *ws_;
    auto tvalid = [&](int row) { return static_cast<int>(std::clamp<Eigen::Index>(bt.tgt_valid[row], 0, T)); };
    // A stable counting sort by decreasing target length (std::stable_sort would allocate).
    w.perm.resize(static_cast<std::size_t>(B));
    w.count.assign(static_cast<std::size_t>(T + 2), 0);
    for (int b = 0; b < B; ++b) ++w.count[T - tvalid(b) + 1];
    for (Eigen::Index i = 1; i <= T + 1; ++i) w.count[i] += w.count[i - 1];
    for (int b = 0; b < B; ++b) w.perm[w.count[T - tvalid(b)]++] = b;
    w.sv.resize(static_cast<std::size_t>(B));
    Eigen::Index Tk = 1;
    for (Eigen::Index b = 0; b < B; ++b) {
        w.sv[b] = bt.src_valid[w.perm[b]];
        Tk = std::max<Eigen::Index>(Tk, std::min<Eigen::Index>(w.sv[b], T));
    }
    const Eigen::Index Td = tvalid(w.perm[0]);
    if (Td == 0) return 0.0;
    w.k.assign(static_cast<std::size_t>(Td), 0);
    w.off.assign(static_cast<std::size_t>(Td + 1), 0);
    for (Eigen::Index t = 0; t < Td; ++t) {
        while (w.k[t] < B && tvalid(w.perm[w.k[t]]) > t) ++w.k[t];
        w.off[t + 1] = w.off[t] + w.k[t];
    }
    const Eigen::Index n = w.off[Td];
    const bool drop = rng != nullptr && config_.dropout > 0.0;

    // ---- encoder, over all T steps (d2l's encoder runs over the padding too)
    w.src_tm.resize(static_cast<std::size_t>(T * B));
    for (Eigen::Index t = 0; t < T; ++t)
        for (Eigen::Index b = 0; b < B; ++b) w.src_tm[t * B + b] = bt.src[w.perm[b] * T + t];
    auto h0 = grow(w.h0, L * B, H);
    h0.setZero();
    auto enc_y = grow(w.enc_y, T * B, H);
    auto enc_hn = grow(w.enc_hn, L * B, H);
    // Layer 0's input projection x W_ih0ᵀ + b_ih0 is a function of the token alone: when the
    // vocabulary has fewer entries than the batch has positions, project the vocabulary once and
    // gather its rows (same sums; fewer products).
    const Eigen::Index Vs = config_.src_vocab;
    const bool by_table = Vs < T * B;
    const GRULayer<S>& e0 = encoder.layers[0];
    if (by_table) {
        for (int id : w.src_tm)
            if (id < 0 || id >= Vs)
                throw std::invalid_argument("Seq2SeqModel: source token id " + std::to_string(id) + " outside [0, " +
                                            std::to_string(Vs) + ")");
        auto ptab = grow(w.ptab, Vs, 3 * H);
        e0.input_projection(enc_embedding.weight.value, ptab);
        auto gi0 = grow(w.enc_gi0, T * B, 3 * H);
        for (Eigen::Index r = 0; r < T * B; ++r) gi0.row(r) = ptab.row(w.src_tm[r]);
        encoder.forward_projected(gi0, T, B, h0, enc_y, enc_hn, w.enc_cache, drop ? rng : nullptr);
    } else {
        auto enc_x = grow(w.enc_x, T * B, E);
        enc_embedding.forward(w.src_tm.data(), T * B, enc_x);
        encoder.forward(enc_x, T, B, h0, enc_y, enc_hn, w.enc_cache, drop ? rng : nullptr);
    }
    const auto keys = enc_y.topRows(Tk * B);  // keys = values (Tk·B × H); later keys are masked anyway
    auto kp = grow(w.kp, Tk * B, H);
    attention.project_keys(keys, kp);

    // ---- decoder, teacher forcing: input <bos>, y_0, …; only running sequences
    w.dec_ids.resize(static_cast<std::size_t>(n));
    w.labels.resize(static_cast<std::size_t>(n));
    for (Eigen::Index t = 0; t < Td; ++t)
        for (Eigen::Index b = 0; b < w.k[t]; ++b) {
            const int* y = bt.tgt + w.perm[b] * T;
            w.dec_ids[w.off[t] + b] = t == 0 ? bt.bos : y[t - 1];
            w.labels[w.off[t] + b] = y[t];
        }
    auto x0 = grow(w.x0, n, H + E);
    dec_embedding.forward(w.dec_ids.data(), n, x0.rightCols(E));
    const GRULayer<S>& d0 = decoder[0];
    auto gi_emb = grow(w.gi_emb, n, 3 * H);
    gemm_rows(gi_emb, x0.rightCols(E), d0.weight_ih.value.rightCols(E).transpose(), false);
    gi_emb.rowwise() += d0.bias_ih.value.row(0);
    for (auto* v : {&w.xs, &w.masks, &w.hin, &w.hout, &w.gates, &w.dgi, &w.dgh, &w.dh_rec}) v->resize(L);
    for (Eigen::Index l = 0; l < L; ++l) {
        grow(w.hin[l], n, H);
        grow(w.hout[l], n, H);
        grow(w.gates[l], n, 4 * H);
        if (l > 0) {
            grow(w.xs[l], n, H);
            if (drop) dropout_mask<S>(*rng, config_.dropout, grow(w.masks[l], n, H));
        }
    }
    auto feat = grow(w.feat, Tk * n, H);
    auto attw = grow(w.attw, n, Tk);
    if (drop) dropout_mask<S>(*rng, config_.dropout, grow(w.attmask, n, Tk));
    grow(w.gi, B, 3 * H);
    grow(w.gh, B, 3 * H);
    for (Eigen::Index t = 0; t < Td; ++t) {
        const Eigen::Index k = w.k[t], o = w.off[t];
        for (Eigen::Index l = 0; l < L; ++l) {
            if (t == 0)
                w.hin[l].middleRows(o, k) = enc_hn.middleRows(l * B, k);
            else
                w.hin[l].middleRows(o, k) = w.hout[l].middleRows(w.off[t - 1], k);
        }
        auto ctx = x0.block(o, 0, k, H);
        const auto query = w.hin[L - 1].middleRows(o, k);
        attention.step(query, kp, keys, w.sv.data(), k, B, Tk, feat.middleRows(Tk * o, Tk * k), attw.middleRows(o, k),
                       drop ? CRef<S>(w.attmask.middleRows(o, k)) : CRef<S>(w.none), ctx, w.asc);
        auto gi = w.gi.topRows(k);
        auto gh = w.gh.topRows(k);
        gi = gi_emb.middleRows(o, k);
        gi.noalias() += ctx * d0.weight_ih.value.leftCols(H).transpose();
        d0.step(gi, w.hin[0].middleRows(o, k), w.hout[0].middleRows(o, k), w.gates[0].middleRows(o, k), gh);
        for (Eigen::Index l = 1; l < L; ++l) {
            auto x = w.xs[l].middleRows(o, k);
            x = w.hout[l - 1].middleRows(o, k);
            if (drop) x.array() *= w.masks[l].middleRows(o, k).array();
            decoder[l].input_projection(x, gi);
            decoder[l].step(gi, w.hin[l].middleRows(o, k), w.hout[l].middleRows(o, k), w.gates[l].middleRows(o, k), gh);
        }
    }

    // ---- output layer and loss: the n rows are exactly the valid target positions
    const auto top = w.hout[L - 1].topRows(n);
    w.weights.assign(static_cast<std::size_t>(n), S(1) / S(T));
    auto logits = grow(w.logits, n, V);
    dense.forward(top, logits);
    auto dlogits = grow(w.dlogits, n, V);
    const double total = weighted_softmax_ce<S>(logits, w.labels.data(), w.weights.data(), dlogits);
    if (!backward) return total;

    // ---- backward
    dense.backward_params(top, dlogits);
    auto dtop = grow(w.dtop, n, H);
    dense.backward_input(dlogits, dtop);
    for (Eigen::Index l = 0; l < L; ++l) {
        grow(w.dgi[l], n, 3 * H);
        grow(w.dgh[l], n, 3 * H);
        grow(w.dh_rec[l], B, H).setZero();  // rows of ended sequences stay zero
    }
    auto dkp = grow(w.dkp, Tk * B, H);
    dkp.setZero();
    auto denc_y = grow(w.denc_y, T * B, H);
    denc_y.setZero();
    grow(w.dh, B, H);
    grow(w.dx, B, H);
    grow(w.dctx, B, H);
    grow(w.dquery, B, H);
    for (Eigen::Index t = Td - 1; t >= 0; --t) {
        const Eigen::Index k = w.k[t], o = w.off[t];
        auto dh = w.dh.topRows(k);
        auto dx = w.dx.topRows(k);
        for (Eigen::Index l = L - 1; l >= 0; --l) {
            auto rec = w.dh_rec[l].topRows(k);
            if (l == L - 1)
                dh = dtop.middleRows(o, k) + rec;
            else
                dh = dx + rec;
            auto dgi = w.dgi[l].middleRows(o, k);
            decoder[l].step_backward(dh, w.hin[l].middleRows(o, k), w.gates[l].middleRows(o, k), dgi,
                                     w.dgh[l].middleRows(o, k), rec);
            if (l > 0) {
                decoder[l].input_grad(dgi, dx);
                if (drop) dx.array() *= w.masks[l].middleRows(o, k).array();
            }
        }
        auto dctx = w.dctx.topRows(k);
        auto dquery = w.dquery.topRows(k);
        dctx.noalias() = w.dgi[0].middleRows(o, k) * d0.weight_ih.value.leftCols(H);  // (k × 3H)(3H × H)
        attention.step_backward(dctx, w.hin[L - 1].middleRows(o, k), keys, w.sv.data(), k, B, Tk,
                                feat.middleRows(Tk * o, Tk * k), attw.middleRows(o, k),
                                drop ? CRef<S>(w.attmask.middleRows(o, k)) : CRef<S>(w.none), dkp,
                                denc_y.topRows(Tk * B), dquery, w.asc);
        w.dh_rec[L - 1].topRows(k) += dquery;
    }
    decoder[0].accumulate_grads(x0, w.hin[0].topRows(n), w.dgi[0].topRows(n), w.dgh[0].topRows(n));
    for (Eigen::Index l = 1; l < L; ++l)
        decoder[l].accumulate_grads(w.xs[l].topRows(n), w.hin[l].topRows(n), w.dgi[l].topRows(n), w.dgh[l].topRows(n));
    auto demb = grow(w.demb, n, E);
    gemm_rows(demb, w.dgi[0].topRows(n), d0.weight_ih.value.rightCols(E), false);
    dec_embedding.backward(w.dec_ids.data(), n, demb);
    attention.keys_backward(keys, dkp, denc_y.topRows(Tk * B));
    auto dhn = grow(w.dhn, L * B, H);
    for (Eigen::Index l = 0; l < L; ++l) dhn.middleRows(l * B, B) = w.dh_rec[l].topRows(B);
    auto dh0 = grow(w.dh0, L * B, H);
    if (by_table) {
        auto dgi0 = grow(w.denc_gi0, T * B, 3 * H);
        encoder.backward(denc_y, dhn, dgi0, dh0, w.enc_cache);
        auto gtab = grow(w.gtab, Vs, 3 * H);
        gtab.setZero();
        for (Eigen::Index r = 0; r < T * B; ++r) gtab.row(w.src_tm[r]) += dgi0.row(r);
        encoder.layers[0].accumulate_input_grads(enc_embedding.weight.value, gtab);
        gemm_rows(enc_embedding.weight.grad, gtab, e0.weight_ih.value, true);  // (V × 3H)(3H × E)
    } else {
        auto denc_x = grow(w.denc_x, T * B, E);
        encoder.backward(denc_y, dhn, denc_x, dh0, w.enc_cache);
        enc_embedding.backward(w.src_tm.data(), T * B, denc_x);
    }
    return total;
}

template class Seq2SeqModel<float>;
template class Seq2SeqModel<double>;

}  // namespace attnviz::seq2seq
