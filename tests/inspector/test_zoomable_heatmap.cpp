// SPDX-License-Identifier: GPL-3.0-or-later
// The inspector's zoomable heatmap, thumbnail grid and head view, driven by mouse events as a
// user would, and their export to PNG / SVG / PDF.
#include "attnviz/core/inspect/downsample.hpp"
#include "attnviz/widgets/inspector/head_lines_widget.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/view_export.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

using namespace attnviz;
using attnviz::widgets::ZoomableHeatmapWidget;

namespace {

// n × n with a(i, j) = (i·n + j) / n², labels "t0", "t1", ...
inspect::HeadView ramp(int n)
{
    Matrix m(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) m(i, j) = static_cast<double>(i * n + j) / (n * n);
    return inspect::float_view(m);
}

QStringList labels(int n)
{
    QStringList out;
    for (int i = 0; i < n; ++i) out << QStringLiteral("t%1").arg(i);
    return out;
}

}  // namespace

class TestZoomableHeatmap : public QObject {
    Q_OBJECT

private slots:
    void wheelZoomsAboutTheCursorAndLabelsAppear()
    {
        ZoomableHeatmapWidget w;
        w.resize(500, 460);
        w.setData(ramp(128), labels(128), labels(128));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.visibleRange(), QRectF(0, 0, 128, 128));
        // 128 rows in ~340 px: too tight for text, so every k-th label only.
        QVERIFY(w.rowLabelStep() > 1);
        QVERIFY(w.shownRowLabels().size() < 128);
        QCOMPARE(w.shownRowLabels().at(1), w.rowLabelStep());

        QSignalSpy changed(&w, &ZoomableHeatmapWidget::visibleRangeChanged);
        const QPointF at = w.pixelOfCell(64, 32);
        for (int i = 0; i < 8; ++i) {
            QWheelEvent wheel(at, w.mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&w, &wheel);
        }
        QVERIFY(changed.count() >= 1);
        const QRectF v = w.visibleRange();
        QVERIFY2(v.width() < 8 && v.height() < 8, qPrintable(QString::number(v.width())));
        // The cell under the cursor stayed under it.
        const auto cell = w.cellAt(at);
        QVERIFY(cell);
        QCOMPARE(*cell, QPoint(32, 64));
        // Zoomed in, every visible label is drawn.
        QCOMPARE(w.rowLabelStep(), 1);
        QCOMPARE(w.columnLabelStep(), 1);
        QVERIFY(w.shownRowLabels().contains(64));
        QVERIFY(w.shownColumnLabels().contains(32));

        w.resetZoom();
        QCOMPARE(w.visibleRange(), QRectF(0, 0, 128, 128));
    }

    void shiftDragZoomsToTheSelection()
    {
        ZoomableHeatmapWidget w;
        w.resize(520, 520);
        w.setData(ramp(64), labels(64), labels(64));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QPoint from = w.pixelOfCell(10, 20).toPoint();  // row 10, column 20
        const QPoint to = w.pixelOfCell(19, 29).toPoint();
        QTest::mousePress(&w, Qt::LeftButton, Qt::ShiftModifier, from);
        QTest::mouseMove(&w, to);
        QTest::mouseRelease(&w, Qt::LeftButton, Qt::ShiftModifier, to);
        QCOMPARE(w.visibleRange(), QRectF(20, 10, 10, 10));
    }

    void dragPans()
    {
        ZoomableHeatmapWidget w;
        w.resize(520, 520);
        w.setData(ramp(64), labels(64), labels(64));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setVisibleRange(QRectF(20, 20, 16, 16));
        const double cell = w.plotRect().width() / 16.0;
        const QPoint start = w.plotRect().center();
        QTest::mousePress(&w, Qt::LeftButton, Qt::NoModifier, start);
        QTest::mouseMove(&w, start + QPoint(static_cast<int>(4 * cell), 0));
        QTest::mouseRelease(&w, Qt::LeftButton, Qt::NoModifier, start + QPoint(static_cast<int>(4 * cell), 0));
        QVERIFY2(std::abs(w.visibleRange().x() - 16) < 0.2, qPrintable(QString::number(w.visibleRange().x())));
        QCOMPARE(w.visibleRange().y(), 20.0);
    }

    void hoverNamesTokensAndValue()
    {
        ZoomableHeatmapWidget w;
        w.resize(400, 400);
        w.setData(ramp(8), labels(8), labels(8));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy hovered(&w, &ZoomableHeatmapWidget::cellHovered);
        QTest::mouseMove(&w, w.pixelOfCell(3, 5).toPoint());
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.at(0).at(0).toInt(), 3);
        QCOMPARE(hovered.at(0).at(1).toInt(), 5);
        QCOMPARE(hovered.at(0).at(2).toFloat(), 29.0f / 64.0f);
        QCOMPARE(w.describeCell(3, 5), QStringLiteral("query 3 “t3” → key 5 “t5”: 0.4531"));
    }

    void paintsTheValuesWithTheColormap()
    {
        ZoomableHeatmapWidget w;
        w.resize(400, 400);
        w.setData(ramp(4), labels(4), labels(4));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage shot = w.grab().toImage();
        const widgets::ColorLut lut = widgets::colorLut(widgets::Colormap::Viridis);
        // Cell (0, 0) is the minimum (lut[0]); cell (3, 3) the maximum (lut[255]).
        QCOMPARE(shot.pixel(w.pixelOfCell(0, 0).toPoint()), lut[0]);
        QCOMPARE(shot.pixel(w.pixelOfCell(3, 3).toPoint()), lut[255]);
    }

    void exportsPngSvgPdfOfTheChosenSize()
    {
        ZoomableHeatmapWidget w;
        w.resize(300, 300);
        w.setData(ramp(32), labels(32), labels(32));
        QTemporaryDir dir;
        QString error;
        QVERIFY2(widgets::exportView(w, dir.filePath("h.png"), QSize(640, 360), &error), qPrintable(error));
        QCOMPARE(QImage(dir.filePath("h.png")).size(), QSize(640, 360));
        QVERIFY2(widgets::exportView(w, dir.filePath("h.svg"), QSize(640, 360), &error), qPrintable(error));
        QFile svg(dir.filePath("h.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray text = svg.readAll();
        QVERIFY2(text.contains("viewBox=\"0 0 640 360\""), text.left(400).constData());
        // QSvgGenerator writes width and height in millimetres at its resolution (72 dpi here).
        const auto size = QRegularExpression(QStringLiteral("<svg width=\"([0-9.]+)mm\" height=\"([0-9.]+)mm\""))
                              .match(QString::fromUtf8(text));
        QVERIFY2(size.hasMatch(), text.left(400).constData());
        QVERIFY(std::abs(size.captured(1).toDouble() / 25.4 * 72 - 640) < 0.5);
        QVERIFY(std::abs(size.captured(2).toDouble() / 25.4 * 72 - 360) < 0.5);
        QVERIFY2(widgets::exportView(w, dir.filePath("h.pdf"), QSize(640, 360), &error), qPrintable(error));
        QFile pdf(dir.filePath("h.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        // One page of 640 × 360 points.
        const auto box = QRegularExpression(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"))
                             .match(QString::fromLatin1(bytes));
        QVERIFY2(box.hasMatch(), "no /MediaBox");
        QCOMPARE(box.captured(1).toDouble(), 640.0);
        QCOMPARE(box.captured(2).toDouble(), 360.0);
        QVERIFY(!widgets::exportView(w, dir.filePath("h.bmp"), QSize(10, 10), &error));
        QVERIFY(error.contains(".png"));
    }

    void thumbnailClickNamesTheHead()
    {
        widgets::ThumbnailGridWidget grid;
        grid.resize(400, 300);
        QVector<QImage> images;
        for (int i = 0; i < 6; ++i) {
            QImage im(4, 4, QImage::Format_RGB32);
            im.fill(QColor::fromHsv(i * 50, 200, 200));
            images << im;
        }
        grid.setThumbnails(2, 3, images);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QSignalSpy clicked(&grid, &widgets::ThumbnailGridWidget::headClicked);
        QTest::mouseClick(&grid, Qt::LeftButton, {}, grid.cellRect(1, 2).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 1);
        QCOMPARE(clicked.at(0).at(1).toInt(), 2);
        QCOMPARE(grid.grab().toImage().pixel(grid.cellRect(1, 2).center()), QColor::fromHsv(250, 200, 200).rgb());
    }

    void headViewHoverIsolatesAndThresholdSkips()
    {
        // 4 tokens, a_ij = 0.25 everywhere except row 0 = one-hot on key 0.
        Matrix a = Matrix::Constant(4, 4, 0.25);
        a.row(0) << 1, 0, 0, 0;
        widgets::HeadLinesWidget w;
        w.resize(400, 300);
        w.setData(labels(4), labels(4), {{0, Qt::red, inspect::float_view(a)}, {1, Qt::blue, inspect::float_view(a)}});
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.grab();
        QCOMPARE(w.linesDrawn(), 2 * (1 + 3 * 4));
        QTest::mouseMove(&w, w.tokenRect(widgets::HeadLinesWidget::Side::Query, 2).center());
        QCOMPARE(w.hoverSide(), widgets::HeadLinesWidget::Side::Query);
        QCOMPARE(w.hoverIndex(), 2);
        w.grab();
        QCOMPARE(w.linesDrawn(), 2 * 4);  // only query 2's lines, both heads
        w.setHover(widgets::HeadLinesWidget::Side::None, -1);
        w.setThreshold(0.5);
        w.grab();
        QCOMPARE(w.linesDrawn(), 2);  // only the one-hot row
    }
};

QTEST_MAIN(TestZoomableHeatmap)
#include "test_zoomable_heatmap.moc"
