// SPDX-License-Identifier: GPL-3.0-or-later
// A labelled heatmap of one matrix (attention weights, usually) with a colour scale, hatched
// masked cells, a hover tooltip and click signals. It draws snapshots; it computes nothing.
#pragma once

#include "attnviz/widgets/colormaps.hpp"
#include "attnviz/widgets/heatmap_data.hpp"

#include <QPointF>
#include <QWidget>

#include <optional>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;
class QMouseEvent;

namespace attnviz::widgets {

namespace detail {
class HeatmapOverlay;
}

struct HeatmapCell {
    int row = -1;
    int col = -1;
    friend bool operator==(const HeatmapCell&, const HeatmapCell&) = default;
};

// Rows (queries) run down with row 0 at the top, columns (keys) across; tick labels are the
// tokens, thinned out when they would overlap. Values are coloured over a fixed [0, 1] by
// default (weights), or over their own range with autoscale (then symmetric about 0 for a
// diverging colormap). Cell values are printed when the cells are big enough to read them.
//
// Setters schedule one queued replot, so a burst of updates in one event-loop turn draws once.
class HeatmapWidget : public QWidget {
    Q_OBJECT

public:
    explicit HeatmapWidget(QWidget* parent = nullptr);
    ~HeatmapWidget() override;

    void setData(const HeatmapData& data);
    void setData(HeatmapData&& data);
    const HeatmapData& data() const { return data_; }

    void setColormap(Colormap c);
    Colormap colormap() const { return colormap_; }
    // Off (default): colours span the fixed range. On: the finite, unmasked values' range.
    void setAutoscale(bool on);
    bool autoscale() const { return autoscale_; }
    void setFixedRange(double lower, double upper);
    // The range the colours currently span.
    double rangeLower() const;
    double rangeUpper() const;

    // Outlines one row (the focused query); -1 for none.
    void setHighlightedRow(int row);
    int highlightedRow() const;
    // Print values in cells when they fit (default on).
    void setShowValues(bool on);
    bool showValues() const;

    // The tooltip text for a cell: both tokens, the extras (score, logit, …) and the value.
    QString cellToolTip(int row, int col) const;
    // Cell under a point in plot() coordinates, if any.
    std::optional<HeatmapCell> cellAt(const QPointF& plotPos) const;
    // Centre of a cell in plot() coordinates (valid after a replot has laid the plot out).
    QPointF cellCenter(int row, int col) const;

    // PNG, SVG or PDF by suffix, rendered at `size` (PNG at size × scale pixels). The widget
    // on screen is not resized. False with a message in *error on failure.
    bool exportTo(const QString& path, QSize size, double scale = 1.0, QString* error = nullptr);

    // Lays out and draws now instead of at the next event-loop turn (tests, screenshots,
    // benchmarks).
    void replotNow();

    // How many cells the colour map holds (columns × rows): the matrix's own shape, or fewer
    // when it has more cells than the map has device pixels (it then keeps a regular sample).
    QSize drawnCells() const;

    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* colorMap() const { return map_; }
    QCPColorScale* colorScale() const { return scale_; }

    QSize sizeHint() const override { return {520, 440}; }
    QSize minimumSizeHint() const override { return {220, 180}; }

signals:
    // A press and release on the same cell with the left button.
    void cellClicked(int row, int col);
    // The cell under the mouse changed; (-1, -1) when it left the cells.
    void cellHovered(int row, int col);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyData();
    // Refills the colour map's cells from the snapshot when `always` or when the number of
    // cells the laid-out rect can show changed; true when it refilled.
    bool resampleCells(bool always);
    void applyRange();
    bool updateTickLabels();  // true when the ticks changed
    void updateTitleAndCaption();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    bool eventFilter(QObject* watched, QEvent* event) override;

    HeatmapData data_;
    BoolMatrix drawnMask_;  // the mask as sampled for drawing; empty when no drawn cell is masked
    Colormap colormap_ = Colormap::Viridis;
    bool autoscale_ = false;
    double fixedLower_ = 0.0;
    double fixedUpper_ = 1.0;

    QCustomPlot* plot_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    QCPTextElement* title_ = nullptr;    // present only with a title
    QCPTextElement* caption_ = nullptr;  // present only with masked cells
    detail::HeatmapOverlay* overlay_;

    // Tick labels are rebuilt only when what they depend on changes.
    struct TickState {
        int xStride = 0, yStride = 0;
        bool xRotated = false;
        int labelsVersion = -1;
        int rowLabelPixels = 0;  // widest a query token may be drawn
        friend bool operator==(const TickState&, const TickState&) = default;
    } ticks_;
    int labelsVersion_ = 0;  // bumped when the tokens change
    double widestLabel_ = 0;  // widest column label, measured for widestLabelVersion_
    int widestLabelVersion_ = -1;

    std::optional<HeatmapCell> pressCell_;
    std::optional<HeatmapCell> hoverCell_;
};

}  // namespace attnviz::widgets
