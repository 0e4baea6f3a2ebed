// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/tensor.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace attnviz {

std::string shape_string(Index rows, Index cols)
{
    return std::to_string(rows) + "x" + std::to_string(cols);
}

std::string shape_string(const Matrix& m) { return shape_string(m.rows(), m.cols()); }

void require_shape(const Matrix& m, Index rows, Index cols, std::string_view name)
{
    if (m.rows() != rows || m.cols() != cols)
        throw std::invalid_argument(std::string(name) + ": expected " + shape_string(rows, cols) +
                                    ", got " + shape_string(m));
}

void require_finite(const Matrix& m, std::string_view name)
{
    if (m.allFinite()) return;
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j))) {
                std::ostringstream msg;
                msg << name << ": " << (std::isnan(m(i, j)) ? "NaN" : "infinite value")
                    << " at row " << i << ", column " << j << " (every entry must be finite)";
                throw std::invalid_argument(msg.str());
            }
}

void require_nonempty(const Matrix& m, std::string_view name)
{
    if (m.rows() == 0 || m.cols() == 0)
        throw std::invalid_argument(std::string(name) + ": expected at least 1x1, got " +
                                    shape_string(m));
}

}  // namespace attnviz
