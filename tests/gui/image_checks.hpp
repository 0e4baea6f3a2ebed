// SPDX-License-Identifier: GPL-3.0-or-later
// Checks on rendered images shared by the screenshot tests.
#pragma once

#include <QImage>
#include <QSet>

namespace attnviz_test {

// Distinct colours among every `step`-th pixel in both directions: a blank or single-colour
// image has 1, a drawn window has hundreds.
inline int colourCount(const QImage& image, int step = 3)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += step)
        for (int x = 0; x < image.width(); x += step) colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

}  // namespace attnviz_test
