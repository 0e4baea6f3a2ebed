// SPDX-License-Identifier: GPL-3.0-or-later
// The light and dark palettes, built in code on the Fusion style (which follows a QPalette
// fully, unlike native styles), so both look the same on every platform.
#pragma once

#include "playground/app_settings.hpp"

#include <QPalette>

namespace attnviz::gui {

QPalette lightPalette();
QPalette darkPalette();
// Sets Fusion and the palette on the whole application (System = Fusion's own palette).
void applyApplicationPalette(playground::AppSettings::Palette palette);

}  // namespace attnviz::gui
