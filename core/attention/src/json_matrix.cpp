// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/json_matrix.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz {

namespace {

std::string describe(const json::Value& v)
{
    switch (v.type()) {
    case json::Value::Type::Null: return "null";
    case json::Value::Type::Bool: return "a bool";
    case json::Value::Type::Number: return "a number";
    case json::Value::Type::String: return "a string";
    case json::Value::Type::Array: return "an array";
    case json::Value::Type::Object: return "an object";
    }
    return "unknown";
}

// "1 number", "3 numbers"
std::string numbers(std::size_t n) { return std::to_string(n) + (n == 1 ? " number" : " numbers"); }

double number_at(const json::Value& v, std::string_view path, std::size_t row, std::size_t col)
{
    if (!v.is_number())
        throw std::invalid_argument(std::string(path) + ": row " + std::to_string(row) +
                                    ", column " + std::to_string(col) +
                                    ": expected a number, got " + describe(v));
    // JSON text cannot hold NaN or infinity, but a Value built in code can.
    const double d = v.as_number();
    if (!std::isfinite(d))
        throw std::invalid_argument(std::string(path) + ": row " + std::to_string(row) +
                                    ", column " + std::to_string(col) +
                                    ": expected a finite number");
    return d;
}

}  // namespace

Matrix matrix_from_json(const json::Value& value, std::string_view path)
{
    if (!value.is_array())
        throw std::invalid_argument(std::string(path) +
                                    ": expected an array of rows (arrays of numbers), got " +
                                    describe(value));
    const json::Array& rows = value.as_array();
    if (rows.empty()) return Matrix(0, 0);
    if (!rows[0].is_array())
        throw std::invalid_argument(
            std::string(path) + ": expected an array of rows (arrays of numbers), got " +
            (rows[0].is_number() ? std::string("a flat list of numbers; write [[...], ...]")
                                 : "an array holding " + describe(rows[0])));
    const std::size_t cols = rows[0].as_array().size();
    Matrix m(static_cast<Index>(rows.size()), static_cast<Index>(cols));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!rows[i].is_array())
            throw std::invalid_argument(std::string(path) + ": row " + std::to_string(i) +
                                        ": expected an array of numbers, got " +
                                        describe(rows[i]));
        const json::Array& row = rows[i].as_array();
        if (row.size() != cols)
            throw std::invalid_argument(std::string(path) + ": row " + std::to_string(i) +
                                        " has " + numbers(row.size()) + ", row 0 has " +
                                        std::to_string(cols));
        for (std::size_t j = 0; j < cols; ++j)
            m(static_cast<Index>(i), static_cast<Index>(j)) = number_at(row[j], path, i, j);
    }
    return m;
}

Matrix tensor_from_json(const json::Value& value, std::string_view path)
{
    if (value.is_number()) {
        Matrix m(1, 1);
        m(0, 0) = number_at(value, path, 0, 0);
        return m;
    }
    if (value.is_array() && !value.as_array().empty() && value.as_array()[0].is_number()) {
        const json::Array& items = value.as_array();
        Matrix m(1, static_cast<Index>(items.size()));
        for (std::size_t j = 0; j < items.size(); ++j) {
            if (items[j].is_array())
                throw std::invalid_argument(std::string(path) +
                                            ": mixes numbers and arrays (write a flat list "
                                            "for a vector, or one array per row)");
            m(0, static_cast<Index>(j)) = number_at(items[j], path, 0, j);
        }
        return m;
    }
    if (!value.is_array())
        throw std::invalid_argument(std::string(path) +
                                    ": expected a number, a list of numbers or an array of "
                                    "rows, got " + describe(value));
    return matrix_from_json(value, path);
}

json::Value matrix_to_json(const Matrix& m)
{
    json::Array rows;
    rows.reserve(static_cast<std::size_t>(m.rows()));
    for (Index i = 0; i < m.rows(); ++i) {
        json::Array row;
        row.reserve(static_cast<std::size_t>(m.cols()));
        for (Index j = 0; j < m.cols(); ++j) row.emplace_back(m(i, j));
        rows.emplace_back(std::move(row));
    }
    return json::Value(std::move(rows));
}

json::Value flat_to_json(const Matrix& m)
{
    json::Array items;
    items.reserve(static_cast<std::size_t>(m.size()));
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j) items.emplace_back(m(i, j));
    return json::Value(std::move(items));
}

}  // namespace attnviz
