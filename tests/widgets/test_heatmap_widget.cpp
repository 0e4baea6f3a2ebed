// SPDX-License-Identifier: GPL-3.0-or-later
// HeatmapWidget: the colour map holds the snapshot's values, clicks map to cells, exports work.
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <limits>

using namespace attnviz;
using namespace attnviz::widgets;

namespace {

// 3 queries × 4 keys, causal-style mask on the last key of row 0.
HeatmapData sample()
{
    HeatmapData d;
    Matrix values(3, 4);
    values << 0.5, 0.3, 0.2, 0.0,  //
        0.1, 0.2, 0.3, 0.4,        //
        0.25, 0.25, 0.25, 0.25;
    BoolMatrix masked = BoolMatrix::Constant(3, 4, false);
    masked(0, 3) = true;
    d.values = values;
    d.masked = masked;
    d.rowLabels = {"I", "like", "tea"};
    d.colLabels = {"je", "aime", "le", "thé"};
    Matrix logits = values.array().log();
    logits(0, 3) = -std::numeric_limits<double>::infinity();
    d.extras = {{QStringLiteral("score"), Matrix(values * 10)}, {QStringLiteral("logit"), logits}};
    d.title = QStringLiteral("Weights");
    return d;
}

bool nonBlank(const QImage& img)
{
    if (img.isNull()) return false;
    const QRgb first = img.pixel(0, 0);
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            if (img.pixel(x, y) != first) return true;
    return false;
}

}  // namespace

class TestHeatmapWidget : public QObject {
    Q_OBJECT

private slots:
    void largeMatricesAreSampledForDrawingHoverStaysExact()
    {
        // 1500 × 3000 cells: more than a screen shows. The colour map keeps about one cell per
        // device pixel of the axis rect, each drawn cell taken from the matrix cell under it;
        // tooltips and autoscale read the snapshot.
        const Index rows = 1500, cols = 3000;
        Matrix v(rows, cols);
        for (Index c = 0; c < cols; ++c)
            for (Index r = 0; r < rows; ++r) v(r, c) = double(r * 10000 + c);
        widgets::HeatmapWidget w;
        w.resize(800, 600);
        w.setAutoscale(true);
        w.show();
        widgets::HeatmapData d;
        d.values = v;
        w.setData(d);
        w.replotNow();
        const QRect rect = w.plot()->axisRect()->rect();
        const double ratio = w.devicePixelRatioF();
        QCPColorMapData* cells = w.colorMap()->data();
        // At least one cell per pixel, rounded up to 128; fewer than the matrix has.
        QVERIFY2(cells->keySize() >= rect.width() * ratio && cells->keySize() < rect.width() * ratio + 128,
                 qPrintable(QStringLiteral("%1 cells for %2 px").arg(cells->keySize()).arg(rect.width())));
        QVERIFY(cells->valueSize() >= rect.height() * ratio && cells->valueSize() < rect.height() * ratio + 128);
        QCOMPARE(w.drawnCells(), QSize(cells->keySize(), cells->valueSize()));
        const int pairs[][2] = {{0, 0}, {749, 1500}, {1499, 2999}, {300, 17}};
        for (const auto& [r, c] : pairs) {
            const double x = cells->data(c, r);  // the drawn cell at matrix position (r, c)
            const Index sr = Index(x) / 10000, sc = Index(x) % 10000;
            QVERIFY2(std::abs(sr - r) <= rows / cells->valueSize() + 1, qPrintable(QString::number(sr)));
            QVERIFY2(std::abs(sc - c) <= cols / cells->keySize() + 1, qPrintable(QString::number(sc)));
        }
        QVERIFY2(w.cellToolTip(749, 1500).contains("7.4915e+06"), qPrintable(w.cellToolTip(749, 1500)));
        QCOMPARE(w.rangeUpper(), double((rows - 1) * 10000 + cols - 1));  // autoscale sees every cell

        // A bigger window gets more cells (never more than 1024 per axis), a smaller one fewer.
        const QSize before = w.drawnCells();
        w.resize(1500, 1200);
        w.replotNow();
        QVERIFY(w.drawnCells().width() > before.width());
        QVERIFY(w.drawnCells().width() <= 1024 && w.drawnCells().height() <= 1024);
        w.resize(300, 250);
        w.replotNow();
        QCOMPARE(w.drawnCells(), QSize(256, 256));  // the floor: small resizes do not resample
    }

    void aSampledMaskIsStillHatched()
    {
        // A causal mask over 2000 keys in a 400-pixel map: the drawn sample of the mask is
        // hatched and captioned just as the full one would be.
        const Index n = 2000;
        BoolMatrix causal(n, n);
        for (Index c = 0; c < n; ++c)
            for (Index r = 0; r < n; ++r) causal(r, c) = c > r;
        widgets::HeatmapWidget w;
        w.resize(400, 400);
        w.show();
        widgets::HeatmapData d;
        d.values = Matrix::Constant(n, n, 0.5);
        d.masked = causal;
        w.setData(d);
        w.replotNow();
        QVERIFY(w.drawnCells().width() < n);
        QCOMPARE(w.plot()->plotLayout()->rowCount(), 2);  // the cells' row and the caption
        QVERIFY(w.cellToolTip(0, 1).contains(QStringLiteral("(masked)")));
        QVERIFY(!w.cellToolTip(1, 0).contains(QStringLiteral("(masked)")));
    }

    void queryTokensShowWholeUnlessVeryLong()
    {
        // The default preset's third query, "looks for x or y", fits even a small step map;
        // a sentence-long token is cut with an ellipsis instead of squeezing the cells away.
        widgets::HeatmapWidget w;
        w.resize(290, 240);
        w.show();
        widgets::HeatmapData d;
        d.values = Matrix::Constant(2, 2, 0.5);
        const QString sentence = QStringLiteral("a query token as long as a whole sentence of text");
        d.rowLabels = {QStringLiteral("looks for x or y"), sentence};
        w.setData(d);
        w.replotNow();
        const auto ticks = w.plot()->yAxis->ticker().staticCast<QCPAxisTickerText>()->ticks();
        QCOMPARE(ticks.value(0), QStringLiteral("looks for x or y"));
        QVERIFY2(ticks.value(1).endsWith(QChar(0x2026)) && ticks.value(1).size() < sentence.size(),
                 qPrintable(ticks.value(1)));
    }

    void aGivenExtentSparesTheScan()
    {
        // The snapshot's producer knows the extent: autoscale takes it as it is.
        widgets::HeatmapWidget w;
        w.setAutoscale(true);
        widgets::HeatmapData d;
        d.values = Matrix::Constant(4, 4, 0.5);
        d.extent = ValueExtent{-3, 7};
        w.setData(d);
        QCOMPARE(w.rangeLower(), -3.0);
        QCOMPARE(w.rangeUpper(), 7.0);
        d.extent.reset();  // without it, the widget scans: all 0.5, widened to a visible range
        w.setData(d);
        QCOMPARE(w.rangeLower(), 0.0);
        QCOMPARE(w.rangeUpper(), 1.0);
    }

    void colorMapHoldsTheValues()
    {
        HeatmapWidget w;
        const HeatmapData d = sample();
        w.setData(d);
        QCPColorMapData* cells = w.colorMap()->data();
        QCOMPARE(cells->keySize(), 4);    // keys across
        QCOMPARE(cells->valueSize(), 3);  // queries down
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c) QCOMPARE(cells->cell(c, r), d.values(r, c));
        QCOMPARE(w.rangeLower(), 0.0);  // fixed [0, 1] by default
        QCOMPARE(w.rangeUpper(), 1.0);
        QVERIFY(w.plot()->yAxis->rangeReversed());  // row 0 at the top
    }

    void clickingACellEmitsItsRowAndColumn()
    {
        HeatmapWidget w;
        w.resize(640, 480);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setData(sample());
        w.replotNow();
        QSignalSpy clicked(&w, &HeatmapWidget::cellClicked);
        for (const auto& [r, c] : {std::pair{0, 0}, std::pair{2, 3}, std::pair{1, 2}}) {
            const QPoint at = w.cellCenter(r, c).toPoint();
            QVERIFY(w.cellAt(at).has_value());
            QTest::mouseClick(w.plot(), Qt::LeftButton, Qt::NoModifier, at);
            QCOMPARE(clicked.count(), 1);
            const QList<QVariant> args = clicked.takeFirst();
            QCOMPARE(args.at(0).toInt(), r);
            QCOMPARE(args.at(1).toInt(), c);
        }
        // Row 0 is above row 2 on screen.
        QVERIFY(w.cellCenter(0, 0).y() < w.cellCenter(2, 0).y());
        // Outside the cells: nothing.
        QTest::mouseClick(w.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(2, 2));
        QCOMPARE(clicked.count(), 0);
    }

    void hoverReportsTheCell()
    {
        HeatmapWidget w;
        w.resize(640, 480);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setData(sample());
        w.replotNow();
        QSignalSpy hovered(&w, &HeatmapWidget::cellHovered);
        QTest::mouseMove(w.plot(), w.cellCenter(2, 1).toPoint());
        QTRY_COMPARE(hovered.count(), 1);  // mouse moves are delivered through the event loop
        QCOMPARE(hovered.first().at(0).toInt(), 2);
        QCOMPARE(hovered.first().at(1).toInt(), 1);
    }

    void singleRowMapHasCells()
    {
        // The feed-forward variant yields a 1 × n map: QCustomPlot needs special care there.
        HeatmapWidget w;
        w.resize(500, 200);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        HeatmapData d;
        d.values = Matrix::Constant(1, 5, 0.2);
        w.setData(d);
        w.replotNow();
        QCOMPARE(w.cellAt(w.cellCenter(0, 4)), (HeatmapCell{0, 4}));
        QCOMPARE(w.cellAt(w.cellCenter(0, 0)), (HeatmapCell{0, 0}));
        QVERIFY(w.cellCenter(0, 1).x() > w.cellCenter(0, 0).x() + 10);
    }

    void tooltipNamesTokensAndIntermediates()
    {
        HeatmapWidget w;
        w.setData(sample());
        const QString tip = w.cellToolTip(1, 3);
        QVERIFY2(tip.contains(QStringLiteral("“like”")) && tip.contains(QStringLiteral("“thé”")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("score: 4")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("logit: -0.916291")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("weight: 0.4")), qPrintable(tip));
        const QString masked = w.cellToolTip(0, 3);
        QVERIFY2(masked.contains(QStringLiteral("masked")) && masked.contains(QStringLiteral("−∞")), qPrintable(masked));
        QVERIFY(w.cellToolTip(5, 5).isEmpty());
    }

    void autoscaleAndDivergingRange()
    {
        HeatmapWidget w;
        HeatmapData d;
        Matrix values(2, 2);
        values << -0.5, 2.0, 1.0, 0.25;
        d.values = values;
        w.setData(d);
        w.setAutoscale(true);
        QCOMPARE(w.rangeLower(), -0.5);
        QCOMPARE(w.rangeUpper(), 2.0);
        w.setColormap(Colormap::BlueWhiteRed);
        QCOMPARE(w.rangeLower(), -2.0);  // symmetric: white is zero
        QCOMPARE(w.rangeUpper(), 2.0);
        w.setAutoscale(false);
        w.setFixedRange(-1, 1);
        QCOMPARE(w.rangeLower(), -1.0);
    }

    void exportsPngSvgPdf()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        HeatmapWidget w;
        w.resize(500, 400);
        w.setData(sample());
        w.replotNow();
        for (const char* name : {"map.png", "map.svg", "map.pdf"}) {
            const QString path = dir.filePath(QString::fromLatin1(name));
            QString error;
            QVERIFY2(w.exportTo(path, QSize(800, 600), 1.0, &error), qPrintable(error));
            QVERIFY2(QFileInfo(path).size() > 500, name);
        }
        const QImage png(dir.filePath(QStringLiteral("map.png")));
        QCOMPARE(png.size(), QSize(800, 600));
        QVERIFY(nonBlank(png));
        QVERIFY(QFile(dir.filePath(QStringLiteral("map.svg"))).open(QIODevice::ReadOnly));
        QString error;
        QVERIFY(!w.exportTo(dir.filePath(QStringLiteral("map.bmpx")), QSize(10, 10), 1.0, &error));
        QVERIFY(!error.isEmpty());
    }

    void highlightAndValuesDoNotBreakReplot()
    {
        HeatmapWidget w;
        w.resize(600, 500);
        w.setData(sample());
        w.setHighlightedRow(1);
        QCOMPARE(w.highlightedRow(), 1);
        w.replotNow();
        w.setHighlightedRow(7);  // out of range: cleared
        QCOMPARE(w.highlightedRow(), -1);
        HeatmapData big;
        big.values = Matrix::Random(128, 96).cwiseAbs();
        BoolMatrix mask = BoolMatrix::Constant(128, 96, false);
        mask.topRightCorner(64, 48).setConstant(true);
        big.masked = mask;
        w.setData(std::move(big));
        w.replotNow();
        QCOMPARE(w.colorMap()->data()->keySize(), 96);
    }
};

QTEST_MAIN(TestHeatmapWidget)
#include "test_heatmap_widget.moc"
