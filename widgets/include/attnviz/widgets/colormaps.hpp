// SPDX-License-Identifier: GPL-3.0-or-later
// Named colormaps as QCustomPlot gradients. QCustomPlot 2.1 ships none that is perceptually
// uniform, and a rainbow map invents edges that are not in the data, so we define our own.
#pragma once

#include <QString>

#include <array>
#include <optional>

class QCPColorGradient;

namespace attnviz::widgets {

enum class Colormap {
    Viridis,       // default: perceptually uniform, readable in grey and by most colour-blind users
    Magma,         // perceptually uniform, black → white through purple and orange
    Greys,         // white → black, for print
    BlueWhiteRed,  // diverging, white at the middle: for differences (centre the range on 0)
};

inline constexpr std::array<Colormap, 4> kAllColormaps = {
    Colormap::Viridis, Colormap::Magma, Colormap::Greys, Colormap::BlueWhiteRed};

// Stable id for settings and sessions: "viridis", "magma", "greys", "blue-white-red".
QString colormapId(Colormap c);
// For a picker: "Viridis", "Magma", "Greys", "Blue–white–red (diverging)".
QString colormapDisplayName(Colormap c);
std::optional<Colormap> colormapFromId(const QString& id);
// Diverging maps want a range symmetric about zero when autoscaled.
bool isDiverging(Colormap c);

// A gradient with RGB interpolation between the colormap's stops, 256 levels, and NaN cells
// (the widgets' "no value") drawn light grey.
QCPColorGradient makeGradient(Colormap c);

}  // namespace attnviz::widgets
