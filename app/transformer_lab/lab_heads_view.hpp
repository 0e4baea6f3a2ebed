// SPDX-License-Identifier: GPL-3.0-or-later
// The probe sequence's attention in one snapshot: every layer × head as a thumbnail (the
// inspector's grid widget, thumbnails rendered on the training thread) and, beside it, the head
// the user clicked as a zoomable heatmap labelled with the probe's tokens (the inspector's
// heatmap widget, viewing the snapshot's floats in place).
#pragma once

#include "transformer_lab/lab_types.hpp"

#include <QWidget>

class QLabel;
class QScrollArea;

namespace attnviz::widgets {
class ThumbnailGridWidget;
class ZoomableHeatmapWidget;
}  // namespace attnviz::widgets

namespace attnviz::transformer_lab {

class LabHeadsView : public QWidget {
    Q_OBJECT

public:
    explicit LabHeadsView(QWidget* parent = nullptr);

    void clear();
    // Draws the frame's grid, and its map of the open head (if any).
    void showFrame(const LabFrame& frame);
    // Opens (layer, head) in the heatmap; false when the frame has no such head.
    bool openHead(int layer, int head);
    int openLayer() const { return layer_; }
    int openHeadIndex() const { return head_; }
    const LabFrame& frame() const { return frame_; }

    widgets::ThumbnailGridWidget* grid() const { return grid_; }
    widgets::ZoomableHeatmapWidget* heatmap() const { return heatmap_; }
    QLabel* caption() const { return caption_; }

signals:
    void headOpened(int layer, int head);

private:
    void showOpenHead();

    LabFrame frame_;
    int layer_ = -1, head_ = -1;
    QLabel* caption_;
    QScrollArea* scroll_;
    widgets::ThumbnailGridWidget* grid_;
    widgets::ZoomableHeatmapWidget* heatmap_;
};

}  // namespace attnviz::transformer_lab
