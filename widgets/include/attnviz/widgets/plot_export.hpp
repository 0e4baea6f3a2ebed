// SPDX-License-Identifier: GPL-3.0-or-later
// Saving a QCustomPlot as PNG, SVG or PDF at a chosen size, shared by every plot widget.
#pragma once

#include <QSize>
#include <QString>

class QCustomPlot;

namespace attnviz::widgets {

enum class PlotFormat { Png, Svg, Pdf };

// By suffix (case-insensitive): .png, .svg, .pdf. nullopt-like false for anything else.
bool plotFormatFromPath(const QString& path, PlotFormat* format);

// Renders `plot` at `size` logical pixels (the on-screen widget is left as it is). PNG is
// written at `scale` × size pixels, so 2 gives a crisp image for slides. Returns false and
// sets *error (when given) on an unknown suffix or a write failure.
bool exportPlot(QCustomPlot* plot, const QString& path, QSize size, double scale = 1.0,
                QString* error = nullptr);

}  // namespace attnviz::widgets
