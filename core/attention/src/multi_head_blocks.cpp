// SPDX-License-Identifier: GPL-3.0-or-later
#include "multi_head_blocks.hpp"

#include "attnviz/core/softmax.hpp"
#include "exp_kernel.hpp"
#include "streaming_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace attnviz::detail {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ---- small problems: the whole matrix, every head's matrices kept ---------------------------

// sum = head + 0.0 (the first head) or sum + head: exactly 0 + h_0 + h_1 + ..., as when the
// means started from zero (a -0.0 score becomes +0.0).
void accumulate(Matrix& sum, const Matrix& head, bool first)
{
    if (first) sum = head.array() + 0.0;
    else sum += head;
}

// The chain's working matrices, which are the result's own, lent by swapping: nothing is
// copied and nothing allocated when the result is reused with the same shapes.
struct WholeMatrix {
    Matrix scores;       // (n_q × n_k) one head's scores
    SoftmaxChain chain;  // (n_q × n_k) logits, weights; (n_q × d_head) output
    Matrix sum_scores, sum_logits, sum_weights;  // (n_q × n_k) sums over the heads so far

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

// Up to kMultiHeadOneBlockEntries per matrix: each head through softmax_chain over all rows,
// keeping its scores, logits and weights. The playground's hand-checked examples run here, and
// its numbers are these, bit for bit, since before the blocked path existed.
std::vector<Index> whole_matrix(const Matrix& q_proj, const Matrix& k_proj, const Matrix& v_proj,
                                Index H, double scale, bool unmasked, double temperature,
                                AttentionResult& r, Matrix& concat)
{
    const Index d_head = q_proj.cols() / H;
    const double mean = 1.0 / static_cast<double>(H);
    const BoolMatrix none;
    const BoolMatrix& masked = unmasked ? none : r.masked;
    std::vector<Index> fully_masked;
    WholeMatrix w;
    w.swap_means(r);
    for (Index t = 0; t < H; ++t) {
        HeadResult& head = r.heads[static_cast<std::size_t>(t)];
        head.scale = scale;
        head.temperature = temperature;
        head.queries.resize(0, 0);
        head.keys.resize(0, 0);
        const Index col = t * d_head;
        w.swap_head(head);
        w.scores.resize(q_proj.rows(), k_proj.rows());
        w.scores.noalias() = q_proj.middleCols(col, d_head) *
                             k_proj.middleCols(col, d_head).transpose();  // (n_q × n_k)
        softmax_chain(w.scores, scale, masked, temperature, v_proj.middleCols(col, d_head), w.chain);
        const bool first = t == 0;
        accumulate(w.sum_scores, w.scores, first);
        accumulate(w.sum_logits, w.chain.logits, first);
        accumulate(w.sum_weights, w.chain.weights, first);
        concat.middleCols(col, d_head) = w.chain.output;  // (n_q × d_head)
        if (first) fully_masked = w.chain.fully_masked_rows;  // masked for one head = for all
        w.swap_head(head);
    }
    w.swap_means(r);
    r.scores *= mean;
    r.logits *= mean;
    r.weights *= mean;
    return fully_masked;
}

// ---- large problems: a block of query rows at a time, weights kept per head ------------------
//
// The result holds, per head, its weights (n_q × n_k) and output, and, for the layer, the
// means of the heads' scores, logits and weights: H + 3 matrices of n_q × n_k. (Keeping every
// head's scores and logits too, 3H + 3 matrices, which only a tooltip read, cost half of the
// time at n = 2048: docs/benchmarks.md.) Each block of query rows goes through every head while
// it is in cache, in one buffer per head:
//   S = Q_t K_tᵀ            (b × n_k) one product
//   pass 1, per column:     S → its logits in place (scale / T, the mask, the overflow check),
//                           each row's max, and the running sums of the scores and logits
//   softmax:                S → weights in place (the shared nn softmax: exp, sum, normalise)
//   pass 2, per column:     the running sum of the weights; S streamed to the head's weights
//   output_t = S V_t        (b × d_head) one product
// and the block's three means are streamed to the result after the last head. Every n × n
// matrix is written to memory once, with streaming stores (streaming_store.hpp).

// Rows per block: the buffer and the three sums, 4 × 64 rows × 2048 keys × 8 bytes = 4 MB at
// n = 2048, stay in cache from one head to the next.
constexpr Index kRowBlock = 64;
// A thread keeps its block buffers between calls up to this size (n_k ≈ 8000 at 64 rows):
// allocated afresh, they went back to the system after each call and came back as page faults.
constexpr Index kKeptBlockBytes = 16 * 1024 * 1024;

struct RowBlock {
    Matrix S;                                    // (b × n_k) one head: scores → logits → weights
    Matrix sum_scores, sum_logits, sum_weights;  // (b × n_k) sums over the heads so far

    Index bytes() const
    {
        return static_cast<Index>(sizeof(double)) *
               (S.size() + sum_scores.size() + sum_logits.size() + sum_weights.size());
    }
};

// Pass 1 on one column of the block (b rows): s holds the scores and receives the logits
// l = s · scale / T (−∞ where masked); row_max, the overflow check `bad` (as softmax_chain's:
// += l · 0, NaN once an l is not finite, found before the mask hides it) and the sums of the
// scores and logits over the heads (first head: + 0.0, as accumulate() above). Plain loops over
// restrict pointers, which GCC vectorises.
template <bool kMasked, bool kOneFactor, bool kFirst>
void logits_column(double* __restrict s, const std::uint8_t* __restrict off,
                   double* __restrict sum_s, double* __restrict sum_l, double* __restrict bad,
                   double* __restrict row_max, Index b, double factor, double scale,
                   double temperature)
{
    for (Index i = 0; i < b; ++i) {
        const double x = s[i];
        const double t = kOneFactor ? x * factor : (x * scale) / temperature;
        bad[i] += t * 0.0;
        const double v = kMasked && off[i] ? kNegInf : t;
        s[i] = v;
        sum_s[i] = kFirst ? x + 0.0 : sum_s[i] + x;
        sum_l[i] = kFirst ? v + 0.0 : sum_l[i] + v;
        row_max[i] = v > row_max[i] ? v : row_max[i];
    }
}

// Pass 2 on one column: l → exp(l - shift), added to each row's sum.
void exp_column(double* __restrict l, const double* __restrict shift, double* __restrict row_sum, Index b)
{
    for (Index i = 0; i < b; ++i) {
        const double e = exp_nonpositive(l[i] - shift[i]);
        l[i] = e;
        row_sum[i] += e;
    }
}

// Pass 3 on one column: e → e / row sum, and the sum of the weights over the heads.
template <bool kFirst>
void normalise_column(double* __restrict e, const double* __restrict inv_sum, double* __restrict sum_w, Index b)
{
    for (Index i = 0; i < b; ++i) {
        const double v = e[i] * inv_sum[i];
        e[i] = v;
        sum_w[i] = kFirst ? v + 0.0 : sum_w[i] + v;
    }
}

using LogitsColumn = void (*)(double*, const std::uint8_t*, double*, double*, double*, double*,
                              Index, double, double, double);

template <bool kMasked, bool kOneFactor>
LogitsColumn pick(bool first)
{
    return first ? &logits_column<kMasked, kOneFactor, true> : &logits_column<kMasked, kOneFactor, false>;
}

LogitsColumn pick(bool masked, bool one_factor, bool first)
{
    if (masked) return one_factor ? pick<true, true>(first) : pick<true, false>(first);
    return one_factor ? pick<false, true>(first) : pick<false, false>(first);
}

std::vector<Index> blocked(const Matrix& q_proj, const Matrix& k_proj, const Matrix& v_proj,
                           Index H, double scale, bool unmasked, double temperature,
                           AttentionResult& r, Matrix& concat)
{
    const Index n_q = q_proj.rows(), n_k = k_proj.rows(), d_head = q_proj.cols() / H;
    if (!std::isfinite(temperature) || temperature <= 0.0)  // softmax_chain's refusal, replayed
        throw std::invalid_argument("temperature");
    r.scores.resize(n_q, n_k);
    r.logits.resize(n_q, n_k);
    r.weights.resize(n_q, n_k);
    for (Index t = 0; t < H; ++t) {
        HeadResult& head = r.heads[static_cast<std::size_t>(t)];
        head.scale = scale;
        head.temperature = temperature;
        head.scores.resize(0, 0);  // computed on demand: score(), logit()
        head.logits.resize(0, 0);
        head.weights.resize(n_q, n_k);
        head.output.resize(n_q, d_head);
        head.queries = q_proj.middleCols(t * d_head, d_head);
        head.keys = k_proj.middleCols(t * d_head, d_head);
    }
    const double mean = 1.0 / static_cast<double>(H);
    // As softmax_chain: scale / T in one factor, or (s · scale) / T where the factor overflows.
    const double factor = scale / temperature;
    const bool one_factor = std::isfinite(factor);
    std::vector<Index> fully_masked;
    thread_local RowBlock w;
    struct Release {
        RowBlock& w;
        ~Release()
        {
            if (w.bytes() > kKeptBlockBytes) w = RowBlock{};
        }
    } release{w};

    for (Index r0 = 0; r0 < n_q; r0 += kRowBlock) {
        const Index b = std::min(kRowBlock, n_q - r0);
        w.sum_scores.resize(b, n_k);
        w.sum_logits.resize(b, n_k);
        w.sum_weights.resize(b, n_k);
        for (Index t = 0; t < H; ++t) {
            HeadResult& head = r.heads[static_cast<std::size_t>(t)];
            const Index col = t * d_head;
            const bool first = t == 0;
            w.S.resize(b, n_k);
            w.S.noalias() = q_proj.block(r0, col, b, d_head) *
                            k_proj.middleCols(col, d_head).transpose();  // (b × n_k)

            // Pass 1: logits in place, row maxima, sums of scores and logits.
            double row_max[kRowBlock], bad[kRowBlock];
            std::fill(row_max, row_max + b, kNegInf);
            std::fill(bad, bad + b, 0.0);
            const LogitsColumn column = pick(!unmasked, one_factor, first);
            for (Index j = 0; j < n_k; ++j) {
                // bool is one byte holding 0 or 1: read as bytes so that the loop vectorises.
                const auto* off = unmasked ? nullptr : reinterpret_cast<const std::uint8_t*>(&r.masked(r0, j));
                column(w.S.col(j).data(), off, w.sum_scores.col(j).data(), w.sum_logits.col(j).data(), bad,
                       row_max, b, factor, scale, temperature);
            }
            for (Index i = 0; i < b; ++i)
                if (bad[i] != 0.0) throw std::invalid_argument("logits overflow");  // replayed

            // Pass 2: e = exp(l - max) in place (0 where masked), and each row's sum. A fully
            // masked row (max -inf) is shifted by 0, so that its -inf stay -inf and give 0.
            double shift[kRowBlock], row_sum[kRowBlock], inv_sum[kRowBlock];
            for (Index i = 0; i < b; ++i) {
                shift[i] = row_max[i] == kNegInf ? 0.0 : row_max[i];
                row_sum[i] = 0.0;
            }
            for (Index j = 0; j < n_k; ++j) exp_column(w.S.col(j).data(), shift, row_sum, b);
            for (Index i = 0; i < b; ++i) {
                if (row_max[i] == kNegInf) {
                    row_sum[i] = 1.0;  // its weights are already 0
                    if (first) fully_masked.push_back(r0 + i);  // masked for one head = for all
                }
                inv_sum[i] = 1.0 / row_sum[i];
            }

            // Pass 3: weights = e / sum, their sum over the heads, and the head's weights
            // written out.
            auto weights_out = head.weights.middleRows(r0, b);
            const auto normalise = first ? &normalise_column<true> : &normalise_column<false>;
            for (Index j = 0; j < n_k; ++j) {
                normalise(w.S.col(j).data(), inv_sum, w.sum_weights.col(j).data(), b);
                stream_column(w.S.col(j).data(), 1.0, weights_out.col(j).data(), b);
            }

            auto out = concat.block(r0, col, b, d_head);  // (b × d_head)
            out.noalias() = w.S * v_proj.middleCols(col, d_head);
            head.output.middleRows(r0, b) = out;
        }
        stream_rows(w.sum_scores, mean, r.scores.middleRows(r0, b));
        stream_rows(w.sum_logits, mean, r.logits.middleRows(r0, b));
        stream_rows(w.sum_weights, mean, r.weights.middleRows(r0, b));
    }
    streaming_fence();
    return fully_masked;
}

}  // namespace

std::vector<Index> multi_head_blocks(const Matrix& q_proj, const Matrix& k_proj,
                                     const Matrix& v_proj, Index H, double scale, bool unmasked,
                                     double temperature, AttentionResult& r, Matrix& concat)
{
    r.heads.resize(static_cast<std::size_t>(H));
    if (q_proj.rows() * k_proj.rows() <= kMultiHeadOneBlockEntries)
        return whole_matrix(q_proj, k_proj, v_proj, H, scale, unmasked, temperature, r, concat);
    return blocked(q_proj, k_proj, v_proj, H, scale, unmasked, temperature, r, concat);
}

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

}  // namespace attnviz::detail
