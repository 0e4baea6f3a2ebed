// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's curves over training, in one QCustomPlot with two stacked axis rects that share the
// step axis (same range, same left margin), so the phase change is one picture:
//   top     the loss (left axis) and the probe accuracy (right axis, 0 … 1) of the model being
//           trained, and, dashed, those of the one-layer comparison when it ran;
//   bottom  one line per layer × head of the chosen metric (previous-token score, induction
//           score, first-token share, entropy; the core measures them on the probe batch).
// A vertical marker on both shows the snapshot the timeline scrubbed to. Draws what it is given;
// the core computes every number.
#pragma once

#include "transformer_lab/lab_types.hpp"

#include <QWidget>

#include <vector>

class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPLegend;
class QCustomPlot;
class QLabel;

namespace attnviz::transformer_lab {

class LabCurves : public QWidget {
    Q_OBJECT

public:
    enum class Metric { PreviousToken = 0, Induction = 1, FirstToken = 2, Entropy = 3 };

    explicit LabCurves(QWidget* parent = nullptr);
    ~LabCurves() override;

    void clear();
    // Fixes the step axis to [0, steps] so the curves grow from the left.
    void setTotalSteps(long long steps);
    // Appends the snapshot's loss, accuracy and (main run) per-head metrics.
    void addSnapshot(LabRun run, const transformer::LabSnapshot& snapshot);
    void setMetric(Metric metric);
    Metric metric() const { return metric_; }
    // The marker at `step` on both plots; a negative step hides it.
    void setMarker(long long step);
    double markerStep() const;
    bool markerVisible() const;
    // Draws this head's line thicker (the head open in the heatmap); -1 for none.
    void highlightHead(int layer, int head);

    int pointCount(LabRun run) const;
    int headLineCount() const { return static_cast<int>(headGraphs_.size()); }
    QCPGraph* lossGraph(LabRun run) const;
    QCPGraph* accuracyGraph(LabRun run) const;
    // The chosen metric's line of (layer, head), or null.
    QCPGraph* headGraph(int layer, int head) const;
    QCPAxisRect* lossRect() const { return lossRect_; }
    QCPAxisRect* metricRect() const { return metricRect_; }
    QCustomPlot* plot() const { return plot_; }
    QComboBox* metricCombo() const { return metricCombo_; }
    // Lays out and draws now (tests, screenshots).
    void replotNow();

    static double metricValue(const transformer::HeadMetrics& m, Metric metric);

    QSize sizeHint() const override { return {640, 420}; }
    QSize minimumSizeHint() const override { return {320, 260}; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildHeadGraphs();
    void rescaleMetricAxis();
    void styleLegends();

    QCustomPlot* plot_;
    QComboBox* metricCombo_;
    QLabel* hint_;
    QCPAxisRect *lossRect_, *metricRect_;
    QCPLegend *lossLegend_, *metricLegend_;
    QCPGraph *loss_[2], *accuracy_[2];
    QCPItemStraightLine *lossMarker_, *metricMarker_;
    std::vector<QCPGraph*> headGraphs_;  // (layers × heads) layer-major
    Metric metric_ = Metric::Induction;
    long long totalSteps_ = 1;
    double maxLoss_ = 0.0;
    int layers_ = 0, heads_ = 0;
    int highlightLayer_ = -1, highlightHead_ = -1;
    // The main run's metric history, kept so that switching the metric redraws every point.
    std::vector<long long> steps_;
    std::vector<std::vector<transformer::HeadMetrics>> metrics_;
};

}  // namespace attnviz::transformer_lab
