// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/types.hpp"

#include <stdexcept>

namespace attnviz::nn {

void require_dims(Eigen::Index rows, Eigen::Index cols, Eigen::Index want_rows, Eigen::Index want_cols,
                  std::string_view what, std::string_view suffix)
{
    if (rows != want_rows || cols != want_cols)
        throw std::invalid_argument(std::string(what) + std::string(suffix) + ": expected " + std::to_string(want_rows) + "x" +
                                    std::to_string(want_cols) + ", got " + std::to_string(rows) + "x" +
                                    std::to_string(cols));
}

}  // namespace attnviz::nn
