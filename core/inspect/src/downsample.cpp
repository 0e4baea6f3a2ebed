// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/downsample.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::inspect {

Span block_span(Index k, Index n, Index out)
{
    Index first = k * n / out;
    Index last = (k + 1) * n / out;
    if (last <= first) last = first + 1;  // enlarging: one source cell per output cell
    return {std::min(first, n - 1), std::min(last, n)};
}

FloatMatrix block_average(const HeadMap& m, CellRegion region, Index out_rows, Index out_cols)
{
    if (region.row < 0 || region.col < 0 || region.rows < 1 || region.cols < 1 ||
        region.row + region.rows > m.rows() || region.col + region.cols > m.cols())
        throw std::invalid_argument("block_average: region " + std::to_string(region.rows) + "x" +
                                    std::to_string(region.cols) + " at (" + std::to_string(region.row) +
                                    ", " + std::to_string(region.col) + ") is not inside the " +
                                    std::to_string(m.rows()) + "x" + std::to_string(m.cols()) + " matrix");
    if (out_rows < 1 || out_cols < 1)
        throw std::invalid_argument("block_average: the output needs at least one row and column");

    // Each output column's first source column and width: blocks are contiguous, so the inner
    // loop is one add per source cell whatever the ratio.
    std::vector<float> column_width(static_cast<std::size_t>(out_cols), 0.f);
    std::vector<Index> out_first(static_cast<std::size_t>(out_cols));
    for (Index c = 0; c < out_cols; ++c) {
        const Span s = block_span(c, region.cols, out_cols);
        out_first[static_cast<std::size_t>(c)] = s.first;
        column_width[static_cast<std::size_t>(c)] = static_cast<float>(s.last - s.first);
    }
    const bool enlarging_cols = out_cols > region.cols;

    FloatMatrix out(out_rows, out_cols);
    std::vector<double> sums(static_cast<std::size_t>(out_cols));
    for (Index r = 0; r < out_rows; ++r) {
        const Span rows = block_span(r, region.rows, out_rows);
        std::fill(sums.begin(), sums.end(), 0.0);
        for (Index i = rows.first; i < rows.last; ++i) {
            const Index src_row = region.row + i;
            if (enlarging_cols) {
                for (Index c = 0; c < out_cols; ++c)
                    sums[static_cast<std::size_t>(c)] += m(src_row, region.col + out_first[static_cast<std::size_t>(c)]);
            } else {
                // Row sums per block in float (≤ a few thousand terms of [0, 1]), then double.
                for (Index c = 0; c < out_cols; ++c) {
                    const Span s{out_first[static_cast<std::size_t>(c)],
                                 out_first[static_cast<std::size_t>(c)] + static_cast<Index>(column_width[static_cast<std::size_t>(c)])};
                    float acc = 0.f;
                    for (Index j = s.first; j < s.last; ++j) acc += m(src_row, region.col + j);
                    sums[static_cast<std::size_t>(c)] += acc;
                }
            }
        }
        const double row_count = static_cast<double>(rows.last - rows.first);
        for (Index c = 0; c < out_cols; ++c) {
            const double width = enlarging_cols ? 1.0 : column_width[static_cast<std::size_t>(c)];
            out(r, c) = static_cast<float>(sums[static_cast<std::size_t>(c)] / (row_count * width));
        }
    }
    return out;
}

FloatMatrix block_average(const HeadMap& m, Index out_rows, Index out_cols)
{
    return block_average(m, CellRegion{0, 0, m.rows(), m.cols()}, out_rows, out_cols);
}

HeadView float_view(const Matrix& m)
{
    auto copy = std::make_shared<FloatMatrix>(m.cast<float>());
    const HeadMap map(copy->data(), copy->rows(), copy->cols(),
                      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(copy->cols(), 1));
    return HeadView(std::shared_ptr<const void>(copy, copy.get()), map, false);
}

ValueRange value_range(const HeadMap& m)
{
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j) {
            const float v = m(i, j);
            if (!std::isfinite(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (lo > hi) return {};
    return {lo, hi};
}

}  // namespace attnviz::inspect
