// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/result_snapshot.hpp"

namespace attnviz::playground {

void deriveForDisplay(ResultSnapshot& s)
{
    const AttentionResult& r = s.outcome.result;
    s.scoresExtent = finite_extent(r.scores);
    // Only a variant that scales has a "scaled" step to draw: the others would copy the
    // scores (32 MB at 2048²) for nothing.
    if (r.scale != 1.0) {
        s.scaled = r.scaled();
        s.scaledExtent = finite_extent(s.scaled);
    }
    s.logitsExtent = finite_extent(r.logits, r.masked);
    s.outputExtent = finite_extent(r.output);
    s.maskedCount = r.masked.count();
}

}  // namespace attnviz::playground
