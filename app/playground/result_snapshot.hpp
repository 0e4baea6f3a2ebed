// SPDX-License-Identifier: GPL-3.0-or-later
// One finished computation, as the window receives it: an immutable value shared by pointer,
// so it crosses threads and queued connections without copies and nobody can alter what
// another panel is drawing.
#pragma once

#include "attnviz/core/session.hpp"
#include "attnviz/core/weights_summary.hpp"

#include <QMetaType>

#include <cstdint>
#include <memory>
#include <optional>

namespace attnviz::playground {

struct ResultSnapshot {
    Session session;         // exactly what was computed (a copy taken at request time)
    ComputeOutcome outcome;  // result, and the parameters used
    double elapsedMs = 0;    // compute time alone, without the thread hop
    std::uint64_t generation = 0;  // increases with every request; later = newer
    bool onWorker = false;   // computed off the GUI thread

    // What the panels draw besides the result itself, derived where the result was computed
    // (on the worker for large problems) by deriveForDisplay(): a panel never makes a pass
    // over n_q × n_k cells on the GUI thread, which at 2048² would cost a frame per matrix.
    Matrix scaled;                         // (n_q × n_k) scores × scale; empty when scale is 1
    std::optional<ValueExtent> scoresExtent, scaledExtent, logitsExtent, outputExtent;
    Index maskedCount = 0;                 // cells of outcome.result.masked that are true
};

// Fills the derived fields above from s.outcome.result.
void deriveForDisplay(ResultSnapshot& s);

using ResultSnapshotPtr = std::shared_ptr<const ResultSnapshot>;

}  // namespace attnviz::playground

Q_DECLARE_METATYPE(attnviz::playground::ResultSnapshotPtr)
