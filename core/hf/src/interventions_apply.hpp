// SPDX-License-Identifier: GPL-3.0-or-later
// The families call this between their attention and their output projection.
#pragma once

#include "architecture.hpp"

namespace attnviz::hf {

// Rewrites s.context's (n × head_dim) slices of layer `layer`'s heads named in s.ablations.
void ablate_heads(int layer, Eigen::Index head_dim, ForwardState& s);

}  // namespace attnviz::hf
