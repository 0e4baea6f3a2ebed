// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/seq2seq_attention_row_editor.hpp"

#include "attnviz/widgets/colormaps.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

AttentionRowEditor::AttentionRowEditor(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(false);
    setEditable(true);
}

void AttentionRowEditor::setEditable(bool on)
{
    editable_ = on;
    setCursor(on ? Qt::SizeVerCursor : Qt::ArrowCursor);
    setToolTip(on ? tr("The attention weights of this step over the source tokens. Drag a bar up or "
                       "down to ask \"what if the decoder had looked here?\": the other weights are "
                       "rescaled so the row still sums to 1 and the sentence is decoded again")
                  : tr("The attention weights of this step over the source tokens"));
}

void AttentionRowEditor::setFixedFrom(int first)
{
    fixedFrom_ = first;
    update();
}

void AttentionRowEditor::setRow(const QStringList& labels, const std::vector<double>& values)
{
    labels_ = labels;
    values_ = values;
    update();
}

QRectF AttentionRowEditor::plotArea() const
{
    const QFontMetrics fm(font());
    // Room for the value above the bars and the token below them.
    return QRectF(6, fm.height() + 4, width() - 12, height() - 2 * fm.height() - 14);
}

QRectF AttentionRowEditor::barSlot(int i) const
{
    const QRectF area = plotArea();
    const int n = std::max<int>(1, static_cast<int>(values_.size()));
    const double slot = area.width() / n;
    return QRectF(area.left() + slot * i, area.top(), slot, area.height());
}

double AttentionRowEditor::valueAt(double y) const
{
    const QRectF area = plotArea();
    return std::clamp((area.bottom() - y) / std::max(1.0, area.height()), 0.0, 1.0);
}

int AttentionRowEditor::barAt(double x) const
{
    for (int i = 0; i < static_cast<int>(values_.size()); ++i)
        if (x >= barSlot(i).left() && x < barSlot(i).right()) return i;
    return -1;
}

void AttentionRowEditor::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm(font());
    const QRectF area = plotArea();
    if (values_.empty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No step selected"));
        return;
    }
    p.setPen(QPen(palette().mid().color(), 1, Qt::DotLine));
    for (double g : {0.25, 0.5, 0.75, 1.0}) {
        const double y = area.bottom() - g * area.height();
        p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    }
    QCPColorGradient gradient = makeGradient(Colormap::Viridis);
    for (int i = 0; i < static_cast<int>(values_.size()); ++i) {
        const double v = std::isfinite(values_[static_cast<std::size_t>(i)])
                             ? std::clamp(values_[static_cast<std::size_t>(i)], 0.0, 1.0) : 0.0;
        const QRectF slot = barSlot(i);
        const QRectF bar(slot.left() + slot.width() * 0.15, area.bottom() - v * area.height(), slot.width() * 0.7,
                         v * area.height());
        const QColor fill = QColor::fromRgb(gradient.color(0.15 + 0.7 * v, QCPRange(0, 1)));
        p.setPen(QPen(fill.darker(140)));
        p.setBrush(i == dragging_ ? fill.lighter(125) : fill);
        p.drawRect(bar);
        const bool fixed = fixedFrom_ >= 0 && i >= fixedFrom_;
        if (fixed) p.fillRect(slot.adjusted(slot.width() * 0.15, 0, -slot.width() * 0.15, 0),
                              QBrush(palette().mid().color(), Qt::BDiagPattern));
        p.setPen(fixed ? palette().placeholderText().color() : palette().text().color());
        // The value above its bar, when it fits (many keys: the bars alone).
        const QString value = QString::number(v, 'f', 2);
        if (fm.horizontalAdvance(value) <= slot.width())
            p.drawText(QRectF(slot.left(), bar.top() - fm.height() - 2, slot.width(), fm.height()), Qt::AlignCenter,
                       value);
        const QString label = i < labels_.size() ? labels_[i] : QString::number(i);
        p.drawText(QRectF(slot.left(), area.bottom() + 4, slot.width(), fm.height()), Qt::AlignCenter,
                   fm.elidedText(label, Qt::ElideRight, static_cast<int>(slot.width())));
    }
    p.setPen(palette().mid().color());
    p.drawLine(area.bottomLeft(), area.bottomRight());
}

void AttentionRowEditor::mousePressEvent(QMouseEvent* event)
{
    if (!editable_ || event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    dragging_ = barAt(event->position().x());
    if (fixedFrom_ >= 0 && dragging_ >= fixedFrom_) dragging_ = -1;
    if (dragging_ >= 0) emit barEdited(dragging_, valueAt(event->position().y()));
    update();
}

void AttentionRowEditor::mouseMoveEvent(QMouseEvent* event)
{
    if (dragging_ < 0) return QWidget::mouseMoveEvent(event);
    emit barEdited(dragging_, valueAt(event->position().y()));
}

void AttentionRowEditor::mouseReleaseEvent(QMouseEvent* event)
{
    if (dragging_ < 0) return QWidget::mouseReleaseEvent(event);
    dragging_ = -1;
    update();
    emit dragFinished();
}

}  // namespace attnviz::widgets
