// SPDX-License-Identifier: GPL-3.0-or-later
// Initialisers, drawn from attnviz::Rng (the values are not PyTorch's, the distributions are).
#pragma once

#include "attnviz/core/random.hpp"
#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// nn.init.xavier_uniform_: U(−a, a), a = √(6 / (fan_in + fan_out)), fan_in = cols, fan_out = rows.
template <class S>
void xavier_uniform(Mat<S>& w, Rng& rng);
// U(−a, a), PyTorch's default for GRU weights and biases and Linear biases (a = 1/√fan_in).
template <class S>
void uniform_fill(Mat<S>& w, Rng& rng, double a);
// N(0, 1), PyTorch's default for nn.Embedding.
template <class S>
void normal_fill(Mat<S>& w, Rng& rng);

}  // namespace attnviz::nn
