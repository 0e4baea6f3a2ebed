// SPDX-License-Identifier: GPL-3.0-or-later
#include "heatmap_overlay.hpp"

#include <cmath>

namespace attnviz::widgets::detail {

namespace {

// Up to this many cells we try to print values; beyond, the text could never be read.
constexpr Index kMaxValueCells = 40 * 40;

QString cellText(double v)
{
    if (std::isnan(v)) return QString();
    if (std::isinf(v)) return v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    return std::abs(v) < 10 ? QString::number(v, 'f', 2) : QString::number(v, 'g', 3);
}

}  // namespace

HeatmapOverlay::HeatmapOverlay(QCPAxisRect* axisRect, const QString& layer)
    : QCPLayerable(axisRect->parentPlot(), layer), axisRect_(axisRect)
{
}

void HeatmapOverlay::setData(const HeatmapData* data, const QCPColorGradient& gradient,
                             const QCPRange& range)
{
    data_ = data;
    gradient_ = gradient;
    range_ = range;
}

void HeatmapOverlay::setDrawnMask(const BoolMatrix& drawnMask)
{
    // Comparing the drawn cells is far cheaper than recomposing the hatching.
    if (drawnMask.rows() == mask_.rows() && drawnMask.cols() == mask_.cols() &&
        (mask_.size() == 0 || (drawnMask == mask_).all()))
        return;
    mask_ = drawnMask;
    hatchCache_ = QImage();
    maskImage_ = QImage();
    if (mask_.size() == 0) return;
    maskImage_ = QImage(static_cast<int>(mask_.cols()), static_cast<int>(mask_.rows()),
                        QImage::Format_ARGB32_Premultiplied);
    for (int r = 0; r < maskImage_.height(); ++r) {
        auto* line = reinterpret_cast<QRgb*>(maskImage_.scanLine(r));
        for (int c = 0; c < maskImage_.width(); ++c) line[c] = mask_(r, c) ? 0xff000000u : 0u;
    }
}

void HeatmapOverlay::applyDefaultAntialiasingHint(QCPPainter* painter) const
{
    applyAntialiasingHint(painter, mAntialiased, QCP::aeOther);
}

QRect HeatmapOverlay::clipRect() const { return axisRect_->rect(); }

QRectF HeatmapOverlay::cellsRect() const
{
    const auto rows = data_->values.rows();
    const auto cols = data_->values.cols();
    QCPAxis* x = axisRect_->axis(QCPAxis::atBottom);
    QCPAxis* y = axisRect_->axis(QCPAxis::atLeft);
    return QRectF(QPointF(x->coordToPixel(-0.5), y->coordToPixel(-0.5)),
                  QPointF(x->coordToPixel(cols - 0.5), y->coordToPixel(rows - 0.5)))
        .normalized();
}

void HeatmapOverlay::draw(QCPPainter* painter)
{
    valuesDrawn_ = false;
    if (!data_ || data_->values.size() == 0) return;
    const QRectF target = cellsRect();
    if (target.isEmpty()) return;
    if (!maskImage_.isNull()) drawHatching(painter, target);
    if (showValues_) drawValues(painter, target);
    if (highlightedRow_ >= 0 && highlightedRow_ < data_->values.rows()) drawHighlight(painter, target);
}

void HeatmapOverlay::drawHatching(QCPPainter* painter, const QRectF& target)
{
    // Raster hatching at device resolution: on screen that is the buffer's pixel ratio; for
    // PDF/SVG (vectorized) three times the logical size, as QCustomPlot does for colour maps.
    const bool vector = painter->modes().testFlag(QCPPainter::pmVectorized);
    const qreal ratio = vector ? 3.0 : painter->device()->devicePixelRatioF();
    const QSize size = (target.size() * ratio).toSize();
    if (size.isEmpty()) return;
    if (hatchCache_.isNull() || hatchCacheSize_ != size) {
        QImage hatch(size, QImage::Format_ARGB32_Premultiplied);
        hatch.fill(QColor(215, 215, 215, 240));
        {
            QPainter p(&hatch);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(QPen(QColor(105, 105, 105), 1.3 * ratio));
            const int step = std::max(4, static_cast<int>(std::lround(7 * ratio)));
            for (int k = -size.height(); k < size.width(); k += step)
                p.drawLine(k, size.height(), k + size.height(), 0);
            // Keep the hatching only where a cell is masked: nearest-neighbour scaling keeps
            // the cells' edges sharp.
            p.setCompositionMode(QPainter::CompositionMode_DestinationIn);
            p.drawImage(QPoint(0, 0), maskImage_.scaled(size, Qt::IgnoreAspectRatio, Qt::FastTransformation));
        }
        hatchCache_ = hatch;
        hatchCacheSize_ = size;
    }
    painter->drawImage(target, hatchCache_);
}

void HeatmapOverlay::drawValues(QCPPainter* painter, const QRectF& target)
{
    const Matrix& v = *data_->values;
    if (v.size() > kMaxValueCells) return;
    const double cellW = target.width() / static_cast<double>(v.cols());
    const double cellH = target.height() / static_cast<double>(v.rows());
    QFont font = axisRect_->axis(QCPAxis::atBottom)->tickLabelFont();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetricsF fm(font);
    if (cellH < fm.height() + 2 || cellW < fm.horizontalAdvance(QStringLiteral("-0.00")) + 4) return;
    // Maps small enough to print values are never sampled: the drawn mask is the mask.
    const bool hasMask = mask_.rows() == v.rows() && mask_.cols() == v.cols();
    painter->setFont(font);
    for (Index r = 0; r < v.rows(); ++r) {
        for (Index c = 0; c < v.cols(); ++c) {
            if (hasMask && mask_(r, c)) continue;  // the hatching says it
            const QString text = cellText(v(r, c));
            if (text.isEmpty()) continue;
            if (fm.horizontalAdvance(text) + 4 > cellW) continue;
            // Black on light cells, white on dark ones (Rec. 601 luma of the cell's colour).
            const QColor bg = QColor::fromRgb(gradient_.color(v(r, c), range_));
            const double luma = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue();
            painter->setPen(luma > 140 ? QColor(20, 20, 20) : QColor(250, 250, 250));
            const QRectF cell(target.left() + c * cellW, target.top() + r * cellH, cellW, cellH);
            painter->drawText(cell, Qt::AlignCenter, text);
        }
    }
    valuesDrawn_ = true;
}

void HeatmapOverlay::drawHighlight(QCPPainter* painter, const QRectF& target)
{
    const double cellH = target.height() / static_cast<double>(data_->values.rows());
    const QRectF row(target.left(), target.top() + highlightedRow_ * cellH, target.width(), cellH);
    // Dark then light outline: visible on every colormap's darkest and lightest colours.
    painter->setBrush(Qt::NoBrush);
    painter->setPen(QPen(QColor(0, 0, 0), 3.5));
    painter->drawRect(row.adjusted(1.5, 1.5, -1.5, -1.5));
    painter->setPen(QPen(QColor(255, 255, 255), 1.5));
    painter->drawRect(row.adjusted(1.5, 1.5, -1.5, -1.5));
}

}  // namespace attnviz::widgets::detail
