// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/heatmap_widget.hpp"

#include "attnviz/widgets/plot_export.hpp"
#include "attnviz/widgets/plot_style.hpp"
#include "heatmap_overlay.hpp"

#include <QHelpEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace attnviz::widgets {

namespace {

constexpr int kMaxLabelChars = 14;  // longer key tokens are elided so they cannot eat the plot
// Query tokens sit beside the rows and may take this share of the plot's width (at least
// kMinRowLabelPixels): "looks for x or y" fits whole in a step map.
constexpr double kRowLabelShare = 0.3;
constexpr int kMinRowLabelPixels = 110;

QString label(const QStringList& labels, int i)
{
    QString s = labels.value(i);
    if (s.isEmpty()) return QString::number(i);
    if (s.size() > kMaxLabelChars) s = s.left(kMaxLabelChars - 1) + QChar(0x2026);
    return s;
}

// The smallest "round" stride ≥ `minimum`, so that thinned-out ticks land on 0, 8, 16, … or
// 0, 10, 20, … rather than 0, 15, 30, ….
int niceStride(int minimum)
{
    static constexpr int kNice[] = {1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 512, 1000};
    for (int n : kNice)
        if (n >= minimum) return n;
    return minimum;
}

QString number(double v)
{
    if (std::isnan(v)) return QStringLiteral("—");
    if (std::isinf(v)) return v < 0 ? QStringLiteral("−∞") : QStringLiteral("+∞");
    return QLocale::c().toString(v, 'g', 6);
}

// QCustomPlot renders each tick label once into a pixmap and keeps the last 16 per axis
// (QCPAxisPainterPrivate::mLabelCache). A 512² map shows 20 to 30 labels per axis, so every
// replot missed the cache and shaped every label's text twice (to measure it, then to draw
// it): 1.4 ms of the window's edit → screen at 512² (docs/benchmarks.md). The cache is
// protected inside a private painter; the standard pointer-to-member idiom reaches it without
// touching QCustomPlot: a class derived from the owner may name a protected member, and the
// resulting pointer-to-member then applies to any object of the owner's type.
constexpr int kTickLabelCacheSize = 160;  // labels per axis: at most ~1 per 8 px of 1280 px

struct AxisPainterAccess : QCPAxis {
    using QCPAxis::mAxisPainter;
};
struct LabelCacheAccess : QCPAxisPainterPrivate {
    using QCPAxisPainterPrivate::mLabelCache;
};

void enlargeTickLabelCache(QCPAxis* axis)
{
    QCPAxisPainterPrivate* painter = axis->*(&AxisPainterAccess::mAxisPainter);
    (painter->*(&LabelCacheAccess::mLabelCache)).setMaxCost(kTickLabelCacheSize);
}

// QCPColorMap centres cell i of n on i for n > 1, but draws a single cell across its whole
// data range, so one row or column gets the range [-0.5, 0.5] to keep the same geometry.
QCPRange cellRange(Index n)
{
    return n == 1 ? QCPRange(-0.5, 0.5) : QCPRange(0, static_cast<double>(n - 1));
}

// Fills QCustomPlot's row-major cell buffer straight from an Eigen (column-major) matrix. The
// public setCell costs a call, a bounds check and a bounds update per cell, a third of the
// time of a 512 × 512 update; this writes the buffer as setCell would, tile by tile so that
// both layouts stay in cache.
class MatrixColorMapData final : public QCPColorMapData {
public:
    MatrixColorMapData() : QCPColorMapData(0, 0, QCPRange(0, 1), QCPRange(0, 1)) {}

    // A map never draws more cells per axis than the screen shows: beyond the axis's device
    // pixels it keeps every k-th cell (what drawing the full image scaled down would show
    // anyway, nearest sampling), so recolouring a 2048² result in a 250-pixel step map costs
    // a 256² one. Hover and tooltips read the full snapshot, so they stay exact. The count is
    // rounded up to a multiple of kDrawnCellsStep (at least kMinDrawnCells) so that resizing
    // by a few pixels does not resample, and capped at kMaxDrawnCells.
    static constexpr Index kMinDrawnCells = 256;
    static constexpr Index kDrawnCellsStep = 128;
    static constexpr Index kMaxDrawnCells = 1024;

    // The drawn size along an axis of n cells shown across `devicePixels` (≤ 0: not laid
    // out yet, assume the largest), and the source index of drawn cell i.
    static Index drawnCount(Index n, double devicePixels)
    {
        Index want = kMaxDrawnCells;
        if (devicePixels > 0) {
            const auto px = static_cast<Index>(std::ceil(devicePixels));
            want = std::clamp((px + kDrawnCellsStep - 1) / kDrawnCellsStep * kDrawnCellsStep, kMinDrawnCells,
                              kMaxDrawnCells);
        }
        return std::min(n, want);
    }
    static Index sourceIndex(Index i, Index n, Index drawn) { return drawn == n ? i : (2 * i + 1) * n / (2 * drawn); }

    // Samples `v` (rows × cols) to (drawnRows × drawnCols), and `masked` (empty or the shape of
    // v) the same way into *drawnMask; *drawnMask is left empty when no drawn cell is masked.
    void assign(const Matrix& v, const BoolMatrix& masked, Index drawnRows, Index drawnCols, BoolMatrix* drawnMask)
    {
        const Index rows = v.rows(), cols = v.cols();
        setSize(static_cast<int>(drawnCols), static_cast<int>(drawnRows));
        drawnMask->resize(0, 0);
        if (!mData) return;
        // The source indices once per axis: a 64-bit division per cell cost more than the copy.
        std::vector<Index> srcRow(static_cast<std::size_t>(drawnRows)), srcCol(static_cast<std::size_t>(drawnCols));
        for (Index r = 0; r < drawnRows; ++r) srcRow[std::size_t(r)] = sourceIndex(r, rows, drawnRows);
        for (Index c = 0; c < drawnCols; ++c) srcCol[std::size_t(c)] = sourceIndex(c, cols, drawnCols);

        // A band of kBand source columns is walked top to bottom together: kBand read streams
        // that the prefetcher follows down the columns, and each drawn row's kBand cells are
        // written side by side. (Square tiles jumped a page per column and stalled on misses.)
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        constexpr Index kBand = 16;
        for (Index c0 = 0; c0 < drawnCols; c0 += kBand) {
            const Index band = std::min(kBand, drawnCols - c0);
            const double* columns[kBand];
            for (Index k = 0; k < band; ++k) columns[k] = v.data() + srcCol[std::size_t(c0 + k)] * rows;
            for (Index r = 0; r < drawnRows; ++r) {
                const Index sr = srcRow[std::size_t(r)];
                double* out = mData + r * drawnCols + c0;
                for (Index k = 0; k < band; ++k) {
                    const double x = columns[k][sr];
                    // Non-finite values (a masked logit is -inf) get the gradient's NaN grey.
                    out[k] = std::isfinite(x) ? x : nan;
                }
            }
        }
        mDataModified = true;  // what setCell sets: the colour map recolours on its next draw

        // Every result carries a mask of its full shape, all false when nothing is masked: one
        // memchr over it (tens of µs at 512²) spares sampling it and scanning the sample, which
        // byte by byte took half of this function's time.
        if (masked.rows() != rows || masked.cols() != cols || !anyTrue(masked.data(), masked.size())) return;
        BoolMatrix m(drawnRows, drawnCols);
        for (Index c = 0; c < drawnCols; ++c) {
            const bool* column = masked.data() + srcCol[std::size_t(c)] * rows;
            for (Index r = 0; r < drawnRows; ++r) m(r, c) = column[srcRow[std::size_t(r)]];
        }
        if (anyTrue(m.data(), m.size())) *drawnMask = std::move(m);
    }

private:
    // A bool is stored as one byte, 0 or 1.
    static bool anyTrue(const bool* data, Index n)
    {
        static_assert(sizeof(bool) == 1);
        return n > 0 && std::memchr(data, 1, static_cast<std::size_t>(n)) != nullptr;
    }
};

// The key (or value) range of `drawn` cells' centres standing for n: the cells, sampled or
// not, cover [-0.5, n - 0.5], so cell i of the matrix stays centred on coordinate i.
QCPRange drawnCellRange(Index n, Index drawn)
{
    if (drawn == n) return cellRange(n);
    const double width = static_cast<double>(n) / static_cast<double>(drawn);
    return QCPRange(-0.5 + width / 2, static_cast<double>(n) - 0.5 - width / 2);
}

}  // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->setToolTip(QString());  // the per-cell tooltip is shown on hover
    plot_->installEventFilter(this);

    QCPAxisRect* rect = plot_->axisRect();
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setData(new MatrixColorMapData, false);  // the map owns it; see applyData
    map_->setInterpolate(false);
    map_->setTightBoundary(false);

    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale_);
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(14);
    map_->setColorScale(scale_);
    // The scale's bar spans exactly the height of the cells.
    auto* margins = new QCPMarginGroup(plot_);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 4);
        axis->setBasePen(Qt::NoPen);
        axis->setPadding(2);
        axis->setLabelPadding(6);
    }
    plot_->yAxis->setRangeReversed(true);  // row 0 at the top, as in the matrix
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, scale_->axis()}) enlargeTickLabelCache(axis);

    // QCustomPlot's own "overlay" layer is for its selection rectangle, which the map does not
    // use; left buffered (QCustomPlot's default) it is one more full-size pixmap to clear and
    // blend at every replot: 0.7 ms per edit over the window's six maps at 512².
    plot_->layer(QStringLiteral("overlay"))->setMode(QCPLayer::lmLogical);
    // Ours sits on the map.
    plot_->addLayer(QStringLiteral("cells"), plot_->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    overlay_ = new detail::HeatmapOverlay(rect, QStringLiteral("cells"));

    connect(plot_, &QCustomPlot::beforeReplot, this, &HeatmapWidget::updateTickLabels);
    // beforeReplot sees the axis rect of the previous layout, so after a resize the label
    // strides were computed for the old size (4 keys showing as "x", "z"). Checking again once
    // the layout is done and replotting only if they changed converges in one extra pass.
    // The layout also fixes how many cells fit the axis rect's pixels: resampling here, before
    // this replot draws, keeps a resized (or exported) map sharp without another pass.
    connect(plot_, &QCustomPlot::afterLayout, this, [this] {
        if (resampleCells(false)) updateTitleAndCaption();
        if (updateTickLabels()) plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(plot_, &QCustomPlot::mouseMove, this, &HeatmapWidget::onMouseMove);
    connect(plot_, &QCustomPlot::mousePress, this, &HeatmapWidget::onMousePress);
    connect(plot_, &QCustomPlot::mouseRelease, this, &HeatmapWidget::onMouseRelease);

    setColormap(colormap_);
    applyData();
    applyPlotPalette(plot_, palette());
}

void HeatmapWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        applyPlotPalette(plot_, palette());
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

HeatmapWidget::~HeatmapWidget() = default;

void HeatmapWidget::setData(const HeatmapData& data) { setData(HeatmapData(data)); }

void HeatmapWidget::setData(HeatmapData&& data)
{
    if (data.rowLabels != data_.rowLabels || data.colLabels != data_.colLabels ||
        data.values.rows() != data_.values.rows() || data.values.cols() != data_.values.cols())
        ++labelsVersion_;
    data_ = std::move(data);  // shares the matrices: nothing n² is copied
    applyData();
}

void HeatmapWidget::applyData()
{
    const Index rows = data_.values.rows();
    const Index cols = data_.values.cols();
    resampleCells(true);
    plot_->xAxis->setRange(-0.5, std::max<double>(cols, 1) - 0.5);
    plot_->yAxis->setRange(-0.5, std::max<double>(rows, 1) - 0.5);
    plot_->xAxis->setLabel(data_.colAxisTitle);
    plot_->yAxis->setLabel(data_.rowAxisTitle);
    scale_->axis()->setLabel(data_.valueName);
    if (overlay_->highlightedRow() >= rows) overlay_->setHighlightedRow(-1);
    updateTitleAndCaption();
    applyRange();  // also hands the data to the overlay and queues the replot
}

bool HeatmapWidget::resampleCells(bool always)
{
    // Device pixels of the axis rect as last laid out; before the first layout the rect is
    // empty and the largest count is taken.
    const QRect rect = plot_->axisRect()->rect();
    const double ratio = devicePixelRatioF();
    const Index drawnRows = MatrixColorMapData::drawnCount(data_.values.rows(), rect.height() * ratio);
    const Index drawnCols = MatrixColorMapData::drawnCount(data_.values.cols(), rect.width() * ratio);
    auto* cells = static_cast<MatrixColorMapData*>(map_->data());
    if (!always && cells->keySize() == drawnCols && cells->valueSize() == drawnRows) return false;
    cells->assign(*data_.values, *data_.masked, drawnRows, drawnCols, &drawnMask_);
    cells->setRange(drawnCellRange(data_.values.cols(), drawnCols), drawnCellRange(data_.values.rows(), drawnRows));
    overlay_->setDrawnMask(drawnMask_);
    return true;
}

QSize HeatmapWidget::drawnCells() const
{
    const QCPColorMapData* cells = map_->data();
    return {cells->keySize(), cells->valueSize()};
}

void HeatmapWidget::applyRange()
{
    QCPRange range(fixedLower_, fixedUpper_);
    if (autoscale_) {
        // The snapshot's extent when it brought one (computed off the GUI thread), else a
        // pass over every cell here.
        const std::optional<ValueExtent> e = data_.extent ? data_.extent : finite_extent(*data_.values, *data_.masked);
        double lo = e ? e->lower : 0.0;
        double hi = e ? e->upper : 1.0;
        if (isDiverging(colormap_)) {
            // White must mean zero on a difference map, whatever the extremes are.
            const double m = std::max(std::abs(lo), std::abs(hi));
            lo = -m;
            hi = m;
        }
        if (hi - lo < 1e-12) {
            lo -= 0.5;
            hi += 0.5;
        }
        range = QCPRange(lo, hi);
    }
    map_->setDataRange(range);
    overlay_->setData(&data_, map_->gradient(), range);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HeatmapWidget::updateTitleAndCaption()
{
    QCPLayoutGrid* layout = plot_->plotLayout();
    if (!data_.title.isEmpty() && !title_) {
        layout->insertRow(0);
        title_ = new QCPTextElement(plot_, data_.title, QFont(font().family(), font().pointSize() + 1, QFont::Bold));
        title_->setTextColor(palette().color(QPalette::Text));
        layout->addElement(0, 0, title_);
    } else if (data_.title.isEmpty() && title_) {
        layout->remove(title_);
        title_ = nullptr;
        layout->simplify();
    }
    if (title_) title_->setText(data_.title);

    // The caption explains hatching, so it shows when hatching is drawn.
    const bool masked = drawnMask_.size() != 0;
    if (masked && !caption_) {
        layout->insertRow(layout->rowCount());
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        caption_ = new QCPTextElement(plot_, tr("Hatched cells are masked: their weight is 0."), small);
        caption_->setTextColor(palette().color(QPalette::Text));
        layout->addElement(layout->rowCount() - 1, 0, caption_);
    } else if (!masked && caption_) {
        layout->remove(caption_);
        caption_ = nullptr;
        layout->simplify();
    }
}

bool HeatmapWidget::updateTickLabels()
{
    // Runs before every replot: the strides depend on the axis rect's current size.
    QCPAxisRect* rect = plot_->axisRect();
    const int rows = static_cast<int>(data_.values.rows());
    const int cols = static_cast<int>(data_.values.cols());
    const QFontMetricsF fm(plot_->xAxis->tickLabelFont());
    // Measuring 2048 labels costs milliseconds: once per set of labels, not per replot.
    if (widestLabelVersion_ != labelsVersion_) {
        widestLabel_ = 0;
        for (int c = 0; c < cols && c < 2048; ++c)
            widestLabel_ = std::max(widestLabel_, fm.horizontalAdvance(label(data_.colLabels, c)));
        widestLabelVersion_ = labelsVersion_;
    }
    const double widest = widestLabel_;
    const double cellW = cols > 0 ? rect->width() / static_cast<double>(cols) : 1;
    const double cellH = rows > 0 ? rect->height() / static_cast<double>(rows) : 1;
    const double lineH = fm.height() + 2;

    TickState want;
    want.xRotated = widest + 6 > cellW;
    want.xStride = niceStride(std::max(1, static_cast<int>(std::ceil((want.xRotated ? lineH : widest + 6) / std::max(cellW, 1e-3)))));
    want.yStride = niceStride(std::max(1, static_cast<int>(std::ceil(lineH / std::max(cellH, 1e-3)))));
    want.labelsVersion = labelsVersion_;
    want.rowLabelPixels = std::max(kMinRowLabelPixels, static_cast<int>(plot_->width() * kRowLabelShare));
    if (want == ticks_) return false;
    ticks_ = want;

    // Keys are cut by characters (they may stand rotated); queries by the pixels they may use.
    auto fill = [](QCPAxis* axis, int n, int stride, auto&& text) {
        QVector<double> at;
        QVector<QString> texts;
        for (int i = 0; i < n; i += stride) {
            at.append(i);
            texts.append(text(i));
        }
        axis->ticker().staticCast<QCPAxisTickerText>()->setTicks(at, texts);
    };
    fill(plot_->xAxis, cols, want.xStride, [&](int i) { return label(data_.colLabels, i); });
    fill(plot_->yAxis, rows, want.yStride, [&](int i) {
        const QString s = data_.rowLabels.value(i);
        return s.isEmpty() ? QString::number(i) : fm.elidedText(s, Qt::ElideRight, want.rowLabelPixels);
    });
    plot_->xAxis->setTickLabelRotation(want.xRotated ? 90 : 0);
    return true;
}

void HeatmapWidget::setColormap(Colormap c)
{
    colormap_ = c;
    map_->setGradient(makeGradient(c));
    applyRange();
}

void HeatmapWidget::setAutoscale(bool on)
{
    autoscale_ = on;
    applyRange();
}

void HeatmapWidget::setFixedRange(double lower, double upper)
{
    if (!(lower < upper) || !std::isfinite(lower) || !std::isfinite(upper)) return;
    fixedLower_ = lower;
    fixedUpper_ = upper;
    applyRange();
}

double HeatmapWidget::rangeLower() const { return map_->dataRange().lower; }
double HeatmapWidget::rangeUpper() const { return map_->dataRange().upper; }

void HeatmapWidget::setHighlightedRow(int row)
{
    overlay_->setHighlightedRow(row >= 0 && row < data_.values.rows() ? row : -1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int HeatmapWidget::highlightedRow() const { return overlay_->highlightedRow(); }

void HeatmapWidget::setShowValues(bool on)
{
    overlay_->setShowValues(on);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool HeatmapWidget::showValues() const { return overlay_->showValues(); }

QString HeatmapWidget::cellToolTip(int row, int col) const
{
    const Matrix& v = *data_.values;
    if (row < 0 || col < 0 || row >= v.rows() || col >= v.cols()) return QString();
    QStringList lines;
    lines << tr("%1 “%2” (row %3)").arg(data_.rowAxisTitle, data_.rowLabels.value(row, QString::number(row))).arg(row);
    lines << tr("%1 “%2” (column %3)").arg(data_.colAxisTitle, data_.colLabels.value(col, QString::number(col))).arg(col);
    for (const HeatmapExtra& extra : data_.extras)
        if (extra.values.rows() == v.rows() && extra.values.cols() == v.cols())
            lines << QStringLiteral("%1: %2").arg(extra.name, number(extra.values(row, col)));
        else if (extra.values.size() == 0 && extra.at)
            lines << QStringLiteral("%1: %2").arg(extra.name, number(extra.at(row, col)));
    const bool masked = data_.masked.rows() == v.rows() && data_.masked.cols() == v.cols() && data_.masked(row, col);
    lines << QStringLiteral("%1: %2%3").arg(data_.valueName, number(v(row, col)), masked ? tr(" (masked)") : QString());
    return lines.join(u'\n');
}

std::optional<HeatmapCell> HeatmapWidget::cellAt(const QPointF& plotPos) const
{
    if (!plot_->axisRect()->rect().contains(plotPos.toPoint())) return std::nullopt;
    const int col = static_cast<int>(std::floor(plot_->xAxis->pixelToCoord(plotPos.x()) + 0.5));
    const int row = static_cast<int>(std::floor(plot_->yAxis->pixelToCoord(plotPos.y()) + 0.5));
    if (row < 0 || col < 0 || row >= data_.values.rows() || col >= data_.values.cols()) return std::nullopt;
    return HeatmapCell{row, col};
}

QPointF HeatmapWidget::cellCenter(int row, int col) const
{
    return {plot_->xAxis->coordToPixel(col), plot_->yAxis->coordToPixel(row)};
}

bool HeatmapWidget::exportTo(const QString& path, QSize size, double scale, QString* error)
{
    return exportPlot(plot_, path, size, scale, error);
}

void HeatmapWidget::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

void HeatmapWidget::onMousePress(QMouseEvent* event)
{
    pressCell_ = event->button() == Qt::LeftButton ? cellAt(event->position()) : std::nullopt;
}

void HeatmapWidget::onMouseRelease(QMouseEvent* event)
{
    const std::optional<HeatmapCell> pressed = std::exchange(pressCell_, std::nullopt);
    if (event->button() != Qt::LeftButton || !pressed) return;
    if (cellAt(event->position()) == pressed) emit cellClicked(pressed->row, pressed->col);
}

void HeatmapWidget::onMouseMove(QMouseEvent* event)
{
    const std::optional<HeatmapCell> cell = cellAt(event->position());
    if (cell == hoverCell_) return;
    hoverCell_ = cell;
    if (!cell) {
        QToolTip::hideText();
        emit cellHovered(-1, -1);
        return;
    }
    const QPointF c = cellCenter(cell->row, cell->col);
    const double w = std::abs(plot_->xAxis->coordToPixel(0.5) - plot_->xAxis->coordToPixel(-0.5));
    const double h = std::abs(plot_->yAxis->coordToPixel(0.5) - plot_->yAxis->coordToPixel(-0.5));
    const QRect cellRect = QRectF(c.x() - w / 2, c.y() - h / 2, w, h).toAlignedRect();
    QToolTip::showText(event->globalPosition().toPoint(), cellToolTip(cell->row, cell->col), plot_, cellRect);
    emit cellHovered(cell->row, cell->col);
}

bool HeatmapWidget::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == plot_ && event->type() == QEvent::Leave && hoverCell_) {
        hoverCell_.reset();
        QToolTip::hideText();
        emit cellHovered(-1, -1);
    }
    // Resting the mouse on a cell (or a hidden tooltip) brings the cell's tooltip back.
    if (watched == plot_ && event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        if (const auto cell = cellAt(help->pos()))
            QToolTip::showText(help->globalPos(), cellToolTip(cell->row, cell->col), plot_);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace attnviz::widgets
