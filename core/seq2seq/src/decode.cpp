// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/decode.hpp"

#include "attnviz/core/seq2seq/nmt_text.hpp"

#include "attnviz/core/nn/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace attnviz::seq2seq {

using namespace attnviz::nn;  // the layer kit this model is assembled from

std::string Translation::text() const
{
    std::string s;
    for (const auto& t : output) s += (s.empty() ? "" : " ") + t;
    return s;
}

TokenList source_tokens(const std::string& sentence)
{
    std::string text = preprocess_nmt(sentence);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) text.pop_back();
    std::size_t first = text.find_first_not_of(" \t\n");
    if (first == std::string::npos) throw std::invalid_argument("translate: the sentence is empty");
    return split_on_spaces(std::string_view(text).substr(first));
}

namespace {

// One source sentence, encoded: T = num_steps positions.
template <class S>
struct Encoded {
    Mat<S> keys;  // (T × H) encoder outputs = keys = values
    Mat<S> kp;    // (T × H) keys W_kᵀ
    Mat<S> hn;    // (L × H) encoder final state
    int valid = 0;
    int T = 0;
};

template <class S>
struct Stepper {
    const Seq2SeqModel<S>& m;
    const Encoded<S>& enc;
    Mat<S> feat, weights, ctx, x0, gi, gates, gh, logits, none;
    AttentionScratch<S> sc;

    Stepper(const Seq2SeqModel<S>& model, const Encoded<S>& e) : m(model), enc(e)
    {
        const auto H = m.config().hidden, E = m.config().embed;
        feat.resize(enc.T, H);
        weights.resize(1, enc.T);
        ctx.resize(1, H);
        x0.resize(1, H + E);
        gi.resize(1, 3 * H);
        gates.resize(1, 4 * H);
        gh.resize(1, 3 * H);
        logits.resize(1, m.config().tgt_vocab);
    }

    // h (L × H) → h_next (L × H); fills weights (1 × T), ctx (1 × H), logits (1 × V).
    void step(const Mat<S>& h, int token, Mat<S>& h_next, const std::vector<double>* forced)
    {
        const auto H = m.config().hidden, E = m.config().embed, L = m.config().layers;
        m.attention.step(h.row(L - 1), enc.kp, enc.keys, &enc.valid, 1, 1, enc.T, feat, weights, none, ctx, sc);
        if (forced) {
            weights.setZero();
            for (std::size_t t = 0; t < forced->size() && static_cast<int>(t) < enc.T; ++t)
                weights(0, static_cast<Eigen::Index>(t)) = static_cast<S>((*forced)[t]);
            ctx.noalias() = weights * enc.keys;
        }
        x0.leftCols(H) = ctx;
        m.dec_embedding.forward(&token, 1, x0.rightCols(E));
        h_next.resize(L, H);
        for (Eigen::Index l = 0; l < L; ++l) {
            if (l == 0)
                m.decoder[0].input_projection(x0, gi);
            else
                m.decoder[l].input_projection(h_next.row(l - 1), gi);
            m.decoder[l].step(gi, h.row(l), h_next.row(l), gates, gh);
        }
        m.dense.forward(h_next.row(L - 1), logits);
    }
};

struct Prepared {
    std::vector<int> ids;  // (T) padded
    int valid = 0;
    TokenList input, seen;
    std::vector<bool> unknown;
};

Prepared prepare(const Vocab& src_vocab, const std::string& sentence, int num_steps)
{
    if (num_steps < 1) throw std::invalid_argument("translate: num_steps must be ≥ 1, got " + std::to_string(num_steps));
    Prepared p;
    p.input = source_tokens(sentence);
    p.input.push_back("<eos>");
    for (const auto& t : p.input) {
        const bool known = src_vocab.contains(t);
        p.unknown.push_back(!known);
        p.seen.push_back(known ? t : src_vocab.token(src_vocab.unk()));
        p.ids.push_back(src_vocab[t]);
    }
    p.valid = static_cast<int>(p.ids.size());  // d2l: len(src_tokens) before truncation
    p.ids.resize(static_cast<std::size_t>(num_steps), src_vocab.pad());
    const auto shown = static_cast<std::size_t>(std::min(p.valid, num_steps));
    p.input.resize(shown);
    p.seen.resize(shown);
    p.unknown.resize(shown);
    return p;
}

template <class S>
Encoded<S> encode(const Seq2SeqModel<S>& m, const Prepared& p, int num_steps)
{
    const auto H = m.config().hidden, E = m.config().embed, L = m.config().layers;
    Encoded<S> e;
    e.T = num_steps;
    e.valid = p.valid;
    Mat<S> x(num_steps, E), h0 = Mat<S>::Zero(L, H);
    m.enc_embedding.forward(p.ids.data(), num_steps, x);
    e.keys.resize(num_steps, H);
    e.hn.resize(L, H);
    GRUCache<S> cache;
    m.encoder.forward(x, num_steps, 1, h0, e.keys, e.hn, cache, nullptr);
    e.kp.resize(num_steps, H);
    m.attention.project_keys(e.keys, e.kp);
    return e;
}

// logits (1 × V) → next-token probabilities (V), in double whatever S is, with the shared row
// softmax (Eigen's vectorised exp and sum: within 2e-15 of the scalar loop used before).
template <class S>
std::vector<double> softmax(const Mat<S>& logits)
{
    // An Eigen vector, not a Map over the std::vector: Eigen aligns its allocation, so the
    // entries that take the scalar exp (the row's unaligned head) are the same on every run.
    Eigen::RowVectorXd row = logits.row(0).template cast<double>();
    softmax_rows(row, row);
    return std::vector<double>(row.data(), row.data() + row.size());
}

std::vector<int> top_indices(const std::vector<double>& p, int k)
{
    std::vector<int> idx(p.size());
    std::iota(idx.begin(), idx.end(), 0);
    k = std::min<int>(k, static_cast<int>(idx.size()));
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    idx.resize(static_cast<std::size_t>(k));
    return idx;
}

template <class S>
DecodeStep describe(const Stepper<S>& st, const std::vector<double>& p, int token, const Vocab& tgt, std::size_t shown)
{
    DecodeStep d;
    d.token = token;
    d.text = tgt.token(token);
    d.probability = p[static_cast<std::size_t>(token)];
    for (int i : top_indices(p, 5)) d.top.emplace_back(tgt.token(i), p[static_cast<std::size_t>(i)]);
    for (std::size_t t = 0; t < shown; ++t) d.attention.push_back(static_cast<double>(st.weights(0, static_cast<Eigen::Index>(t))));
    for (Eigen::Index j = 0; j < st.ctx.cols(); ++j) d.context.push_back(static_cast<double>(st.ctx(0, j)));
    return d;
}

void check_vocab(int model_src, int model_tgt, const Vocab& src, const Vocab& tgt)
{
    if (model_src != src.size() || model_tgt != tgt.size())
        throw std::invalid_argument("translate: vocabularies " + std::to_string(src.size()) + "/" + std::to_string(tgt.size()) +
                                    " do not match the model's " + std::to_string(model_src) + "/" + std::to_string(model_tgt));
}

}  // namespace

template <class S>
Translation translate_greedy(const Seq2SeqModel<S>& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                             const std::string& sentence, int num_steps, const std::optional<AttentionOverride>& ov)
{
    check_vocab(model.config().src_vocab, model.config().tgt_vocab, src_vocab, tgt_vocab);
    const Prepared p = prepare(src_vocab, sentence, num_steps);
    const Encoded<S> enc = encode(model, p, num_steps);
    Translation out;
    out.source_input = p.input;
    out.source_tokens = p.seen;
    out.unknown = p.unknown;
    Stepper<S> st(model, enc);
    std::vector<double> forced;
    if (ov) {
        double sum = 0.0;
        for (double x : ov->row) {
            if (!(x >= 0.0) || !std::isfinite(x))
                throw std::invalid_argument("attention override: weights must be finite and ≥ 0");
            sum += x;
        }
        if (ov->row.size() != p.seen.size() || !(sum > 0.0))
            throw std::invalid_argument("attention override: expected " + std::to_string(p.seen.size()) +
                                        " non-negative weights with a positive sum, got " + std::to_string(ov->row.size()));
        for (double x : ov->row) forced.push_back(x / sum);
    }
    Mat<S> h = enc.hn, h_next;
    int token = tgt_vocab.bos();
    for (int s = 0; s < num_steps; ++s) {
        st.step(h, token, h_next, ov && s >= ov->step ? &forced : nullptr);
        const std::vector<double> prob = softmax(st.logits);
        token = top_indices(prob, 1)[0];
        out.steps.push_back(describe(st, prob, token, tgt_vocab, p.seen.size()));
        out.log_probability += std::log(prob[static_cast<std::size_t>(token)]);
        std::swap(h, h_next);
        if (token == tgt_vocab.eos()) break;
        out.output.push_back(tgt_vocab.token(token));
    }
    out.score = out.log_probability / std::pow(static_cast<double>(out.steps.size()), 0.75);
    return out;
}

template <class S>
Translation translate_beam(const Seq2SeqModel<S>& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                           const std::string& sentence, int num_steps, int beam)
{
    if (beam < 1 || beam > 8) throw std::invalid_argument("beam search: beam must be in [1, 8], got " + std::to_string(beam));
    check_vocab(model.config().src_vocab, model.config().tgt_vocab, src_vocab, tgt_vocab);
    const Prepared p = prepare(src_vocab, sentence, num_steps);
    const Encoded<S> enc = encode(model, p, num_steps);
    struct Hyp {
        Mat<S> h;
        int last = 0;
        Translation t;
    };
    Translation base;
    base.source_input = p.input;
    base.source_tokens = p.seen;
    base.unknown = p.unknown;
    std::vector<Hyp> alive{{enc.hn, tgt_vocab.bos(), base}};
    std::vector<Translation> finished;
    Stepper<S> st(model, enc);
    for (int s = 0; s < num_steps && !alive.empty(); ++s) {
        struct Cand {
            double logp;
            std::size_t hyp;
            int token;
            DecodeStep step;
            Mat<S> h;
        };
        std::vector<Cand> cands;
        for (std::size_t i = 0; i < alive.size(); ++i) {
            Mat<S> h_next;
            st.step(alive[i].h, alive[i].last, h_next, nullptr);
            const std::vector<double> prob = softmax(st.logits);
            for (int tok : top_indices(prob, beam))
                cands.push_back({alive[i].t.log_probability + std::log(prob[static_cast<std::size_t>(tok)]), i, tok,
                                 describe(st, prob, tok, tgt_vocab, p.seen.size()), h_next});
        }
        std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.logp > b.logp; });
        // The `beam` best extensions survive; those that end with <eos> leave the beam finished.
        std::vector<Hyp> next;
        for (std::size_t i = 0; i < cands.size() && static_cast<int>(i) < beam; ++i) {
            Cand& c = cands[i];
            Translation t = alive[c.hyp].t;
            t.steps.push_back(std::move(c.step));
            t.log_probability = c.logp;
            t.score = c.logp / std::pow(static_cast<double>(t.steps.size()), 0.75);
            if (c.token == tgt_vocab.eos()) {
                finished.push_back(std::move(t));
            } else {
                t.output.push_back(tgt_vocab.token(c.token));
                next.push_back({std::move(c.h), c.token, std::move(t)});
            }
        }
        alive = std::move(next);
    }
    for (auto& h : alive) finished.push_back(std::move(h.t));  // ran out of steps
    return *std::max_element(finished.begin(), finished.end(),
                             [](const Translation& a, const Translation& b) { return a.score < b.score; });
}

template Translation translate_greedy<float>(const Seq2SeqModel<float>&, const Vocab&, const Vocab&, const std::string&,
                                             int, const std::optional<AttentionOverride>&);
template Translation translate_greedy<double>(const Seq2SeqModel<double>&, const Vocab&, const Vocab&,
                                              const std::string&, int, const std::optional<AttentionOverride>&);
template Translation translate_beam<float>(const Seq2SeqModel<float>&, const Vocab&, const Vocab&, const std::string&,
                                           int, int);
template Translation translate_beam<double>(const Seq2SeqModel<double>&, const Vocab&, const Vocab&,
                                            const std::string&, int, int);

}  // namespace attnviz::seq2seq
