// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/head_lines_widget.hpp"

#include "attnviz/widgets/text_width.hpp"

#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

namespace {
constexpr int kMaxColumnWidth = 140;  // px; longer tokens are elided
constexpr int kMinLineSpan = 120;     // px between the two columns
constexpr int kMaxLineSpan = 380;     // wider only flattens the lines: centre the drawing instead
}  // namespace

HeadLinesWidget::HeadLinesWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setToolTip(tr("Left: query tokens; right: key tokens. A line's opacity is the weight. "
                  "Hover a token to keep only its lines."));
}

QColor HeadLinesWidget::headColour(int head)
{
    // Tableau 10 and two more: distinct hues that stay apart on white and on dark grey.
    static const QColor colours[] = {
        QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
        QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
        QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf), QColor(0x00, 0x00, 0x80), QColor(0x80, 0x80, 0x00)};
    return colours[head % 12];
}

void HeadLinesWidget::setData(QStringList queryTokens, QStringList keyTokens, QVector<Head> heads)
{
    m_queries = std::move(queryTokens);
    m_keys = std::move(keyTokens);
    m_heads = std::move(heads);
    updateColumnWidth();
    if (m_hoverIndex >= static_cast<int>(std::max(m_queries.size(), m_keys.size()))) m_hoverSide = Side::None, m_hoverIndex = -1;
    updateGeometry();
    update();
}

QString HeadLinesWidget::caption(Side side)
{
    return side == Side::Query ? tr("Queries") : side == Side::Key ? tr("Keys") : QString();
}

QFont HeadLinesWidget::captionFont() const
{
    QFont bold = font();
    bold.setBold(true);
    return bold;
}

void HeadLinesWidget::updateColumnWidth()
{
    // Wide enough for the longest token (up to kMaxColumnWidth; longer ones are elided) and
    // for the bold column captions, which are never cut: with one-digit tokens the column was
    // narrower than "Queries", and the caption lost its first letter (issue 11).
    int widest = textWidth(font(), QStringLiteral("000"));
    for (const QStringList* list : {&m_queries, &m_keys})
        for (const QString& s : *list) {
            widest = std::max(widest, textWidth(font(), s));
            if (widest >= kMaxColumnWidth) break;
        }
    widest = std::min(widest, kMaxColumnWidth);
    for (Side side : {Side::Query, Side::Key}) widest = std::max(widest, textWidth(captionFont(), caption(side)));
    m_columnWidth = widest + 12;  // the token's box leaves 4 px before and 6 px after the text
}

QRect HeadLinesWidget::captionRect(Side side) const { return captionRect(side, geometryFor(size())); }

QRect HeadLinesWidget::captionRect(Side side, const Geometry& g) const
{
    const int h = QFontMetrics(captionFont()).height();
    // The query caption ends 6 px before the lines start, as the tokens do; the key caption
    // starts 4 px after them.
    if (side == Side::Query) return {g.left, 2, g.columnWidth - 6, h};
    if (side == Side::Key) return {g.left + g.width - g.columnWidth + 4, 2, g.columnWidth - 4, h};
    return {};
}

void HeadLinesWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange) {
        updateColumnWidth();
        updateGeometry();
        update();
    }
    QWidget::changeEvent(event);
}

void HeadLinesWidget::setThreshold(double t)
{
    m_threshold = t;
    update();
}

void HeadLinesWidget::setHover(Side side, int index)
{
    if (side == m_hoverSide && index == m_hoverIndex) return;
    m_hoverSide = side;
    m_hoverIndex = side == Side::None ? -1 : index;
    update();
}

QSize HeadLinesWidget::sizeHint() const
{
    const int n = static_cast<int>(std::max(m_queries.size(), m_keys.size()));
    return {2 * m_columnWidth + 2 * kMinLineSpan, fontMetrics().height() * 2 + n * (fontMetrics().height() + 2) + 8};
}

QSize HeadLinesWidget::minimumSizeHint() const { return {2 * m_columnWidth + kMinLineSpan, sizeHint().height()}; }

HeadLinesWidget::Geometry HeadLinesWidget::geometryFor(QSize size) const
{
    const int n = std::max<int>(1, static_cast<int>(std::max(m_queries.size(), m_keys.size())));
    Geometry g{};
    g.top = fontMetrics().height() * 1.6 + 6;  // column captions
    g.rowHeight = std::max(1.0, (size.height() - g.top - 4) / n);
    g.columnWidth = m_columnWidth;
    const int span = std::clamp(size.width() - 2 * m_columnWidth, kMinLineSpan, kMaxLineSpan);
    g.width = 2 * m_columnWidth + span;
    g.left = std::max(0, (size.width() - g.width) / 2);
    return g;
}

QRect HeadLinesWidget::tokenRect(Side side, int index) const
{
    const Geometry g = geometryFor(size());
    const int y = static_cast<int>(g.top + index * g.rowHeight);
    const int h = static_cast<int>(std::ceil(g.rowHeight));
    if (side == Side::Query) return {g.left, y, g.columnWidth, h};
    if (side == Side::Key) return {g.left + g.width - g.columnWidth, y, g.columnWidth, h};
    return {};
}

HeadLinesWidget::Side HeadLinesWidget::tokenAt(QPoint pixel, int* index) const
{
    const Geometry g = geometryFor(size());
    const int i = static_cast<int>(std::floor((pixel.y() - g.top) / g.rowHeight));
    const int x = pixel.x() - g.left;
    if (pixel.y() < g.top || i < 0) return Side::None;
    if (x >= 0 && x < g.columnWidth && i < m_queries.size()) return *index = i, Side::Query;
    if (x >= g.width - g.columnWidth && x < g.width && i < m_keys.size()) return *index = i, Side::Key;
    return Side::None;
}

int HeadLinesWidget::paintAll(QPainter& painter, QSize size, QRect exposed) const
{
    const QPalette& pal = palette();
    painter.fillRect(exposed, pal.color(QPalette::Base));
    painter.setFont(font());
    const QFontMetrics fm = painter.fontMetrics();
    painter.setPen(pal.color(QPalette::Text));
    if (m_heads.isEmpty()) {
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
                         m_queries.isEmpty() ? tr("No attention file open") : tr("Choose at least one head"));
        return 0;
    }
    const Geometry g = geometryFor(size);
    painter.setFont(captionFont());
    painter.drawText(captionRect(Side::Query, g), Qt::AlignRight, caption(Side::Query));
    painter.drawText(captionRect(Side::Key, g), Qt::AlignLeft, caption(Side::Key));
    painter.setFont(font());

    // Tokens, with the hovered one highlighted; text thinned when rows are shorter than a line.
    const int textStep = std::max(1, static_cast<int>(std::ceil(fm.height() / g.rowHeight)));
    auto drawColumn = [&](const QStringList& tokens, Side side) {
        for (int i = 0; i < tokens.size(); ++i) {
            const QRectF r(g.left + (side == Side::Query ? 0 : g.width - g.columnWidth), g.top + i * g.rowHeight, g.columnWidth,
                           g.rowHeight);
            if (!r.intersects(exposed)) continue;
            const bool hovered = m_hoverSide == side && m_hoverIndex == i;
            if (hovered) painter.fillRect(r, pal.color(QPalette::Highlight));
            if (i % textStep != 0 && !hovered) continue;
            painter.setPen(hovered ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text));
            const QRectF textBox = r.adjusted(4, 0, -6, 0);
            const QRectF centred(textBox.x(), r.center().y() - fm.height() / 2.0, textBox.width(), fm.height());
            painter.drawText(centred, (side == Side::Query ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                             fm.elidedText(tokens[i], Qt::ElideRight, static_cast<int>(textBox.width())));
        }
    };
    drawColumn(m_queries, Side::Query);
    drawColumn(m_keys, Side::Key);

    // Lines: queries i → keys j where a_ij ≥ threshold; only those touching the exposed band.
    painter.setRenderHint(QPainter::Antialiasing, true);
    const double x0 = g.left + g.columnWidth + 2, x1 = g.left + g.width - g.columnWidth - 2;
    const double lineWidth = std::clamp(g.rowHeight / 6.0, 1.0, 2.5);
    int drawn = 0;
    const int nq = static_cast<int>(m_queries.size()), nk = static_cast<int>(m_keys.size());
    for (const Head& head : m_heads) {
        QColor c = head.colour;
        for (int i = 0; i < nq; ++i) {
            if (m_hoverSide == Side::Query && i != m_hoverIndex) continue;
            const double yi = g.top + (i + 0.5) * g.rowHeight;
            for (int j = 0; j < nk; ++j) {
                if (m_hoverSide == Side::Key && j != m_hoverIndex) continue;
                const float w = head.weights(i, j);
                if (!(w >= m_threshold)) continue;
                const double yj = g.top + (j + 0.5) * g.rowHeight;
                if (std::max(yi, yj) < exposed.top() || std::min(yi, yj) > exposed.bottom()) continue;
                // Several heads on one pair stay visible: each is at most 85 % opaque.
                c.setAlphaF(static_cast<float>(std::min(1.0, static_cast<double>(w)) * 0.85));
                painter.setPen(QPen(c, lineWidth));
                painter.drawLine(QPointF(x0, yi), QPointF(x1, yj));
                ++drawn;
            }
        }
    }
    return drawn;
}

void HeadLinesWidget::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    m_linesDrawn = paintAll(painter, size(), event->rect());
}

void HeadLinesWidget::paintExport(QPainter& painter, QSize size) const
{
    paintAll(painter, size, QRect(QPoint(0, 0), size));
}

void HeadLinesWidget::mouseMoveEvent(QMouseEvent* event)
{
    int index = -1;
    const Side side = tokenAt(event->position().toPoint(), &index);
    setHover(side, index);
}

void HeadLinesWidget::leaveEvent(QEvent*) { setHover(Side::None, -1); }

}  // namespace attnviz::widgets
