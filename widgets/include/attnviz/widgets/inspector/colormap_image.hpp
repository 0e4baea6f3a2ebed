// SPDX-License-Identifier: GPL-3.0-or-later
// Colouring float matrices into images with a colormap, and the colour scale legend drawn
// beside them. Shared by the inspector's thumbnail grid and its zoomable heatmap.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/widgets/colormaps.hpp"

#include <QImage>
#include <QRect>
#include <QRgb>

#include <array>

class QPainter;

namespace attnviz::widgets {

// 256 colours, low to high.
using ColorLut = std::array<QRgb, 256>;
ColorLut colorLut(Colormap c);

// One pixel per entry of `values` (rows × cols): value lo → lut[0], hi → lut[255], clamped;
// NaN → light grey. Format_RGB32.
QImage colorize(const inspect::FloatMatrix& values, float lo, float hi, const ColorLut& lut);

// A vertical colour bar in `bar` with tick labels at its right (lo at the bottom, hi at the top).
// Returns the width used by the labels.
int drawColorScale(QPainter& painter, QRect bar, float lo, float hi, const ColorLut& lut,
                   const QColor& text);

}  // namespace attnviz::widgets
