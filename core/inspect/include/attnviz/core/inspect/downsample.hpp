// SPDX-License-Identifier: GPL-3.0-or-later
// Shrinking a head's weights to the pixels that show it: thumbnails of the model view and the
// visible part of the zoomable heatmap. Block averaging keeps every cell's contribution (a thin
// diagonal stays visible at 1/8 scale), where picking every k-th cell would drop it.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/tensor.hpp"

namespace attnviz::inspect {

// A rectangle of cells: rows [row, row + rows) and columns [col, col + cols).
struct CellRegion {
    Index row = 0, col = 0, rows = 0, cols = 0;
};

// The source interval [first, last) that output cell `k` of `out` covers when `n` source cells
// are spread over `out` output cells: [floor(k·n/out), floor((k+1)·n/out)), widened to one cell
// when out > n (enlarging repeats cells). Every source cell belongs to exactly one output cell
// when out <= n.
struct Span {
    Index first, last;
};
Span block_span(Index k, Index n, Index out);

// (out_rows × out_cols): output cell (r, c) is the mean of the cells of `region` of `m`
// (n_q × n_k) that fall into block (r, c). `region` must lie inside m and the output sizes must
// be at least 1; throws std::invalid_argument otherwise.
FloatMatrix block_average(const HeadMap& m, CellRegion region, Index out_rows, Index out_cols);
// The whole matrix.
FloatMatrix block_average(const HeadMap& m, Index out_rows, Index out_cols);

// A HeadView over a float copy of `m` (n_q × n_k), for aggregates (which are computed in
// double) shown by the same code as heads; the copy is owned by the view.
HeadView float_view(const Matrix& m);

// The smallest and largest finite value of `m` (0 and 1 when it has none, e.g. empty).
struct ValueRange {
    float lo = 0, hi = 1;
};
ValueRange value_range(const HeadMap& m);

}  // namespace attnviz::inspect
