// SPDX-License-Identifier: GPL-3.0-or-later
// What the windows call when their result or state changes: one function per event, each
// publishing the names docs/lessons.md lists into LessonState::instance(). The names live here
// and in vocabulary.cpp only; a window never spells one.
#pragma once

#include "playground/result_snapshot.hpp"
#include "seq2seq_view/seq2seq_types.hpp"

#include <QString>

#include <memory>

namespace attnviz::inspect {
class AttentionStack;
}

namespace attnviz::seq2seq_view {
class WhatIfSession;
}

namespace attnviz::transformer {
struct LabConfig;
struct LabSnapshot;
}

namespace attnviz::lessons {

// ---- the playground (MainWindow) ----
void publishPlaygroundResult(const playground::ResultSnapshotPtr& snapshot);
void publishPlaygroundFailure();

// ---- the seq2seq window ----
void publishSeq2seqOpen(bool open);  // false withdraws every seq2seq.* value
void publishSeq2seqTab(bool trainTab);
void publishSeq2seqModel(const seq2seq::LoadedModel& model, bool trainedHere);
void publishSeq2seqFormDataset(const QString& dataset);
void publishSeq2seqTraining(bool running, int epochsAsked);
void publishSeq2seqEpoch(int epoch, double loss);
void publishSeq2seqBleu(std::optional<double> bleu);
// The translation shown and its step (from 0, as the slider holds it); an inactive session
// withdraws the translation's values.
void publishSeq2seqTranslation(const seq2seq_view::WhatIfSession& session, int step);

// ---- the inspector ----
void publishInspectorOpen(bool open);
void publishInspectorFile(const std::shared_ptr<const inspect::AttentionStack>& stack);
void publishInspectorPanel(int panel);  // InspectorWindow::Panel as int

// ---- the Transformer lab ----
enum class LabStatus { Idle, Training, Paused, Done };
void publishLabOpen(bool open);  // false withdraws every lab.* value
// A run starts: its configuration (the asked steps), state training, the last run's values withdrawn.
void publishLabRunStarted(const transformer::LabConfig& config, bool compareOneLayer);
void publishLabStatus(LabStatus status);
// A snapshot of the model being trained (oneLayer: of the one-layer comparison trained after it).
void publishLabSnapshot(const std::shared_ptr<const transformer::LabSnapshot>& snapshot, bool oneLayer);
// The snapshot the timeline shows (it follows the newest unless scrubbed back).
void publishLabTimeline(const std::shared_ptr<const transformer::LabSnapshot>& snapshot);

// ---- the model window: publish_model.hpp ----

}  // namespace attnviz::lessons
