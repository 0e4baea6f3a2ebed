// SPDX-License-Identifier: GPL-3.0-or-later
// A heatmap of one (n_q × n_k) float matrix that zooms and pans without copying it: each paint
// block-averages only the visible cells down to at most one value per pixel (core
// inspect::block_average) and colours that small image, so a 4096 × 4096 head costs 64 MB of
// page cache and a screenful of pixels, not a 128 MB double copy.
//
// Mouse: the wheel zooms about the cursor, a drag pans, Shift+drag (or any drag in rubber-band
// mode) zooms to the selected cells, a double click resets. Hover reports the query token, the
// key token and the value. Token labels appear when the cells are tall/wide enough for text and
// are thinned to every k-th label otherwise.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/widgets/colormaps.hpp"
#include "attnviz/widgets/inspector/colormap_image.hpp"
#include "attnviz/widgets/inspector/view_export.hpp"

#include <QImage>
#include <QPoint>
#include <QRectF>
#include <QStringList>
#include <QWidget>

#include <optional>

namespace attnviz::widgets {

class ZoomableHeatmapWidget : public QWidget, public ExportableView {
    Q_OBJECT

public:
    explicit ZoomableHeatmapWidget(QWidget* parent = nullptr);

    // `values` (n_q × n_k); `rowLabels` name the queries (n_q), `columnLabels` the keys (n_k).
    // The colour range is the data's [min, max]. The zoom is kept when the shape is unchanged
    // (switching heads keeps the region being studied), else reset to the whole matrix.
    void setData(inspect::HeadView values, QStringList rowLabels, QStringList columnLabels);
    void clear();
    bool hasData() const { return m_values.has_value(); }
    const inspect::HeadView* values() const { return m_values ? &*m_values : nullptr; }
    void setTitle(const QString& title);
    QString title() const { return m_title; }
    void setColormap(Colormap c);
    float rangeLow() const { return m_lo; }
    float rangeHigh() const { return m_hi; }

    // The visible part in cell coordinates: x = key (column), y = query (row); the whole matrix
    // is (0, 0, n_k, n_q).
    QRectF visibleRange() const { return m_view; }
    void setVisibleRange(QRectF cells);
    void resetZoom();
    // Zooms by `factor` (> 1 enlarges) keeping the cell under `pixel` in place.
    void zoomAt(QPointF pixel, double factor);
    void panByPixels(QPointF delta);
    // Shift+drag is always a rubber band; with this on, a plain drag is one too.
    void setRubberBandMode(bool on) { m_rubberBandMode = on; }
    bool rubberBandMode() const { return m_rubberBandMode; }

    // Where the cells are drawn, in widget pixels.
    QRect plotRect() const { return layoutFor(size()).plot; }
    // The (row, column) under a widget pixel, if any; and that pixel for a cell's centre.
    std::optional<QPoint> cellAt(QPointF pixel) const;  // QPoint(column, row)
    QPointF pixelOfCell(int row, int column) const;
    // Labels drawn now: every k-th row / column label (k = 1 when all fit).
    int rowLabelStep() const;
    int columnLabelStep() const;
    QList<int> shownRowLabels() const;
    QList<int> shownColumnLabels() const;
    // "query “cat” → key “the”: 0.213" for a cell.
    QString describeCell(int row, int column) const;
    // The text drawn for a row's (a column's) token label: whole when it fits the label margin
    // (kept up to 100 px for rows, 80 px for columns), else elided with "…".
    QString rowLabelText(int row) const;
    QString columnLabelText(int column) const;

    // Renders the visible region into the cache now (benchmarks and tests time this).
    void renderNow();
    void paintExport(QPainter& painter, QSize size) const override;

signals:
    void cellHovered(int row, int column, float value);
    void hoverLeft();
    void visibleRangeChanged(QRectF cells);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new font re-measures the label margins

private:
    struct Layout {
        QRect title, plot, legend;
    };
    Layout layoutFor(QSize size) const;
    QRectF clampView(QRectF v) const;
    QSizeF dataSize() const;
    // The visible cells block-averaged to `pixels` and coloured, with the cell rectangle the
    // image covers (whole cells around the visible range).
    QImage renderRegion(QRectF view, QSize pixels, QRectF* covered) const;
    void paintAll(QPainter& painter, QSize size, bool useCache) const;
    int labelStep(double pixelsPerCell) const;
    void updateLabelMargins();

    std::optional<inspect::HeadView> m_values;
    QStringList m_rowLabels, m_columnLabels;
    QString m_title;
    ColorLut m_lut;
    float m_lo = 0, m_hi = 1;
    QRectF m_view;
    int m_rowLabelWidth = 0, m_columnLabelHeight = 0;

    // Paint cache: the image of m_view at the plot size.
    mutable QImage m_cache;
    mutable QRectF m_cacheView, m_cacheCovered;
    mutable QSize m_cacheSize;

    enum class Drag { None, Pan, Band } m_drag = Drag::None;
    QPointF m_dragStart, m_dragLast;
    QRect m_band;
    bool m_rubberBandMode = false;
};

}  // namespace attnviz::widgets
