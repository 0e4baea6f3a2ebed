// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/seq2seq_vector_strip_widget.hpp"

#include "attnviz/widgets/colormaps.hpp"

#include <QPainter>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

VectorStripWidget::VectorStripWidget(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(44);
}

void VectorStripWidget::setValues(const std::vector<double>& values, const QString& caption)
{
    values_ = values;
    caption_ = caption;
    double m = 0.0;
    for (double v : values_)
        if (std::isfinite(v)) m = std::max(m, std::abs(v));
    QStringList cells;
    for (std::size_t i = 0; i < values_.size(); ++i) cells << QString::number(values_[i], 'f', 3);
    setToolTip(tr("The context vector of this step: the attention-weighted sum of the encoder's "
                  "outputs (%1 values), fed to the decoder's GRU with the previous token. "
                  "Colour: blue negative, red positive, scale ±%2.\n%3")
                   .arg(values_.size()).arg(m, 0, 'f', 3).arg(cells.join(QStringLiteral("  "))));
    update();
}

void VectorStripWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QFontMetrics fm(font());
    const int n = static_cast<int>(values_.size());
    p.setPen(palette().windowText().color());
    if (n == 0) {
        p.drawText(rect(), Qt::AlignCenter, tr("No context vector"));
        return;
    }
    double m = 0.0;
    for (double v : values_)
        if (std::isfinite(v)) m = std::max(m, std::abs(v));
    if (m == 0.0) m = 1.0;
    const QString text = caption_.isEmpty() ? tr("±%1").arg(m, 0, 'f', 2) : caption_;
    p.drawText(QRect(2, 0, width() - 4, fm.height()), Qt::AlignLeft, text);
    const QRectF strip(2, fm.height() + 2, width() - 4, height() - fm.height() - 4);
    QCPColorGradient gradient = makeGradient(Colormap::BlueWhiteRed);
    const double cell = strip.width() / n;
    for (int i = 0; i < n; ++i) {
        const double v = std::isfinite(values_[static_cast<std::size_t>(i)]) ? values_[static_cast<std::size_t>(i)] : 0.0;
        p.fillRect(QRectF(strip.left() + i * cell, strip.top(), cell + 0.5, strip.height()),
                   QColor::fromRgb(gradient.color(v, QCPRange(-m, m))));
    }
    p.setPen(palette().mid().color());
    p.drawRect(strip);
}

}  // namespace attnviz::widgets
