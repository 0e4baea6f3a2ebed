// SPDX-License-Identifier: GPL-3.0-or-later
// inspect::block_average, the math behind the model view's thumbnails and the zoomable
// heatmap, against block means worked out by hand.
#include "attnviz/core/inspect/downsample.hpp"

#include <QtTest>

using namespace attnviz;
using namespace attnviz::inspect;

namespace {

// A view over `m` (row-major, contiguous), kept alive by the caller.
HeadMap mapOf(const FloatMatrix& m)
{
    return HeadMap(m.data(), m.rows(), m.cols(), Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(m.cols(), 1));
}

// 4 × 6, a(i, j) = 10 i + j.
FloatMatrix sample()
{
    FloatMatrix m(4, 6);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 6; ++j) m(i, j) = static_cast<float>(10 * i + j);
    return m;
}

}  // namespace

class TestDownsample : public QObject {
    Q_OBJECT

private slots:
    void blockSpansCoverEverySourceCellOnce()
    {
        // 10 cells over 4: [0,2) [2,5) [5,7) [7,10).
        const Index expected[][2] = {{0, 2}, {2, 5}, {5, 7}, {7, 10}};
        for (int k = 0; k < 4; ++k) {
            const Span s = block_span(k, 10, 4);
            QCOMPARE(s.first, expected[k][0]);
            QCOMPARE(s.last, expected[k][1]);
        }
        // Enlarging 3 cells to 6: each cell twice.
        for (int k = 0; k < 6; ++k) {
            QCOMPARE(block_span(k, 3, 6).first, static_cast<Index>(k / 2));
            QCOMPARE(block_span(k, 3, 6).last, static_cast<Index>(k / 2 + 1));
        }
    }

    void halvesAreBlockMeansWorkedByHand()
    {
        const FloatMatrix m = sample();
        const FloatMatrix out = block_average(mapOf(m), 2, 3);
        QCOMPARE(out.rows(), Index(2));
        QCOMPARE(out.cols(), Index(3));
        // Block (0, 0) = rows 0-1, cols 0-1: {0, 1, 10, 11} → 5.5; block (1, 2): {24, 25, 34, 35} → 29.5.
        QCOMPARE(out(0, 0), 5.5f);
        QCOMPARE(out(0, 1), 7.5f);
        QCOMPARE(out(0, 2), 9.5f);
        QCOMPARE(out(1, 0), 25.5f);
        QCOMPARE(out(1, 2), 29.5f);
    }

    void unevenBlocks()
    {
        const FloatMatrix m = sample();
        // 6 columns over 4 outputs: [0,1) [1,3) [3,4) [4,6); 4 rows over 1: all rows (mean 15).
        const FloatMatrix out = block_average(mapOf(m), 1, 4);
        QCOMPARE(out(0, 0), 15.0f);          // mean of 0, 10, 20, 30
        QCOMPARE(out(0, 1), 16.5f);          // mean of columns 1, 2
        QCOMPARE(out(0, 2), 18.0f);
        QCOMPARE(out(0, 3), 19.5f);          // columns 4, 5
    }

    void regionAndEnlarging()
    {
        const FloatMatrix m = sample();
        // Rows 1-2, columns 3-4 at 4 × 4: each cell repeated twice each way.
        const FloatMatrix out = block_average(mapOf(m), CellRegion{1, 3, 2, 2}, 4, 4);
        const float expected[4][4] = {{13, 13, 14, 14}, {13, 13, 14, 14}, {23, 23, 24, 24}, {23, 23, 24, 24}};
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) QCOMPARE(out(r, c), expected[r][c]);
        // Same size: the region itself.
        const FloatMatrix same = block_average(mapOf(m), CellRegion{1, 1, 3, 5}, 3, 5);
        QCOMPARE(same, FloatMatrix(m.block(1, 1, 3, 5)));
    }

    void stridedSourceAsInFortranOrder()
    {
        // The same 4 × 6 matrix stored column-major: outer stride 1, inner stride 4.
        const FloatMatrix m = sample();
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor> colMajor = m;
        const HeadMap view(colMajor.data(), 4, 6, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(1, 4));
        QCOMPARE(block_average(view, 2, 3), block_average(mapOf(m), 2, 3));
    }

    void refusesBadRegions()
    {
        const FloatMatrix m = sample();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, block_average(mapOf(m), CellRegion{3, 0, 2, 1}, 1, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, block_average(mapOf(m), 0, 3));
    }

    void floatViewAndRange()
    {
        Matrix d(2, 2);
        d << 0.25, -1.5, 3.0, 0.5;
        const HeadView v = float_view(d);
        QCOMPARE(v.rows(), Index(2));
        QCOMPARE(v(1, 0), 3.0f);
        QVERIFY(!v.in_place());
        const ValueRange r = value_range(v.matrix());
        QCOMPARE(r.lo, -1.5f);
        QCOMPARE(r.hi, 3.0f);
    }
};

QTEST_APPLESS_MAIN(TestDownsample)
#include "test_downsample.moc"
