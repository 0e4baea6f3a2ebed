// SPDX-License-Identifier: GPL-3.0-or-later
// Labels are drawn whole where the widget reserves room for them (issue 11): position labels of
// 10000 and more on the inspector's heatmap ("101…" before), and the head view's column
// captions with one-character tokens ("ueries" before).
#include "attnviz/core/inspect/downsample.hpp"
#include "attnviz/widgets/inspector/head_lines_widget.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QtTest>

using namespace attnviz;
using attnviz::widgets::HeadLinesWidget;
using attnviz::widgets::ZoomableHeatmapWidget;

namespace {

QStringList positions(int n)
{
    QStringList out;
    for (int i = 0; i < n; ++i) out << QString::number(i);
    return out;
}

// True when `text`, drawn in `font` into `width` pixels with elision, comes out whole.
bool fitsWhole(const QFont& font, const QString& text, int width)
{
    return QFontMetrics(font).elidedText(text, Qt::ElideRight, width) == text;
}

}  // namespace

class TestLabelWidths : public QObject {
    Q_OBJECT

private slots:
    void heatmapPositionLabelsAboveTenThousandAreWhole_data()
    {
        QTest::addColumn<int>("pointSize");
        QTest::newRow("default font") << 0;
        // Another size after the data is set: the margins are measured again.
        QTest::newRow("13 pt, set afterwards") << 13;
    }

    void heatmapPositionLabelsAboveTenThousandAreWhole()
    {
        QFETCH(int, pointSize);
        const int n = 10240;
        ZoomableHeatmapWidget w;
        w.resize(900, 700);
        w.setData(inspect::float_view(Matrix::Constant(2, n, 1.0 / n)), positions(2), positions(n));
        QCOMPARE(w.columnLabelText(10100), QStringLiteral("10100"));
        QCOMPARE(w.columnLabelText(n - 1), QStringLiteral("10239"));

        // A square map: rows labelled up to 10239 as well.
        w.setData(inspect::float_view(Matrix::Constant(n, 2, 0.5)), positions(n), positions(2));
        if (pointSize > 0) {
            QFont f = w.font();
            f.setPointSize(pointSize);
            w.setFont(f);
        }
        for (int r : {9999, 10000, 10100, 10239}) {
            QCOMPARE(w.rowLabelText(r), QString::number(r));
            // The label is drawn in the margin left of the plot, which ends 6 px before it.
            QVERIFY(fitsWhole(w.font(), QString::number(r), w.plotRect().left() - 10));
        }
        // Long tokens are still cut, at the margin's cap, rather than pushing the plot away.
        QStringList rows = positions(n);
        rows[3] = QStringLiteral("a_token_far_longer_than_the_hundred_pixels_a_row_label_may_take");
        w.setData(inspect::float_view(Matrix::Constant(n, 2, 0.5)), rows, positions(2));
        QVERIFY(w.rowLabelText(3).endsWith(QChar(0x2026)));
        QVERIFY(w.plotRect().left() <= 100 + 10);
    }

    void headViewCaptionsAreWhole_data()
    {
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("one-digit positions") << positions(8);
        QTest::newRow("one-letter tokens") << QStringList{QStringLiteral("a"), QStringLiteral("b")};
        QTest::newRow("five-digit positions") << QStringList{QStringLiteral("10000"), QStringLiteral("10001")};
    }

    void headViewCaptionsAreWhole()
    {
        QFETCH(QStringList, tokens);
        HeadLinesWidget w;
        const Index n = tokens.size();
        w.setData(tokens, tokens, {{0, HeadLinesWidget::headColour(0), inspect::float_view(Matrix::Identity(n, n))}});
        // At its narrowest the drawing starts at the widget's left edge: nothing to spill into.
        w.resize(w.minimumSizeHint());
        for (HeadLinesWidget::Side side : {HeadLinesWidget::Side::Query, HeadLinesWidget::Side::Key}) {
            const QRect r = w.captionRect(side);
            const QString caption = HeadLinesWidget::caption(side);
            QVERIFY2(r.left() >= 0 && r.right() < w.width(), qPrintable(caption));
            QVERIFY2(fitsWhole(w.captionFont(), caption, r.width()), qPrintable(caption));
        }
        // The tokens too are whole in their boxes.
        for (int i = 0; i < n; ++i)
            QVERIFY(fitsWhole(w.font(), tokens[i], w.tokenRect(HeadLinesWidget::Side::Query, i).width() - 10));
    }
};

QTEST_MAIN(TestLabelWidths)
#include "test_label_widths.moc"
