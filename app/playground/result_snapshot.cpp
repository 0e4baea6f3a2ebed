// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/result_snapshot.hpp"

namespace attnviz::playground {

void deriveForDisplay(ResultSnapshot& s)
{
    const AttentionResult& r = s.outcome.result;
    s.scaled = r.scaled();
    s.scoresExtent = finite_extent(r.scores);
    s.scaledExtent = finite_extent(s.scaled);
    s.logitsExtent = finite_extent(r.logits, r.masked);
    s.outputExtent = finite_extent(r.output);
    s.maskedCount = r.masked.count();
}

}  // namespace attnviz::playground
