// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace attnviz::widgets {

namespace {
constexpr int kMinCell = 22;   // px: below this a head's pattern is no longer readable
constexpr int kMaxCell = 160;  // px: above this the grid only wastes space
}  // namespace

ThumbnailGridWidget::ThumbnailGridWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ThumbnailGridWidget::setThumbnails(int layers, int heads, QVector<QImage> images)
{
    m_layers = layers;
    m_heads = heads;
    m_images = std::move(images);
    if (m_images.size() != static_cast<qsizetype>(layers) * heads) m_layers = m_heads = 0, m_images.clear();
    m_currentLayer = m_currentHead = -1;
    updateGeometry();
    update();
}

void ThumbnailGridWidget::setCurrent(int layer, int head)
{
    m_currentLayer = layer;
    m_currentHead = head;
    update();
}

ThumbnailGridWidget::Grid ThumbnailGridWidget::gridFor(QSize size) const
{
    const QFontMetrics fm = fontMetrics();
    Grid g{};
    g.left = fm.horizontalAdvance(QStringLiteral("Layer 00")) + 10;
    g.top = 2 * fm.height() + 8;  // "Head" caption and the head numbers
    g.gap = 3;
    if (m_layers == 0 || m_heads == 0) return g.cell = kMinCell, g;
    // The largest square cells that fit both ways, so the whole model is seen without scrolling.
    const int byWidth = (size.width() - g.left - 4) / m_heads - g.gap;
    const int byHeight = (size.height() - g.top - 4) / m_layers - g.gap;
    g.cell = std::clamp(std::min(byWidth, byHeight), kMinCell, kMaxCell);
    // Centred when the height limits the cells: no empty band on one side only.
    g.left += std::max(0, (size.width() - g.left - 4 - m_heads * (g.cell + g.gap)) / 2);
    return g;
}

QSize ThumbnailGridWidget::minimumSizeHint() const
{
    const Grid g = gridFor(QSize(0, 0));
    return {g.left + m_heads * (kMinCell + g.gap) + 4, g.top + m_layers * (kMinCell + g.gap) + 4};
}

QSize ThumbnailGridWidget::sizeHint() const
{
    const Grid g = gridFor(QSize(0, 0));
    return {g.left + m_heads * (64 + g.gap) + 4, g.top + m_layers * (64 + g.gap) + 4};
}

QRect ThumbnailGridWidget::cellRect(int layer, int head) const
{
    const Grid g = gridFor(size());
    return {g.left + head * (g.cell + g.gap), g.top + layer * (g.cell + g.gap), g.cell, g.cell};
}

bool ThumbnailGridWidget::headAt(QPoint pixel, int* layer, int* head) const
{
    const Grid g = gridFor(size());
    if (pixel.x() < g.left || pixel.y() < g.top) return false;
    const int h = (pixel.x() - g.left) / (g.cell + g.gap), l = (pixel.y() - g.top) / (g.cell + g.gap);
    if (l >= m_layers || h >= m_heads || !cellRect(l, h).contains(pixel)) return false;
    *layer = l;
    *head = h;
    return true;
}

void ThumbnailGridWidget::paintAll(QPainter& painter, QSize size) const
{
    const QPalette& pal = palette();
    painter.fillRect(QRect(QPoint(0, 0), size), pal.color(QPalette::Base));
    painter.setFont(font());
    painter.setPen(pal.color(QPalette::Text));
    const QFontMetrics fm = painter.fontMetrics();
    if (m_images.isEmpty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
                         tr("Open an attention file (File → Open…, or drop it here)"));
        return;
    }
    const Grid g = gridFor(size);
    const int step = g.cell + g.gap;
    painter.drawText(QRect(g.left, 2, m_heads * step, fm.height()), Qt::AlignHCenter, tr("Head"));
    // Numbers every k-th column/row when cells are narrower than the text.
    const int headStep = std::max(1, (fm.horizontalAdvance(QStringLiteral("00")) + 4 + step - 1) / step);
    for (int h = 0; h < m_heads; h += headStep)
        painter.drawText(QRect(g.left + h * step, fm.height() + 4, g.cell, fm.height()), Qt::AlignCenter, QString::number(h));
    const int layerStep = std::max(1, (fm.height() + step - 1) / step);
    for (int l = 0; l < m_layers; l += layerStep)
        painter.drawText(QRect(0, g.top + l * step, g.left - 8, g.cell), Qt::AlignRight | Qt::AlignVCenter,
                         tr("Layer %1").arg(l));
    for (int l = 0; l < m_layers; ++l)
        for (int h = 0; h < m_heads; ++h) {
            const QImage& image = m_images[l * m_heads + h];
            // Filter when shrinking; enlarged cells stay crisp squares (a 5 × 5 head is 25 cells).
            painter.setRenderHint(QPainter::SmoothPixmapTransform, image.width() > g.cell);
            painter.drawImage(QRect(g.left + h * step, g.top + l * step, g.cell, g.cell), image);
        }
    if (m_currentLayer >= 0 && m_currentLayer < m_layers && m_currentHead >= 0 && m_currentHead < m_heads) {
        painter.setPen(QPen(pal.color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRect(g.left + m_currentHead * step, g.top + m_currentLayer * step, g.cell, g.cell)
                             .adjusted(-2, -2, 1, 1));
    }
}

void ThumbnailGridWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    paintAll(painter, size());
}

void ThumbnailGridWidget::paintExport(QPainter& painter, QSize size) const { paintAll(painter, size); }

void ThumbnailGridWidget::mousePressEvent(QMouseEvent* event)
{
    int l = 0, h = 0;
    if (event->button() == Qt::LeftButton && headAt(event->position().toPoint(), &l, &h)) emit headClicked(l, h);
}

bool ThumbnailGridWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        int l = 0, h = 0;
        if (headAt(help->pos(), &l, &h))
            QToolTip::showText(help->globalPos(), tr("Layer %1, head %2: click to open it in the heatmap").arg(l).arg(h), this);
        else
            QToolTip::showText(help->globalPos(), tr("Every head of every layer; click one to study it"), this);
        return true;
    }
    return QWidget::event(e);
}

}  // namespace attnviz::widgets
