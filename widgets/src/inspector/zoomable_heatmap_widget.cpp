// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include "attnviz/core/inspect/downsample.hpp"
#include "attnviz/widgets/text_width.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

namespace {

constexpr int kMaxRowLabelWidth = 100;     // px; longer tokens are elided
constexpr int kMaxColumnLabelHeight = 80;  // px; column labels are written upwards
constexpr double kWheelStep = 1.0015;      // zoom factor per 1/8 degree of wheel

// The widest label's whole pixels (textWidth), at least "000"'s and at most `cap`.
int maxAdvance(const QFont& font, const QStringList& labels, int cap)
{
    const QFontMetricsF fm(font);
    double w = fm.horizontalAdvance(QStringLiteral("000"));
    for (const QString& s : labels) {
        w = std::max(w, fm.horizontalAdvance(s));
        if (w >= cap) return cap;
    }
    return std::min(cap, static_cast<int>(std::ceil(w)) + 1);  // as textWidth() rounds
}

}  // namespace

ZoomableHeatmapWidget::ZoomableHeatmapWidget(QWidget* parent)
    : QWidget(parent), m_lut(colorLut(Colormap::Viridis))
{
    setMouseTracking(true);
    setMinimumSize(240, 200);
    setFocusPolicy(Qt::WheelFocus);
    setToolTip(tr("Wheel: zoom about the cursor · drag: pan · Shift+drag: zoom to a selection · "
                  "double-click: reset zoom"));
}

void ZoomableHeatmapWidget::setData(inspect::HeadView values, QStringList rowLabels, QStringList columnLabels)
{
    const bool sameShape = m_values && m_values->rows() == values.rows() && m_values->cols() == values.cols();
    const inspect::ValueRange range = inspect::value_range(values.matrix());
    m_lo = std::min(0.f, range.lo);  // weights: 0 is the natural bottom of the scale
    m_hi = range.hi > m_lo ? range.hi : m_lo + 1.f;
    m_values.emplace(std::move(values));
    m_rowLabels = std::move(rowLabels);
    m_columnLabels = std::move(columnLabels);
    updateLabelMargins();
    m_cache = QImage();
    if (!sameShape) m_view = QRectF(QPointF(0, 0), dataSize());
    update();
    if (!sameShape) emit visibleRangeChanged(m_view);
}

void ZoomableHeatmapWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange) {  // the label margins are measured in the font
        updateLabelMargins();
        m_cache = QImage();
        update();
    }
    QWidget::changeEvent(event);
}

void ZoomableHeatmapWidget::clear()
{
    m_values.reset();
    m_rowLabels.clear();
    m_columnLabels.clear();
    m_title.clear();
    m_cache = QImage();
    update();
}

void ZoomableHeatmapWidget::setTitle(const QString& title)
{
    m_title = title;
    update();
}

void ZoomableHeatmapWidget::setColormap(Colormap c)
{
    m_lut = colorLut(c);
    m_cache = QImage();
    update();
}

QSizeF ZoomableHeatmapWidget::dataSize() const
{
    if (!m_values) return {1, 1};
    return QSizeF(static_cast<double>(m_values->cols()), static_cast<double>(m_values->rows()));
}

void ZoomableHeatmapWidget::updateLabelMargins()
{
    m_rowLabelWidth = maxAdvance(font(), m_rowLabels, kMaxRowLabelWidth);
    m_columnLabelHeight = maxAdvance(font(), m_columnLabels, kMaxColumnLabelHeight);
}

ZoomableHeatmapWidget::Layout ZoomableHeatmapWidget::layoutFor(QSize size) const
{
    const QFontMetrics fm = fontMetrics();
    Layout l;
    const int titleHeight = fm.height() + 8;
    l.title = QRect(6, 2, size.width() - 12, titleHeight - 4);
    const int left = m_rowLabelWidth + 10;
    // The colour bar (14 px) and its tick labels ("%.3g" of the range: at most "-0.000123").
    const int legendWidth = 12 + 14 + 8 + fm.horizontalAdvance(QStringLiteral("-0.000000"));
    const int top = titleHeight + m_columnLabelHeight + 8;
    l.plot = QRect(left, top, std::max(1, size.width() - left - legendWidth - 6),
                   std::max(1, size.height() - top - 8));
    l.legend = QRect(l.plot.right() + 12, l.plot.top(), 14, l.plot.height());
    return l;
}

QRectF ZoomableHeatmapWidget::clampView(QRectF v) const
{
    const QSizeF n = dataSize();
    const double w = std::clamp(v.width(), std::min(1.0, n.width()), n.width());
    const double h = std::clamp(v.height(), std::min(1.0, n.height()), n.height());
    const double x = std::clamp(v.x(), 0.0, n.width() - w);
    const double y = std::clamp(v.y(), 0.0, n.height() - h);
    return {x, y, w, h};
}

void ZoomableHeatmapWidget::setVisibleRange(QRectF cells)
{
    const QRectF v = clampView(cells.normalized());
    if (v == m_view) return;
    m_view = v;
    update();
    emit visibleRangeChanged(m_view);
}

void ZoomableHeatmapWidget::resetZoom() { setVisibleRange(QRectF(QPointF(0, 0), dataSize())); }

void ZoomableHeatmapWidget::zoomAt(QPointF pixel, double factor)
{
    if (!m_values || factor <= 0) return;
    const QRect p = plotRect();
    const double fx = std::clamp((pixel.x() - p.left()) / p.width(), 0.0, 1.0);
    const double fy = std::clamp((pixel.y() - p.top()) / p.height(), 0.0, 1.0);
    const double cx = m_view.x() + fx * m_view.width();
    const double cy = m_view.y() + fy * m_view.height();
    const double w = m_view.width() / factor, h = m_view.height() / factor;
    setVisibleRange(QRectF(cx - fx * w, cy - fy * h, w, h));
}

void ZoomableHeatmapWidget::panByPixels(QPointF delta)
{
    const QRect p = plotRect();
    setVisibleRange(m_view.translated(-delta.x() * m_view.width() / p.width(),
                                      -delta.y() * m_view.height() / p.height()));
}

std::optional<QPoint> ZoomableHeatmapWidget::cellAt(QPointF pixel) const
{
    const QRect p = plotRect();
    if (!m_values || !p.contains(pixel.toPoint())) return std::nullopt;
    const double x = m_view.x() + (pixel.x() - p.left()) * m_view.width() / p.width();
    const double y = m_view.y() + (pixel.y() - p.top()) * m_view.height() / p.height();
    const int c = static_cast<int>(std::floor(x)), r = static_cast<int>(std::floor(y));
    if (r < 0 || c < 0 || r >= m_values->rows() || c >= m_values->cols()) return std::nullopt;
    return QPoint(c, r);
}

QPointF ZoomableHeatmapWidget::pixelOfCell(int row, int column) const
{
    const QRect p = plotRect();
    return {p.left() + (column + 0.5 - m_view.x()) * p.width() / m_view.width(),
            p.top() + (row + 0.5 - m_view.y()) * p.height() / m_view.height()};
}

int ZoomableHeatmapWidget::labelStep(double pixelsPerCell) const
{
    const double need = fontMetrics().height() + 1;
    return std::max(1, static_cast<int>(std::ceil(need / std::max(pixelsPerCell, 1e-9))));
}

int ZoomableHeatmapWidget::rowLabelStep() const { return labelStep(plotRect().height() / m_view.height()); }
int ZoomableHeatmapWidget::columnLabelStep() const { return labelStep(plotRect().width() / m_view.width()); }

QList<int> ZoomableHeatmapWidget::shownRowLabels() const
{
    QList<int> out;
    if (!m_values) return out;
    const int step = rowLabelStep();
    const int first = static_cast<int>(std::floor(m_view.top())), last = static_cast<int>(std::ceil(m_view.bottom()));
    for (int r = first; r < last && r < m_rowLabels.size(); ++r)
        if (r % step == 0 && r + 0.5 >= m_view.top() && r + 0.5 <= m_view.bottom()) out << r;
    return out;
}

QList<int> ZoomableHeatmapWidget::shownColumnLabels() const
{
    QList<int> out;
    if (!m_values) return out;
    const int step = columnLabelStep();
    const int first = static_cast<int>(std::floor(m_view.left())), last = static_cast<int>(std::ceil(m_view.right()));
    for (int c = first; c < last && c < m_columnLabels.size(); ++c)
        if (c % step == 0 && c + 0.5 >= m_view.left() && c + 0.5 <= m_view.right()) out << c;
    return out;
}

QString ZoomableHeatmapWidget::rowLabelText(int row) const
{
    if (row < 0 || row >= m_rowLabels.size()) return {};
    return fontMetrics().elidedText(m_rowLabels[row], Qt::ElideRight, m_rowLabelWidth);
}

QString ZoomableHeatmapWidget::columnLabelText(int column) const
{
    if (column < 0 || column >= m_columnLabels.size()) return {};
    return fontMetrics().elidedText(m_columnLabels[column], Qt::ElideRight, m_columnLabelHeight);
}

QString ZoomableHeatmapWidget::describeCell(int row, int column) const
{
    if (!m_values || row < 0 || column < 0 || row >= m_values->rows() || column >= m_values->cols()) return {};
    const QString q = row < m_rowLabels.size() ? m_rowLabels[row] : QString::number(row);
    const QString k = column < m_columnLabels.size() ? m_columnLabels[column] : QString::number(column);
    return tr("query %1 “%2” → key %3 “%4”: %5")
        .arg(row).arg(q).arg(column).arg(k).arg(static_cast<double>((*m_values)(row, column)), 0, 'g', 4);
}

QImage ZoomableHeatmapWidget::renderRegion(QRectF view, QSize pixels, QRectF* covered) const
{
    const QSizeF n = dataSize();
    const int r0 = std::max(0, static_cast<int>(std::floor(view.top())));
    const int r1 = std::min(static_cast<int>(n.height()), static_cast<int>(std::ceil(view.bottom())));
    const int c0 = std::max(0, static_cast<int>(std::floor(view.left())));
    const int c1 = std::min(static_cast<int>(n.width()), static_cast<int>(std::ceil(view.right())));
    const int rows = std::max(1, r1 - r0), cols = std::max(1, c1 - c0);
    // At most one value per output pixel: the pixels the covered cells span on screen.
    const int outRows = std::clamp(static_cast<int>(std::ceil(pixels.height() * rows / view.height())), 1, rows);
    const int outCols = std::clamp(static_cast<int>(std::ceil(pixels.width() * cols / view.width())), 1, cols);
    const inspect::FloatMatrix block =
        inspect::block_average(m_values->matrix(), inspect::CellRegion{r0, c0, rows, cols}, outRows, outCols);
    *covered = QRectF(c0, r0, cols, rows);
    return colorize(block, m_lo, m_hi, m_lut);
}

void ZoomableHeatmapWidget::renderNow()
{
    if (!m_values) return;
    const QSize s = plotRect().size();
    if (!m_cache.isNull() && m_cacheView == m_view && m_cacheSize == s) return;
    m_cache = renderRegion(m_view, s, &m_cacheCovered);
    m_cacheView = m_view;
    m_cacheSize = s;
}

void ZoomableHeatmapWidget::paintAll(QPainter& painter, QSize size, bool useCache) const
{
    const Layout l = layoutFor(size);
    const QPalette& pal = palette();
    painter.fillRect(QRect(QPoint(0, 0), size), pal.color(QPalette::Base));
    painter.setFont(font());
    painter.setPen(pal.color(QPalette::Text));
    const QFontMetrics fm = painter.fontMetrics();
    if (!m_values) {
        painter.drawText(QRect(QPoint(0, 0), size).adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap,
                         m_title.isEmpty() ? tr("No attention file open") : m_title);
        return;
    }
    painter.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(m_title, Qt::ElideRight, l.title.width()));

    QImage image;
    QRectF covered;
    if (useCache) {
        image = m_cache;
        covered = m_cacheCovered;
    } else {
        image = renderRegion(m_view, l.plot.size(), &covered);
    }
    const QRect& p = l.plot;
    const double sx = p.width() / m_view.width(), sy = p.height() / m_view.height();
    const QRectF target(p.left() + (covered.x() - m_view.x()) * sx, p.top() + (covered.y() - m_view.y()) * sy,
                        covered.width() * sx, covered.height() * sy);
    painter.save();
    painter.setClipRect(p);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // cells stay crisp squares
    painter.drawImage(target, image);
    painter.restore();
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRect(p.adjusted(0, 0, -1, -1));

    // Token labels: every k-th when the cells are smaller than a line of text.
    painter.setPen(pal.color(QPalette::Text));
    const int fh = fm.height();
    const int rowStep = labelStep(sy), colStep = labelStep(sx);
    for (int r = static_cast<int>(std::floor(m_view.top())); r < std::ceil(m_view.bottom()) && r < m_rowLabels.size(); ++r) {
        if (r % rowStep != 0) continue;
        const double y = p.top() + (r + 0.5 - m_view.y()) * sy;
        if (y < p.top() || y > p.bottom()) continue;
        const QRect box(4, static_cast<int>(y) - fh / 2, m_rowLabelWidth, fh);  // ends 6 px before the plot
        painter.drawText(box, Qt::AlignRight | Qt::AlignVCenter, rowLabelText(r));
    }
    for (int c = static_cast<int>(std::floor(m_view.left())); c < std::ceil(m_view.right()) && c < m_columnLabels.size(); ++c) {
        if (c % colStep != 0) continue;
        const double x = p.left() + (c + 0.5 - m_view.x()) * sx;
        if (x < p.left() || x > p.right()) continue;
        painter.save();
        painter.translate(x, p.top() - 6);
        painter.rotate(-90);
        const QRect box(0, -fh / 2, m_columnLabelHeight, fh);
        painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, columnLabelText(c));
        painter.restore();
    }
    drawColorScale(painter, l.legend, m_lo, m_hi, m_lut, pal.color(QPalette::Text));

    if (m_drag == Drag::Band && useCache) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DashLine));
        painter.setBrush(QColor(255, 255, 255, 50));
        painter.drawRect(m_band);
    }
}

void ZoomableHeatmapWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const_cast<ZoomableHeatmapWidget*>(this)->renderNow();
    paintAll(painter, size(), true);
}

void ZoomableHeatmapWidget::paintExport(QPainter& painter, QSize size) const
{
    // Labels and legend are laid out by the widget's font; the plot fills what is left of `size`.
    paintAll(painter, size, false);
}

void ZoomableHeatmapWidget::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) return;
    zoomAt(event->position(), std::pow(kWheelStep, delta));
    event->accept();
}

void ZoomableHeatmapWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_values) return;
    m_dragStart = m_dragLast = event->position();
    m_drag = (m_rubberBandMode || (event->modifiers() & Qt::ShiftModifier)) ? Drag::Band : Drag::Pan;
    m_band = QRect(event->position().toPoint(), QSize(1, 1));
    if (m_drag == Drag::Pan) setCursor(Qt::ClosedHandCursor);
}

void ZoomableHeatmapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (m_drag == Drag::Pan) {
        panByPixels(event->position() - m_dragLast);
        m_dragLast = event->position();
        return;
    }
    if (m_drag == Drag::Band) {
        m_band = QRect(m_dragStart.toPoint(), event->position().toPoint()).normalized() & plotRect();
        update();
        return;
    }
    if (const auto cell = cellAt(event->position())) {
        const QString text = describeCell(cell->y(), cell->x());
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
        emit cellHovered(cell->y(), cell->x(), (*m_values)(cell->y(), cell->x()));
    } else {
        emit hoverLeft();
    }
}

void ZoomableHeatmapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag == Drag::Band) {
        const QRect p = plotRect();
        const QRect band = QRect(m_dragStart.toPoint(), event->position().toPoint()).normalized() & p;
        m_drag = Drag::None;
        if (band.width() >= 3 && band.height() >= 3) {
            // Whole cells: from the cell under the band's first corner to the one under its last.
            const double x0 = m_view.x() + (band.left() - p.left()) * m_view.width() / p.width();
            const double y0 = m_view.y() + (band.top() - p.top()) * m_view.height() / p.height();
            const double x1 = m_view.x() + (band.right() + 1 - p.left()) * m_view.width() / p.width();
            const double y1 = m_view.y() + (band.bottom() + 1 - p.top()) * m_view.height() / p.height();
            setVisibleRange(QRectF(QPointF(std::floor(x0), std::floor(y0)), QPointF(std::ceil(x1), std::ceil(y1))));
        }
        update();
        return;
    }
    m_drag = Drag::None;
    unsetCursor();
}

void ZoomableHeatmapWidget::mouseDoubleClickEvent(QMouseEvent*) { resetZoom(); }

void ZoomableHeatmapWidget::leaveEvent(QEvent*) { emit hoverLeft(); }

}  // namespace attnviz::widgets
