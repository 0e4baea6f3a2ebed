// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/colormap_image.hpp"

#include <QPainter>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnviz::widgets {

ColorLut colorLut(Colormap c)
{
    QCPColorGradient gradient = makeGradient(c);
    ColorLut lut{};
    for (int i = 0; i < 256; ++i) lut[static_cast<std::size_t>(i)] = gradient.color(i / 255.0, QCPRange(0, 1));
    return lut;
}

QImage colorize(const inspect::FloatMatrix& values, float lo, float hi, const ColorLut& lut)
{
    QImage image(static_cast<int>(values.cols()), static_cast<int>(values.rows()), QImage::Format_RGB32);
    const float scale = hi > lo ? 255.f / (hi - lo) : 0.f;
    const QRgb nan = qRgb(220, 220, 220);
    for (int r = 0; r < image.height(); ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        const float* row = values.data() + static_cast<std::ptrdiff_t>(r) * values.cols();
        for (int c = 0; c < image.width(); ++c) {
            const float v = row[c];
            if (std::isnan(v)) {
                line[c] = nan;
                continue;
            }
            const float k = std::clamp((v - lo) * scale, 0.f, 255.f);
            line[c] = lut[static_cast<std::size_t>(k + 0.5f)];
        }
    }
    return image;
}

int drawColorScale(QPainter& painter, QRect bar, float lo, float hi, const ColorLut& lut,
                   const QColor& text)
{
    if (bar.height() < 2) return 0;
    QImage strip(1, 256, QImage::Format_RGB32);
    for (int i = 0; i < 256; ++i) strip.setPixel(0, 255 - i, lut[static_cast<std::size_t>(i)]);
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(bar, strip);
    painter.setPen(text);
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    const QFontMetrics fm = painter.fontMetrics();
    int used = 0;
    const int ticks = bar.height() > 6 * fm.height() ? 5 : 2;
    for (int t = 0; t < ticks; ++t) {
        const double f = static_cast<double>(t) / (ticks - 1);
        const double v = lo + f * (static_cast<double>(hi) - lo);
        const int y = bar.bottom() - static_cast<int>(std::lround(f * (bar.height() - 1)));
        const QString label = QString::number(v, 'g', 3);
        painter.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        const int w = fm.horizontalAdvance(label);
        painter.drawText(QRect(bar.right() + 6, y - fm.height() / 2, w + 2, fm.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, label);
        used = std::max(used, w + 8);
    }
    painter.restore();
    return used;
}

}  // namespace attnviz::widgets
