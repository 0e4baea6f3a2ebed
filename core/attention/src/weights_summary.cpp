// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/weights_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnviz {

double row_entropy(const RowVector& weights)
{
    double h = 0;
    for (Index j = 0; j < weights.size(); ++j) {
        const double a = weights(j);
        if (a > 0 && std::isfinite(a)) h -= a * std::log(a);
    }
    // Rounding can leave -1e-17 for a one-hot row; an entropy is never negative.
    return h > 0 ? h : 0.0;
}

double normalised_entropy(const RowVector& weights)
{
    if (weights.size() < 2) return 0.0;
    return row_entropy(weights) / std::log(static_cast<double>(weights.size()));
}

Index row_argmax(const RowVector& weights)
{
    Index best = -1;
    for (Index j = 0; j < weights.size(); ++j)
        if (best < 0 || weights(j) > weights(best)) best = j;
    return best;
}

WeightedSumTerms weighted_sum_terms(const RowVector& weights, double min_weight)
{
    WeightedSumTerms out;
    for (Index j = 0; j < weights.size(); ++j) {
        const double a = weights(j);
        if (a >= min_weight) {
            out.terms.push_back({j, a});
        } else if (a != 0) {
            ++out.rest_count;
            out.rest_weight += a;
        }
    }
    return out;
}

std::optional<LargestDifference> largest_difference(const Matrix& A, const Matrix& B)
{
    if (A.rows() != B.rows() || A.cols() != B.cols() || A.size() == 0) return std::nullopt;
    std::optional<LargestDifference> best;
    double bestAbs = -1;
    for (Index i = 0; i < A.rows(); ++i)
        for (Index j = 0; j < A.cols(); ++j) {
            const double d = std::abs(A(i, j) - B(i, j));
            if (!std::isfinite(d)) continue;
            if (d > bestAbs) {
                bestAbs = d;
                best = LargestDifference{i, j, A(i, j), B(i, j)};
            }
        }
    return best;
}

std::optional<ValueExtent> finite_extent(const Matrix& m, const BoolMatrix& masked)
{
    const bool hasMask = masked.rows() == m.rows() && masked.cols() == m.cols() && masked.size() != 0;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (Index c = 0; c < m.cols(); ++c)
        for (Index r = 0; r < m.rows(); ++r) {
            const double x = m(r, c);
            // isfinite as a range test, which compilers vectorise: NaN fails both comparisons.
            if (!(x > -std::numeric_limits<double>::infinity() && x < std::numeric_limits<double>::infinity()))
                continue;
            if (hasMask && masked(r, c)) continue;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    if (lo > hi) return std::nullopt;
    return ValueExtent{lo, hi};
}

}  // namespace attnviz
