// SPDX-License-Identifier: GPL-3.0-or-later
// What the ablation panel switches off (a set of heads and one mode), and its comparison: a
// candidate token's probability before and after, over the union of both runs' top K.
#pragma once

#include "attnviz/core/hf/model.hpp"

#include <QString>

#include <utility>
#include <vector>

namespace attnviz::model_view {

// The heads switched off and how; heads sorted, each once.
struct AblationSet {
    std::vector<std::pair<int, int>> heads;  // (layer, head)
    hf::AblationMode mode = hf::AblationMode::Zero;
    bool contains(int layer, int head) const;
    std::vector<hf::HeadAblation> ablations() const;
    QString describe() const;  // "1.0, 1.1 (zero)"
    friend bool operator==(const AblationSet&, const AblationSet&) = default;
};

// One row of the comparison: a candidate token's probability before and after.
struct AblationRow {
    int id = 0;
    double before = 0.0, after = 0.0;
};
// The union of the top `k` of `before` and of `after` (each sorted by probability, covering the
// whole vocabulary), sorted by probability before (ties by id). Ids missing from a list count 0.
std::vector<AblationRow> compareTopK(const std::vector<hf::TopToken>& before,
                                     const std::vector<hf::TopToken>& after, int k);

// "zero" or "mean".
QString ablationModeName(hf::AblationMode mode);

}  // namespace attnviz::model_view
