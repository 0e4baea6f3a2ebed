// SPDX-License-Identifier: GPL-3.0-or-later
// The model window's values for the lessons (model.*, docs/lessons.md), published from what the
// window already exposes: its runShown signal with lastOutcome() and plainOutcome() (a run the
// window shows, plain or with heads switched off), modelOpened, and its destruction. The
// Ablation dock runs its comparisons on private runners; each comparison it shows
// (AblationPanel::ablationShown) is published too.
// The names live here and in vocabulary.cpp only.
#pragma once

#include <memory>

namespace attnviz::model_view {
class ModelWindow;
struct OpenedModel;
struct RunOutcome;
}  // namespace attnviz::model_view

namespace attnviz::lessons {

// Publishes model.open now and connects the window (called where the window is made). The
// window's destruction withdraws every model.* value.
void connectModelWindow(model_view::ModelWindow* window);

void publishModelOpen(bool open);
void publishModelLoaded(const model_view::OpenedModel& model);
// A run shown: its input, its top K, the heads it switched off; `plain` is the window's latest
// run without interventions (null: none), for model.plain_top1 and model.top1_changed.
void publishModelOutcome(const std::shared_ptr<const model_view::RunOutcome>& outcome,
                         const std::shared_ptr<const model_view::RunOutcome>& plain);

}  // namespace attnviz::lessons
