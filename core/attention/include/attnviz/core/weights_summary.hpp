// SPDX-License-Identifier: GPL-3.0-or-later
// Small read-outs of attention weights for the result panels: a row's entropy and argmax, the
// terms of one output row as a weighted sum, and where two weight matrices differ most. The
// panels only draw; every number they print comes from here or from AttentionResult.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <optional>
#include <vector>

namespace attnviz {

// -Σ_j a_j ln a_j in nats, with 0 ln 0 = 0 (masked keys, weight exactly 0, add nothing).
// Non-positive and non-finite entries are skipped.
double row_entropy(const RowVector& weights);

// The entropy as a fraction of ln(n), its largest value over n keys (uniform weights). 0 when
// n < 2, where no spread is possible.
double normalised_entropy(const RowVector& weights);

// Index of the largest weight (the first one on ties); -1 for an empty row.
Index row_argmax(const RowVector& weights);

// Output row i = Σ_j a_ij v_j, split into the terms worth printing and the rest.
struct WeightedTerm {
    Index key = 0;
    double weight = 0;
};
struct WeightedSumTerms {
    std::vector<WeightedTerm> terms;  // weight >= min_weight, in key order
    Index rest_count = 0;             // keys below min_weight with a non-zero weight
    double rest_weight = 0;           // their total weight
};
WeightedSumTerms weighted_sum_terms(const RowVector& weights, double min_weight = 0.01);

struct LargestDifference {
    Index row = -1, col = -1;
    double a = 0, b = 0;  // the two values at (row, col)
    double difference() const { return a - b; }
};

// The cell where |A - B| is largest (the first in row-major order on ties); nullopt when the
// shapes differ or the matrices are empty. Non-finite cells are skipped.
std::optional<LargestDifference> largest_difference(const Matrix& A, const Matrix& B);

// The smallest and largest finite value, what an autoscaled colour map spans.
struct ValueExtent {
    double lower = 0, upper = 0;
    friend bool operator==(const ValueExtent&, const ValueExtent&) = default;
};

// Over the finite cells of `m` that `masked` (empty, or the shape of m) does not mark; nullopt
// when there is none. One pass down the columns, Eigen's storage order.
std::optional<ValueExtent> finite_extent(const Matrix& m, const BoolMatrix& masked = {});

}  // namespace attnviz
