// SPDX-License-Identifier: GPL-3.0-or-later
// An attention stack over float32 values already in memory (a model run), laid out as a file's
// would be: (layers, heads, n_q, n_k) row-major. The inspector's views take it unchanged.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"

#include <memory>
#include <string>
#include <vector>

namespace attnviz::inspect {

// Throws std::invalid_argument naming `name` when a size is < 1 or `values` does not hold
// layers·heads·n_q·n_k floats. `values` is kept alive by the layout (no copy).
StackLayout memory_stack_layout(std::shared_ptr<const std::vector<float>> values, Index layers, Index heads,
                                Index query_count, Index key_count, std::string name);

}  // namespace attnviz::inspect
