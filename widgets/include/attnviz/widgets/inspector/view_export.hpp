// SPDX-License-Identifier: GPL-3.0-or-later
// Saving a painted view (model grid, head view, heatmap) as PNG, SVG or PDF at a chosen size.
// The views draw with QPainter only, so one paint routine serves the screen and every format.
#pragma once

#include <QSize>
#include <QString>

class QPainter;

namespace attnviz::widgets {

// Implemented by every inspector view that can be exported.
class ExportableView {
public:
    virtual ~ExportableView() = default;
    // Draws the whole view (not only what a scroll area shows) into (0, 0, size).
    virtual void paintExport(QPainter& painter, QSize size) const = 0;
};

// By suffix: .png (QImage), .svg (QSvgGenerator, width/height = size), .pdf (QPdfWriter, one
// page of size points). Written through QSaveFile, so a failure leaves an existing file intact.
// False with *error set on an unknown suffix, an empty size or a write failure.
bool exportView(const ExportableView& view, const QString& path, QSize size, QString* error = nullptr);

}  // namespace attnviz::widgets
