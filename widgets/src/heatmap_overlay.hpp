// SPDX-License-Identifier: GPL-3.0-or-later
// Drawn above the colour map: hatching over masked cells, the numbers in the cells when they
// fit, and an outline around the focused row. One layerable, not one item per cell, so that
// a 512 × 512 map costs a few image operations per replot rather than 260 000 items.
#pragma once

#include "attnviz/widgets/heatmap_data.hpp"

#include <QImage>
#include <qcustomplot.h>

namespace attnviz::widgets::detail {

class HeatmapOverlay final : public QCPLayerable {
public:
    // Draws on `layer` of the axis rect's plot, in the rect's bottom/left axes' coordinates
    // (cell (r, c) is centred on x = c, y = r).
    HeatmapOverlay(QCPAxisRect* axisRect, const QString& layer);

    // `data` must outlive the overlay's use of it (the widget owns both). The gradient and
    // range pick black or white text for each cell.
    void setData(const HeatmapData* data, const QCPColorGradient& gradient, const QCPRange& range);
    // The mask as the colour map draws it: (drawn rows × drawn cols), the full mask or a
    // regular sample of it, stretched over all the cells; empty for no hatching.
    void setDrawnMask(const BoolMatrix& drawnMask);
    void setShowValues(bool on) { showValues_ = on; }
    bool showValues() const { return showValues_; }
    void setHighlightedRow(int row) { highlightedRow_ = row; }
    int highlightedRow() const { return highlightedRow_; }
    // True when the last draw printed the cell values (they fit).
    bool valuesDrawn() const { return valuesDrawn_; }

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    void draw(QCPPainter* painter) override;
    QRect clipRect() const override;

private:
    QRectF cellsRect() const;  // pixel rect covering every cell
    void drawHatching(QCPPainter* painter, const QRectF& target);
    void drawValues(QCPPainter* painter, const QRectF& target);
    void drawHighlight(QCPPainter* painter, const QRectF& target);

    QCPAxisRect* axisRect_;
    const HeatmapData* data_ = nullptr;
    QCPColorGradient gradient_;
    QCPRange range_{0, 1};
    bool showValues_ = true;
    bool valuesDrawn_ = false;
    int highlightedRow_ = -1;

    // One pixel per drawn cell, opaque where masked; rebuilt only when the mask changes.
    BoolMatrix mask_;
    QImage maskImage_;
    // The hatching composed for the last target size; reused while nothing changes.
    QImage hatchCache_;
    QSize hatchCacheSize_;
};

}  // namespace attnviz::widgets::detail
