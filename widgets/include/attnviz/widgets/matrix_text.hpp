// SPDX-License-Identifier: GPL-3.0-or-later
// Matrices to and from text: what a user pastes from a spreadsheet, a CSV file or numpy, and
// what we put on the clipboard. Pure functions, so they are tested without any widget.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <QString>

#include <optional>

namespace attnviz::widgets {

// Either a matrix or a message naming what is wrong (std::expected is C++23; we are on C++20).
struct MatrixParseResult {
    std::optional<Matrix> matrix;
    QString error;  // empty exactly when `matrix` holds a value

    bool ok() const { return matrix.has_value(); }
};

// Accepts, after trimming surrounding blank space:
//   * TSV as copied from a spreadsheet ("1\t2\n3\t4", a trailing newline or not);
//   * CSV ("1,2\n3,4"), also ';'-separated, with or without "quoted" fields;
//   * whitespace-separated columns ("1 2\n3 4");
//   * numpy/Python/PyTorch printing: "[[1. 2.]\n [3. 4.]]", "[[1, 2], [3, 4]]", "[1 2 3]" (one
//     row), "array([[1., 2.]], dtype=float32)", "tensor([[1., 2.]])"; long numpy rows that
//     wrap onto several lines inside one bracket stay one row.
// A decimal comma ("1,5") is accepted in TSV and ';' text, where it cannot be a separator.
// Every value must be a finite number and every row must have the same length; otherwise the
// error names the row and column (1-based, as a user counts) and the offending text.
MatrixParseResult parseMatrixText(const QString& text);

// A single cell as typed by the user: trimmed, '−' (U+2212) read as '-'. nullopt unless finite.
std::optional<double> parseNumber(const QString& text);

// The shortest text that reads back to exactly `value` ("0.1", "1e-09", "-3").
QString formatNumber(double value);

// Tab-separated rows ending in '\n', values as formatNumber: what spreadsheets paste.
QString matrixToTsv(const Matrix& m);

}  // namespace attnviz::widgets
