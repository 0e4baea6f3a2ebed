// SPDX-License-Identifier: GPL-3.0-or-later
// The current variant's formula as rich text, with the snapshot's shapes filled in.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QString>

namespace attnviz::gui::panels {

// HTML (Unicode math, <sub>/<sup>) for the snapshot's variant: the formula, the sizes it ran
// with (n_q, n_k, d_k, d_v, h, H, √d_k), the temperature and a one-line mask summary.
QString formulaHtml(const playground::ResultSnapshot& snapshot);

// "none", "causal", "valid length 2", "explicit (3 cells)", or several joined by " + "; then
// how many of the n_q × n_k cells ended up masked.
QString maskSummary(const playground::ResultSnapshot& snapshot);

}  // namespace attnviz::gui::panels
