// SPDX-License-Identifier: GPL-3.0-or-later
// Inverted dropout masks as PyTorch's nn.Dropout uses them: each entry 0 with probability p,
// else 1 / (1 − p). Drawn from attnviz::Rng, 16 bits per entry (p is quantised to 1/65536), so the
// stream is the same on every platform (it is not PyTorch's stream).
#pragma once

#include "attnviz/core/random.hpp"
#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// Fills `mask` (any shape). p in [0, 1); throws std::invalid_argument otherwise.
template <class S>
void dropout_mask(Rng& rng, double p, MRef<S> mask);

}  // namespace attnviz::nn
