// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/attention.hpp"

#include "attnviz/core/softmax.hpp"
#include "multi_head_blocks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace attnviz {

// ---- names ----------------------------------------------------------------------------------

namespace {

struct VariantNames {
    Variant variant;
    std::string_view id;
    std::string_view display;
};

constexpr VariantNames kNames[] = {
    {Variant::Dot, "dot", "Dot product"},
    {Variant::ScaledDot, "scaled_dot", "Scaled dot-product"},
    {Variant::Additive, "additive", "Additive (Bahdanau)"},
    {Variant::LuongGeneral, "luong_general", "Luong general"},
    {Variant::MultiHead, "multi_head", "Multi-head"},
    {Variant::DenseSynthesizer, "dense_synthesizer", "Dense Synthesizer"},
    {Variant::RandomSynthesizer, "random_synthesizer", "Random Synthesizer"},
    {Variant::FeedForward, "feed_forward", "Feed-forward pooling (Raffel & Ellis)"},
};

const VariantNames& names_of(Variant v)
{
    for (const VariantNames& n : kNames)
        if (n.variant == v) return n;
    throw std::invalid_argument("variant: unknown enumerator");
}

}  // namespace

std::string_view variant_id(Variant v) { return names_of(v).id; }
std::string_view variant_display_name(Variant v) { return names_of(v).display; }

std::optional<Variant> variant_from_id(std::string_view id)
{
    for (const VariantNames& n : kNames)
        if (n.id == id) return n.variant;
    return std::nullopt;
}

// ---- a head's entries on demand -------------------------------------------------------------

double HeadResult::score(Index i, Index j) const
{
    if (scores.size() != 0) return scores(i, j);
    return queries.row(i).dot(keys.row(j));
}

double HeadResult::logit(Index i, Index j, bool masked) const
{
    if (logits.size() != 0) return logits(i, j);
    if (masked) return -std::numeric_limits<double>::infinity();
    // As softmax_chain: one factor scale / T, or (s · scale) / T where the factor overflows.
    const double s = score(i, j), factor = scale / temperature;
    return std::isfinite(factor) ? s * factor : (s * scale) / temperature;
}

// ---- entry checks ---------------------------------------------------------------------------

namespace {

std::string str(Index i) { return std::to_string(i); }

void check_matrix(const Matrix& m, std::string_view name)
{
    require_nonempty(m, name);
    require_finite(m, name);
}

// V must have one row per key.
void check_values(const Matrix& V, Index n_k)
{
    check_matrix(V, "values");
    if (V.rows() != n_k)
        throw std::invalid_argument("values: expected " + str(n_k) + " rows (one per key), got " +
                                    str(V.rows()) + " (values are " + shape_string(V) + ")");
}

void check_qkv(const Matrix& Q, const Matrix& K, const Matrix& V)
{
    check_matrix(Q, "queries");
    check_matrix(K, "keys");
    check_values(V, K.rows());
}

// A dot product needs d_q == d_k.
void check_same_width(const Matrix& Q, const Matrix& K)
{
    if (Q.cols() != K.cols())
        throw std::invalid_argument("keys: expected " + str(Q.cols()) +
                                    " columns (d_k must equal d_q), got " + str(K.cols()) +
                                    " (queries are " + shape_string(Q) + ", keys " +
                                    shape_string(K) + ")");
}

// An optional bias: empty, or (1 × n). Finite when present.
void check_bias(const Matrix& b, Index n, std::string_view name)
{
    if (b.size() == 0) return;
    require_shape(b, 1, n, name);
    require_finite(b, name);
}

void check_param(const Matrix& m, Index rows, Index cols, std::string_view name)
{
    require_shape(m, rows, cols, name);
    require_finite(m, name);
}

// y = x Wᵀ + b, b broadcast over rows. x: (n × in), W: (out × in), b: (1 × out) or empty.
Matrix linear(const Matrix& x, const Matrix& W, const Matrix& b)
{
    Matrix y = x * W.transpose();  // (n × out)
    if (b.size() != 0) y.rowwise() += b.row(0);
    return y;
}

void warn_fully_masked(const std::vector<Index>& rows, std::vector<std::string>& warnings)
{
    for (Index i : rows)
        warnings.push_back("query row " + str(i) +
                           ": every key is masked; its weights and output are zero");
}

// Runs the fused chain on `scores` (n × m), lending the chain the result's logits, weights and
// output so that their buffers are reused rather than reallocated.
template <class Result>
void run_chain(const Matrix& scores, double scale, const BoolMatrix& masked, double temperature,
               const Eigen::Ref<const Matrix>& values, Result& r, std::vector<Index>& fully_masked)
{
    SoftmaxChain c;
    c.logits.swap(r.logits);
    c.weights.swap(r.weights);
    c.output.swap(r.output);
    softmax_chain(scores, scale, masked, temperature, values, c);
    r.logits.swap(c.logits);
    r.weights.swap(c.weights);
    r.output.swap(c.output);
    fully_masked = std::move(c.fully_masked_rows);
}

// Mask, scaling, softmax and the weighted sum shared by every single-head variant.
// r.scores: (n_q × n_k) already computed; values: (n_k × d_out).
void finish(AttentionResult& r, double scale, const Eigen::Ref<const Matrix>& values,
            const MaskSpec& mask, double temperature)
{
    build_mask(mask, r.scores.rows(), r.scores.cols(), r.masked);
    r.scale = scale;
    std::vector<Index> fully_masked;
    run_chain(r.scores, scale, mask.empty() ? BoolMatrix() : r.masked, temperature, values, r,
              fully_masked);
    r.heads.clear();
    r.warnings.clear();
    warn_fully_masked(fully_masked, r.warnings);
}

}  // namespace

void check_inputs(Variant variant, const Matrix& Q, const Matrix& K, const Matrix& V)
{
    if (variant == Variant::FeedForward) {  // pools the keys; Q plays no part
        check_matrix(K, "keys");
        check_values(V, K.rows());
        return;
    }
    check_qkv(Q, K, V);
    if (variant == Variant::Dot || variant == Variant::ScaledDot) check_same_width(Q, K);
}

// ---- the variants ---------------------------------------------------------------------------

void dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const MaskSpec& mask,
                   double temperature, AttentionResult& r)
{
    check_inputs(Variant::Dot, Q, K, V);
    r.scores.resize(Q.rows(), K.rows());
    r.scores.noalias() = Q * K.transpose();  // (n_q × n_k) q_i · k_j
    finish(r, 1.0, V, mask, temperature);
}

void scaled_dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const MaskSpec& mask,
                          double temperature, AttentionResult& r)
{
    check_inputs(Variant::ScaledDot, Q, K, V);
    r.scores.resize(Q.rows(), K.rows());
    r.scores.noalias() = Q * K.transpose();  // (n_q × n_k) q_i · k_j
    // ÷√d_k keeps the logits' variance near 1 for unit-variance inputs (Vaswani et al. 2017).
    finish(r, 1.0 / std::sqrt(static_cast<double>(K.cols())), V, mask, temperature);
}

void additive_attention(const Matrix& Q, const Matrix& K, const Matrix& V, const AdditiveParams& p,
                        const MaskSpec& mask, double temperature, AttentionResult& r)
{
    check_qkv(Q, K, V);
    require_nonempty(p.W_q, "W_q");
    const Index h = p.W_q.rows();
    check_param(p.W_q, h, Q.cols(), "W_q");
    check_param(p.W_k, h, K.cols(), "W_k");
    check_param(p.w_v, 1, h, "w_v");
    check_bias(p.b_q, h, "b_q");
    check_bias(p.b_k, h, "b_k");

    const Matrix q_proj = linear(Q, p.W_q, p.b_q);  // (n_q × h) W_q q_i + b_q
    const Matrix k_proj = linear(K, p.W_k, p.b_k);  // (n_k × h) W_k k_j + b_k
    const Vector w_v = p.w_v.row(0).transpose();    // (h)

    // score_ij = w_v · tanh(q_proj_i + k_proj_j): one (n_k × h) feature block per query, so
    // memory stays O(n_k h) instead of the O(n_q n_k h) tensor the book broadcasts.
    r.scores.resize(Q.rows(), K.rows());  // (n_q × n_k)
    Matrix features(K.rows(), h);         // (n_k × h)
    for (Index i = 0; i < Q.rows(); ++i) {
        features = (k_proj.rowwise() + q_proj.row(i));
        // tanh(a) = 1 − 2 / (exp(2a) + 1): Eigen 3.4 vectorises exp for double but not tanh,
        // and this loop is n_q·n_k·h of them. Absolute error stays below 1e-15; exp
        // overflowing to inf for a > 354 still gives exactly 1.
        features = (1.0 - 2.0 / ((2.0 * features.array()).exp() + 1.0)).matrix();
        r.scores.row(i).noalias() = (features * w_v).transpose();
    }
    finish(r, 1.0, V, mask, temperature);
}

void luong_general_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                             const LuongGeneralParams& p, const MaskSpec& mask,
                             double temperature, AttentionResult& r)
{
    check_qkv(Q, K, V);
    check_param(p.W_a, Q.cols(), K.cols(), "W_a");
    const Matrix q_a = Q * p.W_a;  // (n_q × d_k) q_iᵀ W_a
    r.scores.resize(Q.rows(), K.rows());
    r.scores.noalias() = q_a * K.transpose();  // (n_q × n_k) q_iᵀ W_a k_j
    finish(r, 1.0, V, mask, temperature);
}

void multi_head_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                          const MultiHeadParams& p, const MaskSpec& mask, double temperature,
                          AttentionResult& r)
{
    check_qkv(Q, K, V);
    require_nonempty(p.W_q, "W_q");
    const Index h = p.W_q.rows();
    const Index H = p.num_heads;
    if (H < 1 || h % H != 0)
        throw std::invalid_argument("num_heads: hidden size " + str(h) +
                                    " (rows of W_q) is not divisible by " + str(H) + " heads");
    check_param(p.W_q, h, Q.cols(), "W_q");
    check_param(p.W_k, h, K.cols(), "W_k");
    check_param(p.W_v, h, V.cols(), "W_v");
    check_bias(p.b_q, h, "b_q");
    check_bias(p.b_k, h, "b_k");
    check_bias(p.b_v, h, "b_v");
    if (p.W_o.size() != 0) {
        require_finite(p.W_o, "W_o");
        if (p.W_o.cols() != h)
            throw std::invalid_argument("W_o: expected " + str(h) +
                                        " columns (the hidden size), got " + str(p.W_o.cols()) +
                                        " (W_o is " + shape_string(p.W_o) + ")");
        check_bias(p.b_o, p.W_o.rows(), "b_o");
    } else if (p.b_o.size() != 0) {
        throw std::invalid_argument("b_o: given without W_o (expected W_o of " +
                                    shape_string(p.b_o.cols(), h) + ")");
    }

    const Index n_q = Q.rows(), n_k = K.rows(), d_head = h / H;
    const Matrix q_proj = linear(Q, p.W_q, p.b_q);  // (n_q × h)
    const Matrix k_proj = linear(K, p.W_k, p.b_k);  // (n_k × h)
    const Matrix v_proj = linear(V, p.W_v, p.b_v);  // (n_k × h)
    build_mask(mask, n_q, n_k, r.masked);
    const double scale = 1.0 / std::sqrt(static_cast<double>(d_head));
    r.scale = scale;
    r.warnings.clear();
    Matrix concat(n_q, h);  // (n_q × h) heads side by side
    try {
        warn_fully_masked(detail::multi_head_blocks(q_proj, k_proj, v_proj, H, scale, mask.empty(),
                                                    temperature, r, concat),
                          r.warnings);
    } catch (const std::invalid_argument&) {
        // Refused: say so exactly as the whole-matrix chain does, with whole-matrix row numbers.
        detail::replay_refusal(q_proj, k_proj, v_proj, H, scale,
                               mask.empty() ? BoolMatrix() : r.masked, temperature);
        throw;
    }
    // A fully masked row has zero heads and so a zero concat; the output projection's bias
    // would make it non-zero, which is why such rows are zeroed after it.
    r.output = p.W_o.size() != 0 ? linear(concat, p.W_o, p.b_o) : concat;
    if (!mask.empty())
        for (Index i = 0; i < n_q; ++i)
            if (r.masked.row(i).all()) r.output.row(i).setZero();
}

void dense_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                 const DenseSynthesizerParams& p, const MaskSpec& mask,
                                 double temperature, AttentionResult& r)
{
    check_qkv(Q, K, V);
    const Index d = Q.cols(), n_k = K.rows();
    check_param(p.W1, d, d, "W1");
    check_bias(p.b1, d, "b1");
    require_finite(p.W2, "W2");
    if (p.W2.cols() != d || p.W2.rows() < n_k)
        throw std::invalid_argument("W2: expected at least " + shape_string(n_k, d) +
                                    " (l_max >= n_k rows, d_q columns), got " +
                                    shape_string(p.W2));
    check_bias(p.b2, p.W2.rows(), "b2");
    if (p.W_v.size() != 0) {
        require_finite(p.W_v, "W_v");
        if (p.W_v.cols() != V.cols())
            throw std::invalid_argument("W_v: expected " + str(V.cols()) +
                                        " columns (d_v), got " + str(p.W_v.cols()) +
                                        " (W_v is " + shape_string(p.W_v) + ")");
    }

    // B = relu(Q W1ᵀ + b1) W2ᵀ + b2: (n_q × l_max). The scores come from each query token
    // alone; no query–key interaction (Tay et al. 2020).
    const Matrix hidden = linear(Q, p.W1, p.b1).cwiseMax(0.0);  // (n_q × d)
    r.scores = linear(hidden, p.W2, p.b2).leftCols(n_k);        // (n_q × n_k)
    if (p.W_v.size() == 0) return finish(r, 1.0, V, mask, temperature);
    const Matrix v_proj = V * p.W_v.transpose();  // (n_k × d_o)
    finish(r, 1.0, v_proj, mask, temperature);
}

void random_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                  const RandomSynthesizerParams& p, const MaskSpec& mask,
                                  double temperature, AttentionResult& r)
{
    check_qkv(Q, K, V);
    require_finite(p.R, "R");
    if (p.R.rows() < Q.rows() || p.R.cols() < K.rows())
        throw std::invalid_argument("R: expected at least " + shape_string(Q.rows(), K.rows()) +
                                    " (n_q x n_k), got " + shape_string(p.R));
    r.scores = p.R.topLeftCorner(Q.rows(), K.rows());  // (n_q × n_k)
    finish(r, 1.0, V, mask, temperature);
}

void feed_forward_attention(const Matrix& K, const Matrix& V, const FeedForwardParams& p,
                            const MaskSpec& mask, double temperature, AttentionResult& r)
{
    check_inputs(Variant::FeedForward, K, K, V);
    check_param(p.w, 1, K.cols(), "w");
    if (!std::isfinite(p.b)) throw std::invalid_argument("b: expected a finite number");
    // e_j = tanh(w · k_j + b): (1 × n_k). Keras builds this as Dense(1, tanh) → Flatten →
    // Softmax; RepeatVector + Permute only broadcast α over the features before the multiply.
    r.scores = ((p.w * K.transpose()).array() + p.b).tanh().matrix();
    finish(r, 1.0, V, mask, temperature);
}

// ---- value-returning forms ------------------------------------------------------------------

AttentionResult dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                              const MaskSpec& mask, double temperature)
{
    AttentionResult r;
    dot_attention(Q, K, V, mask, temperature, r);
    return r;
}

AttentionResult scaled_dot_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                     const MaskSpec& mask, double temperature)
{
    AttentionResult r;
    scaled_dot_attention(Q, K, V, mask, temperature, r);
    return r;
}

AttentionResult additive_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                   const AdditiveParams& p, const MaskSpec& mask,
                                   double temperature)
{
    AttentionResult r;
    additive_attention(Q, K, V, p, mask, temperature, r);
    return r;
}

AttentionResult luong_general_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                        const LuongGeneralParams& p, const MaskSpec& mask,
                                        double temperature)
{
    AttentionResult r;
    luong_general_attention(Q, K, V, p, mask, temperature, r);
    return r;
}

AttentionResult multi_head_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                     const MultiHeadParams& p, const MaskSpec& mask,
                                     double temperature)
{
    AttentionResult r;
    multi_head_attention(Q, K, V, p, mask, temperature, r);
    return r;
}

AttentionResult dense_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                            const DenseSynthesizerParams& p,
                                            const MaskSpec& mask, double temperature)
{
    AttentionResult r;
    dense_synthesizer_attention(Q, K, V, p, mask, temperature, r);
    return r;
}

AttentionResult random_synthesizer_attention(const Matrix& Q, const Matrix& K, const Matrix& V,
                                             const RandomSynthesizerParams& p,
                                             const MaskSpec& mask, double temperature)
{
    AttentionResult r;
    random_synthesizer_attention(Q, K, V, p, mask, temperature, r);
    return r;
}

AttentionResult feed_forward_attention(const Matrix& K, const Matrix& V,
                                       const FeedForwardParams& p, const MaskSpec& mask,
                                       double temperature)
{
    AttentionResult r;
    feed_forward_attention(K, V, p, mask, temperature, r);
    return r;
}

}  // namespace attnviz
