// SPDX-License-Identifier: GPL-3.0-or-later
// One finished computation, as the window receives it: an immutable value shared by pointer,
// so it crosses threads and queued connections without copies and nobody can alter what
// another panel is drawing.
#pragma once

#include "attnviz/core/session.hpp"

#include <QMetaType>

#include <cstdint>
#include <memory>

namespace attnviz::playground {

struct ResultSnapshot {
    Session session;         // exactly what was computed (a copy taken at request time)
    ComputeOutcome outcome;  // result, and the parameters used
    double elapsedMs = 0;    // compute time alone, without the thread hop
    std::uint64_t generation = 0;  // increases with every request; later = newer
    bool onWorker = false;   // computed off the GUI thread
};

using ResultSnapshotPtr = std::shared_ptr<const ResultSnapshot>;

}  // namespace attnviz::playground

Q_DECLARE_METATYPE(attnviz::playground::ResultSnapshotPtr)
