// SPDX-License-Identifier: GPL-3.0-or-later
// Plain data that travels between the Transformer lab's parts: what the Train button starts (the
// core's LabConfig and whether a one-layer comparison follows), one snapshot as the window keeps
// it (the core's snapshot, immutable and shared, with its attention as an inspector stack and the
// grid's thumbnails rendered on the training thread), and the finished run. Everything here is
// copied into queued signals; the GUI never touches the trainer's buffers.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <optional>

namespace attnviz::transformer_lab {

// Which model a report is about: the one being trained, or the one-layer model trained after it
// on the same task, data and budget (the lesson: it stays near chance on the second copy).
enum class LabRun { Main = 0, OneLayer = 1 };

struct LabJob {
    transformer::LabConfig config;
    bool compareOneLayer = false;  // then train config with layers = 1 after the main run
};

// The comparison's configuration: the same as `config` with one layer.
transformer::LabConfig oneLayerConfig(const transformer::LabConfig& config);

using LabSnapshotPtr = std::shared_ptr<const transformer::LabSnapshot>;

struct LabFrame {
    LabRun run = LabRun::Main;
    LabSnapshotPtr snapshot;
    // The probe sequence's attention (layers × heads × n × n) viewed in place in the snapshot,
    // labelled with its tokens. Null for comparison frames (only their curves are drawn).
    std::shared_ptr<const inspect::AttentionStack> stack;
    QVector<QImage> thumbnails;  // (layers × heads) layer-major; empty for comparison frames
};

// The snapshot's attention as an inspector stack (no copy: the stack keeps the snapshot alive).
// Throws std::invalid_argument when the snapshot's sizes do not match its attention.
std::shared_ptr<const inspect::AttentionStack> attentionStackOf(const LabSnapshotPtr& snapshot);
// A frame with its stack and thumbnails made (run on the training thread: QImage only).
LabFrame makeFrame(LabRun run, LabSnapshotPtr snapshot);

struct LabRunOutcome {
    transformer::LabOutcome main;
    std::optional<transformer::LabOutcome> oneLayer;  // when the comparison ran to its end
};

// The snapshot's tokens as labels ("t3", "|", a character; a space or newline made visible).
QStringList tokenLabels(const transformer::LabSnapshot& snapshot);
// "2 layers × 4 heads, d 64, ctx 32": one line describing a configuration's model.
QString describeModel(const transformer::LabConfig& config);

}  // namespace attnviz::transformer_lab

Q_DECLARE_METATYPE(attnviz::transformer_lab::LabFrame)
Q_DECLARE_METATYPE(attnviz::transformer_lab::LabRunOutcome)
