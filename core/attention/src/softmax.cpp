// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace attnviz {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Rows per block: 64 rows × 2048 keys × 8 bytes = 1 MB per matrix block, so a block's logits
// and weights stay in cache between the passes below (64 measured faster than 8, 16 and 32).
constexpr Index kRowBlock = 64;

void check_temperature(double t)
{
    if (!std::isfinite(t) || t <= 0.0)
        throw std::invalid_argument("temperature: expected a finite number > 0, got " +
                                    std::to_string(t));
}

// Row i's logits overflowed (or its scores are not finite): recompute its weights from the
// shifted scores, exp((s − max s) / T), which cannot overflow; throw if a score is not finite.
void recompute_row_safely(Index i, const Eigen::Ref<const Matrix>& scores, double scale,
                          const BoolMatrix& masked, Index row_in_mask, double t,
                          Eigen::Ref<Matrix> weights)
{
    const RowVector scaled = scores.row(i) * scale;  // (m)
    double max = kNegInf;
    for (Index j = 0; j < scaled.cols(); ++j) {
        if (!std::isfinite(scaled(j)))
            throw std::invalid_argument("scores: non-finite value at row " + std::to_string(i) +
                                        ", column " + std::to_string(j) +
                                        " (the inputs are too large for double precision)");
        if (masked.size() == 0 || !masked(row_in_mask, j)) max = std::max(max, scaled(j));
    }
    double sum = 0;
    for (Index j = 0; j < scaled.cols(); ++j) {
        const bool off = masked.size() != 0 && masked(row_in_mask, j);
        weights(i, j) = off ? 0.0 : std::exp((scaled(j) - max) / t);
        sum += weights(i, j);
    }
    weights.row(i) /= sum;
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
    Vector max_buffer(kRowBlock), sum_buffer(kRowBlock);  // (block rows)

    for (Index r0 = 0; r0 < n; r0 += kRowBlock) {
        const Index b = std::min(kRowBlock, n - r0);
        auto S = scores.middleRows(r0, b);     // (b × m)
        auto L = c.logits.middleRows(r0, b);   // (b × m)
        auto W = c.weights.middleRows(r0, b);  // (b × m)

        auto mx = max_buffer.head(b);
        auto sum = sum_buffer.head(b);
        // scale / T in one factor: the logits are the only (n × m) matrix this pass writes.
        const double factor = scale / temperature;

        // The passes go a column at a time, each column a contiguous run of b rows that Eigen
        // vectorises; Eigen's rowwise() reductions would walk each row with a stride instead
        // (measured 21 ms per pass at 2048 × 2048). Pass 1: scale, temperature, mask, max.
        mx.setConstant(kNegInf);
        for (Index j = 0; j < m; ++j) {
            if (has_mask) L.col(j) = masked.col(j).segment(r0, b).select(kNegInf, S.col(j) * factor);
            else L.col(j) = S.col(j) * factor;
            mx = mx.cwiseMax(L.col(j));
        }
        // A fully masked row has max = -inf; shifting it by 0 keeps every exp at 0.
        const auto shift = (mx.array() == kNegInf).select(0.0, mx.array()).eval();
        // Pass 2: exp and row sums. Eigen's vectorised exp clamps its argument, so exp(-inf)
        // comes out as a denormal (~5e-309), not 0: masked weights are zeroed explicitly.
        sum.setZero();
        for (Index j = 0; j < m; ++j) {
            if (has_mask)
                W.col(j) = masked.col(j).segment(r0, b).select(0.0, (L.col(j).array() - shift).exp());
            else
                W.col(j) = (L.col(j).array() - shift).exp().matrix();
            sum += W.col(j);
        }

        for (Index i = 0; i < b; ++i) {
            if (mx(i) == kNegInf) {
                c.fully_masked_rows.push_back(r0 + i);
                sum(i) = 1.0;  // weights stay 0
            } else if (!std::isfinite(mx(i)) || !std::isfinite(sum(i))) {
                recompute_row_safely(i, S, scale, masked, r0 + i, temperature, W);
                sum(i) = 1.0;
            }
        }
        // Pass 3: normalise.
        const Vector inv_sum = sum.cwiseInverse();
        for (Index j = 0; j < m; ++j) W.col(j).array() *= inv_sum.array();
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
