// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/plot_export.hpp"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace attnviz::widgets {

bool plotFormatFromPath(const QString& path, PlotFormat* format)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"png") *format = PlotFormat::Png;
    else if (suffix == u"svg") *format = PlotFormat::Svg;
    else if (suffix == u"pdf") *format = PlotFormat::Pdf;
    else return false;
    return true;
}

namespace {

bool saveSvg(QCustomPlot* plot, const QString& path, QSize size)
{
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(QStringLiteral("attnviz"));
    generator.setDescription(QStringLiteral("Exported by attnviz"));
    QCPPainter painter;
    if (!painter.begin(&generator)) return false;
    // As QCustomPlot::savePdf does: vectorized makes colour maps embed a high-resolution image
    // instead of a screen-resolution one; toPainter lays the plot out for `size` and draws.
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot->toPainter(&painter, size.width(), size.height());
    return painter.end() && QFileInfo(path).size() > 0;
}

}  // namespace

bool exportPlot(QCustomPlot* plot, const QString& path, QSize size, double scale, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error) *error = message;
        return false;
    };
    PlotFormat format;
    if (!plotFormatFromPath(path, &format))
        return fail(QStringLiteral("Unknown image format for “%1”: use .png, .svg or .pdf.").arg(path));
    if (!size.isValid() || size.isEmpty()) size = plot->size();
    bool ok = false;
    switch (format) {
    case PlotFormat::Png: ok = plot->savePng(path, size.width(), size.height(), scale); break;
    case PlotFormat::Svg: ok = saveSvg(plot, path, size); break;
    case PlotFormat::Pdf: ok = plot->savePdf(path, size.width(), size.height()); break;
    }
    if (!ok) return fail(QStringLiteral("Could not write “%1”.").arg(path));
    return true;
}

}  // namespace attnviz::widgets
