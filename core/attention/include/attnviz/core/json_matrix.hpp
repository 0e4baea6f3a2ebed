// SPDX-License-Identifier: GPL-3.0-or-later
// Matrices to and from JSON nested arrays (row = inner array), for every file format that
// stores tensors as text. Error messages start with the caller's JSON path.
#pragma once

#include "attnviz/core/json.hpp"
#include "attnviz/core/tensor.hpp"

#include <string_view>

namespace attnviz {

// [[1, 2], [3, 4]] → (2 × 2). [] → (0 × 0); [[], []] → (2 × 0). Every row must hold the same
// count of finite numbers. Throws std::invalid_argument such as
// "queries: row 2 has 3 numbers, row 0 has 4" or "keys: row 1, column 0: expected a number,
// got a string", prefixed by `path`.
Matrix matrix_from_json(const json::Value& value, std::string_view path);

// As matrix_from_json, but also takes what a parameter file may hold for a vector or scalar:
// a flat list [1, 2, 3] → (1 × 3), and a number 0.5 → (1 × 1).
Matrix tensor_from_json(const json::Value& value, std::string_view path);

// (r × c) → r arrays of c numbers; (0 × c) → []. Non-finite entries are written as null by
// json::dump.
json::Value matrix_to_json(const Matrix& m);

// Every entry of `m` in row-major order as one flat list: a (1 × n) bias reads as [b0, b1, ...].
json::Value flat_to_json(const Matrix& m);

}  // namespace attnviz
