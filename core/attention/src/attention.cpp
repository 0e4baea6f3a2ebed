// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/attention.hpp"

#include "attnviz/core/softmax.hpp"
#include "streaming_store.hpp"

#include <algorithm>
#include <cmath>
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

// ---- multi-head, a block of query rows at a time --------------------------------------------
//
// The result holds, per head, its scores, logits and weights (n_q × n_k each) and, for the
// layer, their means over the heads: 3H + 3 matrices of n_q × n_k. Computing each head over
// all rows and then averaging wrote every head's matrices to memory and read them back three
// more times (at n = 2048, 32 MB each). Large problems therefore go a block of query rows at a
// time through every head while the block is in cache (scores, softmax chain, output, running
// sums of the means), and each matrix is written to memory once, with streaming stores
// (streaming_store.hpp). Small problems, whose result fits in cache anyway, are one block.

// Rows per block: 64 rows × 2048 keys × 8 bytes = 1 MB per block buffer. 32 and 256 rows were
// slower at n = 2048 (smaller blocks write shorter runs per column; larger ones leave L3).
constexpr Index kHeadRowBlock = 64;
// Up to this many entries per (n_q × n_k) matrix (4 MB) the whole matrix is one block: the
// head's own matrices are the block's buffers, nothing is copied and the result stays in
// cache. Measured at d_head = 16: n = 512 is 10 % faster in one block, n = 1024 20 % slower.
constexpr Index kOneBlockEntries = 512 * 1024;
// A thread keeps its block buffers between calls up to this size (n_k ≈ 5400 at 64 rows).
// (Writing all heads' rows and the mean column by column, the sums in L1, was tried: five
// streams of streaming stores at once made the pass 40 % slower than one matrix at a time.)
constexpr Index kKeptBlockBytes = 16 * 1024 * 1024;

// sum = head + 0.0 (the first head) or sum + head: exactly 0 + h_0 + h_1 + ..., as when the
// means started from zero (a -0.0 score becomes +0.0).
void accumulate(Matrix& sum, const Matrix& head, bool first)
{
    if (first) sum = head.array() + 0.0;
    else sum += head;
}

// One block's working matrices. With one block they are the result's own matrices, lent by
// swapping, so that the whole-matrix path copies nothing.
struct HeadBlock {
    Matrix scores;                       // (b × n_k) one head's scores
    SoftmaxChain chain;                  // (b × n_k) logits, weights; (b × d_head) output
    Matrix sum_scores, sum_logits, sum_weights;  // (b × n_k) sums over the heads so far

    void swap_head(HeadResult& head)
    {
        scores.swap(head.scores);
        chain.logits.swap(head.logits);
        chain.weights.swap(head.weights);
        chain.output.swap(head.output);
    }
    void swap_means(AttentionResult& r)
    {
        sum_scores.swap(r.scores);
        sum_logits.swap(r.logits);
        sum_weights.swap(r.weights);
    }
};

// Fills r.heads (scores, logits, weights, output per head), r.scores, r.logits, r.weights (the
// means over heads), the heads' outputs side by side in `concat` (n_q × h) and the warnings
// for fully masked rows. q_proj: (n_q × h), k_proj and v_proj: (n_k × h); r.masked is built
// (ignored when `unmasked`). Throws std::invalid_argument as softmax_chain does.
void multi_head_blocks(const Matrix& q_proj, const Matrix& k_proj, const Matrix& v_proj, Index H,
                       double scale, bool unmasked, double temperature, AttentionResult& r,
                       Matrix& concat)
{
    const Index n_q = q_proj.rows(), n_k = k_proj.rows(), d_head = q_proj.cols() / H;
    const bool one_block = n_q * n_k <= kOneBlockEntries;
    const Index rows_per_block = one_block ? n_q : kHeadRowBlock;
    r.heads.resize(static_cast<std::size_t>(H));
    if (!one_block) {
        r.scores.resize(n_q, n_k);
        r.logits.resize(n_q, n_k);
        r.weights.resize(n_q, n_k);
        for (HeadResult& head : r.heads) {
            head.scores.resize(n_q, n_k);
            head.logits.resize(n_q, n_k);
            head.weights.resize(n_q, n_k);
            head.output.resize(n_q, d_head);
        }
    }
    const double mean = 1.0 / static_cast<double>(H);
    std::vector<Index> fully_masked;
    // The block's buffers are kept by the thread from one call to the next: allocated afresh,
    // their 6 MB at n = 2048 went back to the system after each call and came back as page
    // faults. Buffers above kKeptBlockBytes are released when the call ends.
    thread_local HeadBlock w;
    struct Release {
        HeadBlock& w;
        ~Release()
        {
            const Index bytes = static_cast<Index>(sizeof(double)) *
                                (w.scores.size() + w.chain.logits.size() + w.chain.weights.size() +
                                 w.sum_scores.size() + w.sum_logits.size() + w.sum_weights.size());
            if (bytes > kKeptBlockBytes) w = HeadBlock{};
        }
    } release{w};
    BoolMatrix block_mask;  // (b × n_k) the block's rows of r.masked; empty when unmasked
    if (one_block) w.swap_means(r);
    for (Index r0 = 0; r0 < n_q; r0 += rows_per_block) {
        const Index b = std::min(rows_per_block, n_q - r0);
        if (!unmasked) block_mask = r.masked.middleRows(r0, b);
        for (Index t = 0; t < H; ++t) {
            HeadResult& head = r.heads[static_cast<std::size_t>(t)];
            head.scale = scale;
            const Index col = t * d_head;
            if (one_block) w.swap_head(head);
            w.scores.resize(b, n_k);
            w.scores.noalias() = q_proj.block(r0, col, b, d_head) *
                                 k_proj.middleCols(col, d_head).transpose();  // (b × n_k)
            softmax_chain(w.scores, scale, block_mask, temperature,
                          v_proj.middleCols(col, d_head), w.chain);
            const bool first = t == 0;
            accumulate(w.sum_scores, w.scores, first);
            accumulate(w.sum_logits, w.chain.logits, first);
            accumulate(w.sum_weights, w.chain.weights, first);
            concat.block(r0, col, b, d_head) = w.chain.output;  // (b × d_head)
            if (first)  // a row masked for one head is masked for all: warn once
                for (Index i : w.chain.fully_masked_rows) fully_masked.push_back(r0 + i);
            if (one_block) {
                w.swap_head(head);
                continue;
            }
            detail::stream_rows(w.scores, 1.0, head.scores.middleRows(r0, b));
            detail::stream_rows(w.chain.logits, 1.0, head.logits.middleRows(r0, b));
            detail::stream_rows(w.chain.weights, 1.0, head.weights.middleRows(r0, b));
            head.output.middleRows(r0, b) = w.chain.output;
        }
        if (one_block) {
            w.swap_means(r);
            r.scores *= mean;
            r.logits *= mean;
            r.weights *= mean;
            continue;
        }
        detail::stream_rows(w.sum_scores, mean, r.scores.middleRows(r0, b));
        detail::stream_rows(w.sum_logits, mean, r.logits.middleRows(r0, b));
        detail::stream_rows(w.sum_weights, mean, r.weights.middleRows(r0, b));
    }
    detail::streaming_fence();
    warn_fully_masked(fully_masked, r.warnings);
}

// When a block is refused (non-finite scores, a bad temperature), the same refusal from the
// whole-matrix chain, head by head as before the blocks, so that the message names the row of
// the whole matrix rather than of the block. Returns if nothing is refused.
void replay_refusal(const Matrix& q_proj, const Matrix& k_proj, const Matrix& v_proj, Index H,
                    double scale, const BoolMatrix& masked, double temperature)
{
    const Index d_head = q_proj.cols() / H;
    SoftmaxChain c;
    for (Index t = 0; t < H; ++t) {
        const Matrix scores = q_proj.middleCols(t * d_head, d_head) *
                              k_proj.middleCols(t * d_head, d_head).transpose();  // (n_q × n_k)
        softmax_chain(scores, scale, masked, temperature, v_proj.middleCols(t * d_head, d_head), c);
    }
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
        multi_head_blocks(q_proj, k_proj, v_proj, H, scale, mask.empty(), temperature, r, concat);
    } catch (const std::invalid_argument&) {
        // Refused: say so exactly as the whole-matrix chain does, with whole-matrix row numbers.
        replay_refusal(q_proj, k_proj, v_proj, H, scale, mask.empty() ? BoolMatrix() : r.masked,
                       temperature);
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
