// SPDX-License-Identifier: GPL-3.0-or-later
// The model view: every head of every layer as a small heatmap, layers as rows and heads as
// columns, so head types (diagonal, previous-token, first-token, diffuse) are seen at a glance.
// Draws ready-made images only (computed off the GUI thread by the inspector's loader); a click
// asks for that head in the heatmap view.
#pragma once

#include "attnviz/widgets/inspector/view_export.hpp"

#include <QImage>
#include <QVector>
#include <QWidget>

namespace attnviz::widgets {

class ThumbnailGridWidget : public QWidget, public ExportableView {
    Q_OBJECT

public:
    explicit ThumbnailGridWidget(QWidget* parent = nullptr);

    // `images`: layers × heads entries, layer-major (entry l·heads + h).
    void setThumbnails(int layers, int heads, QVector<QImage> images);
    void clear() { setThumbnails(0, 0, {}); }
    int layerCount() const { return m_layers; }
    int headCount() const { return m_heads; }
    int thumbnailCount() const { return static_cast<int>(m_images.size()); }
    const QImage& thumbnail(int layer, int head) const { return m_images[layer * m_heads + head]; }
    // Highlighted with a frame (the head shown in the heatmap view); -1 for none.
    void setCurrent(int layer, int head);

    // Where head (layer, head) is drawn in widget pixels, and the head under a pixel.
    QRect cellRect(int layer, int head) const;
    bool headAt(QPoint pixel, int* layer, int* head) const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;
    void paintExport(QPainter& painter, QSize size) const override;

signals:
    void headClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;  // tooltips name the head under the cursor

private:
    struct Grid {
        int left, top, cell, gap;
    };
    Grid gridFor(QSize size) const;
    void paintAll(QPainter& painter, QSize size) const;

    int m_layers = 0, m_heads = 0;
    QVector<QImage> m_images;
    int m_currentLayer = -1, m_currentHead = -1;
};

}  // namespace attnviz::widgets
