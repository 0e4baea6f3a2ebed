// SPDX-License-Identifier: GPL-3.0-or-later
// The compare panel's second configuration: the same inputs run with another variant or
// temperature, plus the difference read-outs. No widgets here, so tests call it directly.
#pragma once

#include "playground/result_snapshot.hpp"

#include "attnviz/core/weights_summary.hpp"

#include <QString>

#include <optional>

namespace attnviz::gui::panels {

// Larger comparisons are skipped: they run on the GUI thread at every edit.
inline constexpr Index kMaxCompareCells = Index{512} * 512;

struct CompareSettings {
    std::optional<Variant> variant;  // nullopt: the same variant as A
    double temperature = 1.0;
};

struct Comparison {
    std::shared_ptr<playground::ResultSnapshot> b;  // null when skipped or failed
    QString message;                                 // why there is no B, or why no difference
    Matrix difference;                               // A − B weights, empty when shapes differ
    std::optional<LargestDifference> largest;
};

// Runs B on a copy of A's session. A variant change drops A's parameters (they have another
// variant's names and shapes) and generates B's from the session's hyper-parameters. Never
// throws: a core error becomes `message`.
Comparison compareWith(const playground::ResultSnapshot& a, const CompareSettings& settings);

// "Largest difference: query “it”, key “animal”: 0.62 (A) vs 0.05 (B)", or a note when the
// weights are equal or cannot be compared.
QString largestDifferenceSentence(const playground::ResultSnapshot& a, const Comparison& c);

}  // namespace attnviz::gui::panels
