// SPDX-License-Identifier: GPL-3.0-or-later
// Independent reference implementations: plain loops straight from the formulas, no Eigen
// expressions, no shared helpers with the core. Slow on purpose; used only to check the core.
#pragma once

#include "attnviz/core/attention.hpp"
#include "attnviz/core/parameters.hpp"

namespace naive {

struct Result {
    attnviz::Matrix scores;   // (n_q × n_k) raw
    attnviz::Matrix weights;  // (n_q × n_k)
    attnviz::Matrix output;   // (n_q × d_out)
};

// masked: (n_q × n_k) true = masked, built by the test itself.
Result attention(attnviz::Variant v, const attnviz::Matrix& Q, const attnviz::Matrix& K,
                 const attnviz::Matrix& V, const attnviz::Parameters& p,
                 const attnviz::BoolMatrix& masked, double temperature);

}  // namespace naive
