// SPDX-License-Identifier: GPL-3.0-or-later
// Matrix types and entry checks shared by every core module.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <string_view>

namespace attnviz {

// Row = token everywhere. The attention playground works in double precision: it exists to be
// exact and to be checked against hand-computed numbers, and its matrices are small.
using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using RowVector = Eigen::RowVectorXd;
using Index = Eigen::Index;
// true = masked (excluded from the softmax), the TensorFlow tutorial's convention.
using BoolMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

// "8x4"
std::string shape_string(Index rows, Index cols);
std::string shape_string(const Matrix& m);

// Throws std::invalid_argument("W_q: expected 8x4, got 8x3").
void require_shape(const Matrix& m, Index rows, Index cols, std::string_view name);
// Throws std::invalid_argument naming the tensor, the value and its row and column.
void require_finite(const Matrix& m, std::string_view name);
// Throws std::invalid_argument unless `m` has at least one row and one column.
void require_nonempty(const Matrix& m, std::string_view name);

}  // namespace attnviz
