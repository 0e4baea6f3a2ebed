// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/softmax.hpp"

#include "attnviz/core/nn/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace attnviz {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Rows per block: 64 rows × 2048 keys × 8 bytes = 1 MB per matrix block, so a block's logits
// and weights stay in cache between the passes below (64 measured faster than 8, 16 and 32).
constexpr Index kRowBlock = nn::detail::kSoftmaxRowBlock;

void check_temperature(double t)
{
    if (!std::isfinite(t) || t <= 0.0)
        throw std::invalid_argument("temperature: expected a finite number > 0, got " +
                                    std::to_string(t));
}

std::string number(double x)
{
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << std::setprecision(6) << x;
    return s.str();
}

// Row `row` (of the whole matrix) holds a score, or a scaled score, that is not a finite double:
// refuse it, naming the first such entry and what overflowed. Masked entries count too: the
// scores the playground shows must be numbers.
[[noreturn]] void refuse_overflow(Index row, const Eigen::Ref<const RowVector>& scores,
                                  double scale, double temperature)
{
    for (Index j = 0; j < scores.cols(); ++j) {
        const double s = scores(j);
        const std::string where = "row " + std::to_string(row) + ", column " + std::to_string(j);
        if (!std::isfinite(s))
            throw std::invalid_argument("scores: " + where + " is " + number(s) +
                                        ": the scores overflow double precision (the inputs are "
                                        "too large); no weights can be computed for this row");
        const double l = s * scale / temperature;
        if (!std::isfinite(l))
            throw std::invalid_argument(
                "logits: " + where + ": score " + number(s) + " × scale " + number(scale) +
                " / temperature " + number(temperature) +
                " overflows double precision; raise the temperature or shrink the inputs");
    }
    // Not reached: the caller found a non-finite value in this row.
    throw std::invalid_argument("logits: row " + std::to_string(row) +
                                " overflows double precision");
}

// Pass 1 of one column of a block: l = s · scale / T, or −inf where masked; each row's max; and
// bad += l · 0 before the mask, which stays 0 for every finite l and becomes NaN once an l is
// ±inf or NaN, so that an overflow is found even where a mask would hide it. Plain loops over
// restrict pointers, which GCC vectorises (Eigen 3.4's select() is evaluated one scalar at a
// time): with the check included, this pass is as fast as the unchecked select or product was.
template <bool kMasked, bool kOneFactor>
void logits_column(const double* __restrict s, const std::uint8_t* __restrict off, double* __restrict l,
                   double* __restrict bad, double* __restrict row_max, Index b, double factor, double scale,
                   double temperature)
{
    for (Index i = 0; i < b; ++i) {
        const double t = kOneFactor ? s[i] * factor : (s[i] * scale) / temperature;
        bad[i] += t * 0.0;
        const double v = kMasked && off[i] ? kNegInf : t;
        l[i] = v;
        row_max[i] = v > row_max[i] ? v : row_max[i];
    }
}

}  // namespace

void softmax_chain(const Matrix& scores, double scale, const BoolMatrix& masked,
                   double temperature, const Eigen::Ref<const Matrix>& values, SoftmaxChain& c)
{
    check_temperature(temperature);
    const Index n = scores.rows(), m = scores.cols();
    const bool has_mask = masked.size() != 0;
    if (has_mask && (masked.rows() != n || masked.cols() != m))
        throw std::invalid_argument("mask: expected " + shape_string(n, m) + ", got " +
                                    shape_string(masked.rows(), masked.cols()));
    const bool has_values = values.cols() > 0;
    if (has_values && values.rows() != m)
        throw std::invalid_argument("values: expected " + std::to_string(m) +
                                    " rows (one per key), got " + std::to_string(values.rows()));

    c.fully_masked_rows.clear();
    c.logits.resize(n, m);
    c.weights.resize(n, m);
    c.output.resize(n, has_values ? values.cols() : 0);
    Vector max_buffer(kRowBlock);  // (block rows)
    // scale / T in one factor: the logits are the only (n × m) matrix this pass writes. When
    // the factor itself overflows (T = 5e-324), each logit is (score · scale) / T instead, which
    // is finite wherever the true logit is (a zero score stays 0).
    const double factor = scale / temperature;
    const bool one_factor = std::isfinite(factor);

    for (Index r0 = 0; r0 < n; r0 += kRowBlock) {
        const Index b = std::min(kRowBlock, n - r0);
        auto S = scores.middleRows(r0, b);     // (b × m)
        auto L = c.logits.middleRows(r0, b);   // (b × m)
        auto W = c.weights.middleRows(r0, b);  // (b × m)
        auto mx = max_buffer.head(b);

        // Pass 1, a column at a time (each column a contiguous run of b rows that Eigen
        // vectorises; rowwise() reductions would walk each row with a stride, measured 21 ms per
        // pass at 2048 × 2048): logits = scores · scale / T, the mask, and the row max.
        //
        // A logit that is not a finite number (a score that overflowed, or |s| · scale / T
        // beyond DBL_MAX) is refused, never taken for a mask's −∞ (issue 11: such rows were
        // reported as "every key is masked"); logits_column finds it before the mask is applied.
        mx.setConstant(kNegInf);
        double bad[kRowBlock];
        std::fill(bad, bad + b, 0.0);
        const auto column = has_mask ? (one_factor ? &logits_column<true, true> : &logits_column<true, false>)
                                     : (one_factor ? &logits_column<false, true> : &logits_column<false, false>);
        for (Index j = 0; j < m; ++j) {
            // bool is one byte holding 0 or 1: read as bytes so that the loop vectorises.
            const auto* off = has_mask ? reinterpret_cast<const std::uint8_t*>(&masked(r0, j)) : nullptr;
            column(S.col(j).data(), off, L.col(j).data(), bad, mx.data(), b, factor, scale, temperature);
        }
        for (Index i = 0; i < b; ++i)
            if (bad[i] != 0.0) refuse_overflow(r0 + i, scores.row(r0 + i), scale, temperature);

        // Passes 2 and 3: the shared softmax. Every logit is now finite or the mask's −∞, so a
        // row whose max is −∞ is fully masked (weights all 0), never an overflow.
        const std::size_t first = c.fully_masked_rows.size();
        nn::softmax_rows_from_max(L, mx, W, has_mask ? nn::Masking::NegInf : nn::Masking::None,
                                  &c.fully_masked_rows);
        for (std::size_t k = first; k < c.fully_masked_rows.size(); ++k) c.fully_masked_rows[k] += r0;
    }
    // One product over all rows: per-block products would repack `values` once per block.
    if (has_values) c.output.noalias() = c.weights * values;
}

SoftmaxRows masked_softmax(const Matrix& scaled, const BoolMatrix& masked, double temperature)
{
    SoftmaxChain c;
    softmax_chain(scaled, 1.0, masked, temperature, Matrix(scaled.cols(), 0), c);
    return {std::move(c.logits), std::move(c.weights), std::move(c.fully_masked_rows)};
}

}  // namespace attnviz
