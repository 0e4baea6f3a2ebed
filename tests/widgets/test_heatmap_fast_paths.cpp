// SPDX-License-Identifier: GPL-3.0-or-later
// The heatmap's shortcuts for the window's edit → screen path (issue 11) change nothing drawn:
// a mask that masks nothing is skipped with one scan, a single masked cell still hatches, and
// tick labels served from the enlarged label cache draw the same pixels as freshly shaped ones.
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QImage>
#include <QtTest>
#include <qcustomplot.h>

using namespace attnviz;
using attnviz::widgets::HeatmapData;
using attnviz::widgets::HeatmapWidget;

namespace {

HeatmapData ramp(Index n, BoolMatrix masked = {})
{
    HeatmapData d;
    Matrix v(n, n);
    for (Index c = 0; c < n; ++c)
        for (Index r = 0; r < n; ++r) v(r, c) = static_cast<double>(r * n + c) / static_cast<double>(n * n);
    d.values = v;
    d.masked = masked;
    return d;
}

QImage grab(HeatmapWidget& w)
{
    w.replotNow();
    return w.plot()->toPixmap(w.plot()->width(), w.plot()->height()).toImage();
}

}  // namespace

class TestHeatmapFastPaths : public QObject {
    Q_OBJECT

private slots:
    void aMaskOfNothingDrawsNoHatching()
    {
        HeatmapWidget w;
        w.resize(400, 400);
        w.show();
        w.setData(ramp(512, BoolMatrix::Constant(512, 512, false)));
        w.replotNow();
        QCOMPARE(w.plot()->plotLayout()->rowCount(), 1);  // no caption about hatching
        const QImage unmasked = grab(w);
        w.setData(ramp(512));  // no mask at all: the same picture
        QCOMPARE(grab(w), unmasked);
    }

    void oneMaskedCellStillHatches()
    {
        // 600 rows and columns drawn 1:1 (the widget is wide enough): the scan must find the one
        // true byte among 360 000, wherever it is.
        for (const auto& [r, c] : {std::pair<Index, Index>{0, 0}, {599, 599}, {301, 17}}) {
            BoolMatrix m = BoolMatrix::Constant(600, 600, false);
            m(r, c) = true;
            HeatmapWidget w;
            w.resize(900, 900);
            w.show();
            w.setData(ramp(600, m));
            w.replotNow();
            QCOMPARE(w.drawnCells(), QSize(600, 600));
            QCOMPARE(w.plot()->plotLayout()->rowCount(), 2);  // the cells and the caption
        }
    }

    void cachedTickLabelsDrawTheSamePixels()
    {
        // 512 rows in 700 pixels: about 30 labels per axis, more than QCustomPlot's own cache of
        // 16. The second replot draws every label from the cache; the first shaped them.
        HeatmapWidget w;
        w.resize(800, 700);
        w.show();
        HeatmapData d = ramp(512);
        for (int i = 0; i < 512; ++i) {
            d.rowLabels << QStringLiteral("q%1").arg(i);
            d.colLabels << QStringLiteral("k%1").arg(i);
        }
        w.setData(d);
        const QImage first = grab(w);
        const QImage second = grab(w);
        QCOMPARE(second, first);
        // New labels are new texts, drawn as such (not stale pixmaps from the cache).
        for (QString& s : d.rowLabels) s.replace(QLatin1Char('q'), QLatin1Char('Q'));
        w.setData(d);
        const QImage renamed = grab(w);
        QVERIFY(renamed != first);
        HeatmapWidget fresh;
        fresh.resize(800, 700);
        fresh.show();
        fresh.setData(d);
        grab(fresh);
        QCOMPARE(grab(fresh), renamed);
    }
};

QTEST_MAIN(TestHeatmapFastPaths)
#include "test_heatmap_fast_paths.moc"
