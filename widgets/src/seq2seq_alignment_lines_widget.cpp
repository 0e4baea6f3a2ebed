// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/seq2seq_alignment_lines_widget.hpp"

#include "attnviz/widgets/colormaps.hpp"

#include <QPainter>
#include <QPainterPath>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

namespace {
constexpr double kMaxWidth = 12.0;
}

AlignmentLinesWidget::AlignmentLinesWidget(QWidget* parent) : QWidget(parent)
{
    setToolTip(tr("Lines from the token emitted at this step to every source token: the thicker "
                  "and darker the line, the more attention the decoder paid to that token"));
}

void AlignmentLinesWidget::setData(AlignmentLinesData data)
{
    data_ = std::move(data);
    update();
}

double AlignmentLinesWidget::lineWidth(double weight)
{
    const double w = std::isfinite(weight) ? std::clamp(weight, 0.0, 1.0) : 0.0;
    return 0.5 + w * (kMaxWidth - 0.5);
}

void AlignmentLinesWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm(font());
    const int n = static_cast<int>(data_.sourceTokens.size());
    if (n == 0) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("Translate a sentence to see where each step looks"));
        return;
    }
    const int margin = 8, lineH = fm.height();
    // Layout: caption, target token box, lines, source token boxes (bottom).
    int top = margin;
    if (!data_.caption.isEmpty()) {
        p.setPen(palette().text().color());
        p.drawText(QRect(margin, top, width() - 2 * margin, lineH), Qt::AlignLeft, data_.caption);
        top += lineH + 2;
    }
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics bfm(bold);
    const QString target = data_.targetToken.isEmpty() ? QStringLiteral("?") : data_.targetToken;
    const int tw = bfm.horizontalAdvance(target) + 16;
    const QRect targetBox(width() / 2 - tw / 2, top, tw, lineH + 8);
    const int bottom = height() - margin - lineH - 8;
    const double slot = double(width() - 2 * margin) / n;
    // A dark viridis blue on a light base, a light green on a dark one: the lines must contrast.
    const bool darkBase = palette().base().color().lightness() < 128;
    const QColor strong = QColor::fromRgb(makeGradient(Colormap::Viridis).color(darkBase ? 0.7 : 0.25, QCPRange(0, 1)));

    // Weakest first so that the heavy lines are drawn on top.
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    auto weight = [&](int i) {
        return i < static_cast<int>(data_.weights.size()) && std::isfinite(data_.weights[static_cast<std::size_t>(i)])
                   ? std::clamp(data_.weights[static_cast<std::size_t>(i)], 0.0, 1.0)
                   : 0.0;
    };
    std::sort(order.begin(), order.end(), [&](int a, int b) { return weight(a) < weight(b); });
    const QPointF from(targetBox.center().x(), targetBox.bottom() + 1);
    for (int i : order) {
        const double w = weight(i);
        QColor c = strong;
        c.setAlphaF(0.12 + 0.88 * w);
        p.setPen(QPen(c, lineWidth(w), Qt::SolidLine, Qt::RoundCap));
        const QPointF to(margin + slot * (i + 0.5), bottom - 1);
        QPainterPath path(from);
        path.cubicTo(QPointF(from.x(), (from.y() + to.y()) / 2), QPointF(to.x(), (from.y() + to.y()) / 2), to);
        p.drawPath(path);
    }

    p.setPen(palette().text().color());
    p.setBrush(palette().alternateBase());
    p.setFont(bold);
    p.drawRoundedRect(targetBox, 4, 4);
    p.drawText(targetBox, Qt::AlignCenter, target);
    p.setFont(font());
    for (int i = 0; i < n; ++i) {
        const QRectF box(margin + slot * i + 1, bottom, slot - 2, lineH + 8);
        const QString text = fm.elidedText(data_.sourceTokens[i], Qt::ElideRight, static_cast<int>(box.width()) - 4);
        QColor fill = strong;
        fill.setAlphaF(0.08 + 0.5 * weight(i));
        p.setBrush(fill);
        p.setPen(palette().mid().color());
        p.drawRoundedRect(box, 3, 3);
        p.setPen(palette().text().color());
        p.drawText(box, Qt::AlignCenter, text);
    }
}

}  // namespace attnviz::widgets
