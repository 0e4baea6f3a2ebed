// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/inspector/view_export.hpp"

#include "attnviz/widgets/plot_export.hpp"

#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include "attnviz/core/atomic_write.hpp"
#include <QSvgGenerator>

namespace attnviz::widgets {

namespace {

bool writePng(const ExportableView& view, QSaveFile& file, QSize size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        view.paintExport(painter, size);
    }
    return image.save(&file, "PNG");
}

bool writeSvg(const ExportableView& view, QSaveFile& file, QSize size)
{
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(QStringLiteral("attnviz"));
    generator.setDescription(QStringLiteral("Exported by attnviz"));
    QPainter painter;
    if (!painter.begin(&generator)) return false;
    view.paintExport(painter, size);
    return painter.end();
}

bool writePdf(const ExportableView& view, QSaveFile& file, QSize size)
{
    // One page exactly `size` points, no margins, 72 dpi: one logical pixel is one point.
    QPdfWriter writer(&file);
    writer.setCreator(QStringLiteral("attnviz"));
    writer.setResolution(72);
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(size), QPageSize::Point), QPageLayout::Portrait,
                                     QMarginsF(0, 0, 0, 0)));
    QPainter painter;
    if (!painter.begin(&writer)) return false;
    view.paintExport(painter, size);
    return painter.end();
}

}  // namespace

bool exportView(const ExportableView& view, const QString& path, QSize size, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error) *error = message;
        return false;
    };
    PlotFormat format;
    if (!plotFormatFromPath(path, &format))
        return fail(QStringLiteral("Unknown image format for “%1”: use .png, .svg or .pdf.").arg(path));
    if (size.isEmpty()) return fail(QStringLiteral("The image size must be at least 1 × 1 pixels."));
    // A device or FIFO must not be replaced by QSaveFile's rename: the core's check refuses it.
    try {
        files::check_save_target(path.toStdString());
    } catch (const std::exception& e) {
        return fail(QStringLiteral("Could not write “%1”: %2").arg(path, QString::fromUtf8(e.what())));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("Could not write “%1”: %2").arg(path, file.errorString()));
    bool ok = false;
    switch (format) {
    case PlotFormat::Png: ok = writePng(view, file, size); break;
    case PlotFormat::Svg: ok = writeSvg(view, file, size); break;
    case PlotFormat::Pdf: ok = writePdf(view, file, size); break;
    }
    if (!ok || !file.commit())
        return fail(QStringLiteral("Could not write “%1”: %2").arg(path, file.errorString()));
    return true;
}

}  // namespace attnviz::widgets
