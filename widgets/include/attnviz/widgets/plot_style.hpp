// SPDX-License-Identifier: GPL-3.0-or-later
// QCustomPlot ignores the widget palette (white background, black text); this gives a plot the
// colours of the application's light or dark palette.
#pragma once

class QCustomPlot;
class QPalette;

namespace attnviz::widgets {

// Background from QPalette::Base, text, ticks and axis labels from QPalette::Text, grid lines
// from QPalette::Mid; also colour scales and text elements. Call again on PaletteChange.
void applyPlotPalette(QCustomPlot* plot, const QPalette& palette);

}  // namespace attnviz::widgets
