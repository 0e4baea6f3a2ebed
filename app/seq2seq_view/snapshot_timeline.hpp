// SPDX-License-Identifier: GPL-3.0-or-later
// The probe sentence's alignment (target × source heatmap) at successive epochs, with a slider
// that scrubs them. While training, it follows the newest snapshot unless the user moved the
// slider back.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include <QWidget>

#include <vector>

class QLabel;
class QSlider;

namespace attnviz::widgets {
class HeatmapWidget;
}

namespace attnviz::seq2seq_view {

class SnapshotTimeline : public QWidget {
    Q_OBJECT

public:
    explicit SnapshotTimeline(QWidget* parent = nullptr);

    void clear();
    void addSnapshot(const AlignmentSnapshot& snapshot);
    int count() const { return static_cast<int>(snapshots_.size()); }
    const std::vector<AlignmentSnapshot>& snapshots() const { return snapshots_; }
    // Shows snapshot i (and moves the slider there).
    void setIndex(int i);
    int currentIndex() const { return current_; }

    QSlider* slider() const { return slider_; }
    QLabel* label() const { return label_; }
    widgets::HeatmapWidget* heatmap() const { return heatmap_; }

private:
    void show(int i);

    std::vector<AlignmentSnapshot> snapshots_;
    int current_ = -1;
    QSlider* slider_;
    QLabel* label_;
    widgets::HeatmapWidget* heatmap_;
};

}  // namespace attnviz::seq2seq_view
