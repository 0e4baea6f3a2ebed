// SPDX-License-Identifier: GPL-3.0-or-later
// What a heatmap draws: a snapshot of results computed elsewhere. Plain data, cheap to copy:
// the matrices are shared, never duplicated (see shared_matrix.hpp).
#pragma once

#include "attnviz/core/tensor.hpp"
#include "attnviz/core/weights_summary.hpp"
#include "attnviz/widgets/shared_matrix.hpp"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace attnviz::widgets {

// A further matrix shown in the hover tooltip only, e.g. {"score", scores}.
struct HeatmapExtra {
    QString name;
    SharedMatrix values;  // same shape as HeatmapData::values (ignored otherwise)
    // When `values` is empty: the hovered cell's entry, computed on demand (multi-head heads of
    // large problems keep no scores or logits; the core computes one entry). Must be cheap and
    // keep what it reads alive (capture the snapshot).
    std::function<double(Index row, Index col)> at = {};
};

struct HeatmapData {
    SharedMatrix values;      // (rows × cols) what is coloured, e.g. the attention weights
    SharedBoolMatrix masked;  // empty, or (rows × cols) with true = masked: drawn hatched
    QStringList rowLabels;  // query tokens, row 0 drawn at the top; missing → "0", "1", …
    QStringList colLabels;  // key tokens, left to right
    // Listed in the tooltip before the value, in this order (scores, then logits, say).
    std::vector<HeatmapExtra> extras;
    // finite_extent(values, masked), when whoever made the snapshot computed it already (off
    // the GUI thread): autoscale then skips its own pass over every cell. Empty: it scans.
    std::optional<ValueExtent> extent;
    QString valueName = QStringLiteral("weight");  // colour-scale label and tooltip line
    QString title;                                  // above the map; empty for none
    QString rowAxisTitle = QStringLiteral("query");
    QString colAxisTitle = QStringLiteral("key");
};

}  // namespace attnviz::widgets
