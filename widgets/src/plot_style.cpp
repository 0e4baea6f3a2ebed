// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/plot_style.hpp"

#include <QPalette>
#include <qcustomplot.h>

namespace attnviz::widgets {

namespace {

void styleAxis(QCPAxis* axis, const QColor& text, const QColor& grid)
{
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    if (axis->basePen().style() != Qt::NoPen) axis->setBasePen(QPen(text));
    if (axis->grid()) axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
}

}  // namespace

void applyPlotPalette(QCustomPlot* plot, const QPalette& palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const QColor grid = palette.color(QPalette::Mid);
    plot->setBackground(base);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) styleAxis(axis, text, grid);
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
        if (auto* scale = qobject_cast<QCPColorScale*>(e)) styleAxis(scale->axis(), text, grid);
        if (auto* label = qobject_cast<QCPTextElement*>(e)) label->setTextColor(text);
    }
}

}  // namespace attnviz::widgets
