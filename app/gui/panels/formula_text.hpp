// SPDX-License-Identifier: GPL-3.0-or-later
// The current variant's formula as rich text, with the snapshot's shapes filled in.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QString>

namespace attnviz::gui::panels {

// ---- the one per-variant table of the GUI --------------------------------------------------
// Everything else the panels branch on is a core fact (variant_traits, ParameterSpec): a new
// variant adds its texts here and nowhere else in the GUI.
struct VariantTexts {
    QString scores;       // the scores step, short ("QKᵀ", "tanh(w·k + b)")
    QString scaledBy;     // what a scaling variant divides by, HTML ("√d<sub>k</sub>")
    QString pooledTitle;  // a single-row (pooling) variant's bar chart title
    QString pooledHtml;   // and its explanation beside the bars; %1 = n_k, %2 = d_v
};
VariantTexts variantTexts(Variant variant);

// HTML (Unicode math, <sub>/<sup>) for the snapshot's variant: the formula, the sizes it ran
// with (n_q, n_k, d_k, d_v, h, H, √d_k), the temperature and a one-line mask summary.
QString formulaHtml(const playground::ResultSnapshot& snapshot);

// "none", "causal", "valid length 2", "explicit (3 cells)", or several joined by " + "; then
// how many of the n_q × n_k cells ended up masked.
QString maskSummary(const playground::ResultSnapshot& snapshot);

}  // namespace attnviz::gui::panels
