// SPDX-License-Identifier: GPL-3.0-or-later
// The step inspector: scores → scaled → ÷ T and mask → softmax → output as small heatmaps side
// by side, with the operation named between each pair. Multi-head shows one map per head and
// their mean; feed-forward shows its (1 × n) weights as bars and what RepeatVector and Permute do.
#pragma once

#include "gui/panels/deferred_snapshot.hpp"
#include "playground/result_snapshot.hpp"

#include <QList>
#include <QWidget>

class QLabel;
class QHBoxLayout;
class QScrollArea;

namespace attnviz::widgets {
class BarChartWidget;
class HeatmapWidget;
}  // namespace attnviz::widgets

namespace attnviz::gui::panels {

class StepInspectorPanel : public QWidget {
    Q_OBJECT

public:
    explicit StepInspectorPanel(QWidget* parent = nullptr);

    void showResult(const playground::ResultSnapshotPtr& snapshot);
    // False while the panel's dock is a background tab: results are kept, drawn when shown.
    void setOnScreen(bool on);

    // The chain's maps by step: "scores", "scaled", "logits", "weights", "output" (hidden ones
    // included; check isVisibleTo(panel)).
    widgets::HeatmapWidget* stepMap(const QString& step) const;
    // Multi-head: one map per head, then the mean; empty for other variants.
    QList<widgets::HeatmapWidget*> headMaps() const;
    widgets::BarChartWidget* feedForwardBars() const { return ffBars_; }
    QLabel* feedForwardExplanation() const { return ffText_; }

    QSize sizeHint() const override { return {900, 300}; }

private:
    void render(const playground::ResultSnapshotPtr& snapshot);
    widgets::HeatmapWidget* addMap(QHBoxLayout* row, const QString& step);
    QLabel* addArrow(QHBoxLayout* row);
    // Both share the snapshot's matrices with the maps (no copies); hence the pointer.
    void showChain(const playground::ResultSnapshotPtr& snapshot);
    void showHeads(const playground::ResultSnapshotPtr& snapshot);
    void showFeedForward(const playground::ResultSnapshot& s);

    QLabel* header_;
    QScrollArea* scroll_;
    QWidget* chain_;
    QHBoxLayout* chainRow_;
    widgets::HeatmapWidget* scores_;
    widgets::HeatmapWidget* scaled_;
    widgets::HeatmapWidget* logits_;
    widgets::HeatmapWidget* weights_;
    widgets::HeatmapWidget* output_;
    QLabel* toScaled_;
    QLabel* toLogits_;
    QLabel* toWeights_;
    QLabel* toOutput_;
    QList<widgets::HeatmapWidget*> heads_;  // pooled: grown on demand, extra ones hidden
    int headsShown_ = 0;
    widgets::BarChartWidget* ffBars_;
    QLabel* ffText_;
    DeferredSnapshot deferred_;
};

}  // namespace attnviz::gui::panels
