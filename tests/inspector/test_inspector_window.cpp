// SPDX-License-Identifier: GPL-3.0-or-later
// The attention-file inspector window end to end: open, model grid, heatmap, aggregates,
// statistics, errors, raw scores, batches and export.
#include "inspector/file_changed_banner.hpp"
#include "inspector/head_stats_model.hpp"
#include "inspector/head_view_panel.hpp"
#include "inspector/heatmap_panel.hpp"
#include "inspector/inspector_window.hpp"
#include "inspector/model_panel.hpp"
#include "inspector/scores_banner.hpp"
#include "inspector/stats_panel.hpp"

#include "attnviz/core/inspect/aggregate.hpp"
#include "attnviz/core/inspect/head_statistics.hpp"
#include "attnviz/widgets/inspector/head_lines_widget.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace attnviz;
using attnviz::gui::InspectorWindow;
using Panel = InspectorWindow::Panel;

namespace {

QString fixture(const char* name) { return QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/") + name; }

// make_inspector_fixtures.py: head (l, h) row i = softmax_j(-|i - j - h| + 0.5 l + (j == 0) l).
double smallValue(int l, int h, int i, int j)
{
    double sum = 0;
    for (int k = 0; k < 5; ++k) sum += std::exp(-std::abs(i - k - h) + 0.5 * l + (k == 0 ? l : 0));
    return std::exp(-std::abs(i - j - h) + 0.5 * l + (j == 0 ? l : 0)) / sum;
}

InspectorWindow::Options quiet()
{
    InspectorWindow::Options o;
    o.prompts = false;
    return o;
}

// Every cell of the heatmap's data against `expected` (n_q × n_k).
void compareShown(const InspectorWindow& w, const Matrix& expected, double tolerance)
{
    const inspect::HeadView* shown = w.heatmapPanel()->heatmap()->values();
    QVERIFY(shown);
    QCOMPARE(shown->rows(), expected.rows());
    QCOMPARE(shown->cols(), expected.cols());
    for (Index i = 0; i < expected.rows(); ++i)
        for (Index j = 0; j < expected.cols(); ++j)
            QVERIFY2(std::abs((*shown)(i, j) - expected(i, j)) <= tolerance,
                     qPrintable(QStringLiteral("(%1, %2): %3 vs %4").arg(i).arg(j).arg((*shown)(i, j)).arg(expected(i, j))));
}

}  // namespace

class TestInspectorWindow : public QObject {
    Q_OBJECT

private slots:
    void openingShowsEveryHeadAsAThumbnail()
    {
        InspectorWindow w(quiet());
        w.show();
        QSignalSpy opened(&w, &InspectorWindow::fileOpened);
        QString error;
        QVERIFY2(w.openFile(fixture("inspector_small.safetensors"), &error), qPrintable(error));
        QCOMPARE(opened.count(), 1);
        const auto* grid = w.modelPanel()->grid();
        QCOMPARE(grid->layerCount(), 2);
        QCOMPARE(grid->headCount(), 3);
        QCOMPARE(grid->thumbnailCount(), 6);
        QCOMPARE(grid->thumbnail(1, 2).size(), QSize(5, 5));  // 5 × 5 heads stay 5 × 5
        QVERIFY(!w.scoresBanner()->isVisibleTo(&w));
        QVERIFY(!w.batchSpin()->isEnabled());
        QCOMPARE(w.stack()->key_tokens().at(2), std::string("cat"));
    }

    void clickingAThumbnailOpensThatHeadWithItsExactValues()
    {
        InspectorWindow w(quiet());
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        auto* grid = w.modelPanel()->grid();
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(1, 2).center());
        QCOMPARE(w.currentPanel(), Panel::Heatmap);
        QCOMPARE(w.heatmapPanel()->layer(), 1);
        QCOMPARE(w.heatmapPanel()->head(), 2);
        Matrix expected(5, 5);
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 5; ++j) expected(i, j) = smallValue(1, 2, i, j);
        compareShown(w, expected, 1e-6);
        QCOMPARE(w.heatmapPanel()->heatmap()->title(), QStringLiteral("Layer 1, head 2"));
        // Token labels on both axes.
        QVERIFY(w.heatmapPanel()->heatmap()->describeCell(2, 1).contains(QStringLiteral("“cat” → key 1 “the”")));
    }

    void aggregatesEqualTheCore()
    {
        InspectorWindow w(quiet());
        w.show();
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        const auto stack = w.stack();
        auto* panel = w.heatmapPanel();

        panel->showSource(inspector::HeatmapPanel::Source::Rollout, 1);
        QVERIFY(w.waitForIdle());
        compareShown(w, inspect::attention_rollout(*stack, 1), 1e-6);
        QVERIFY(panel->heatmap()->title().contains(QStringLiteral("rollout")));

        panel->showSource(inspector::HeatmapPanel::Source::MeanOverHeads, 0);
        QVERIFY(w.waitForIdle());
        compareShown(w, inspect::mean_over_heads(*stack, 0), 1e-6);

        panel->showSource(inspector::HeatmapPanel::Source::MaxOverHeads, 1);
        QVERIFY(w.waitForIdle());
        compareShown(w, inspect::max_over_heads(*stack, 1), 1e-6);

        panel->showSource(inspector::HeatmapPanel::Source::MeanOverLayers, 0);
        QVERIFY(w.waitForIdle());
        compareShown(w, inspect::mean_over_layers(*stack), 1e-6);
    }

    void statisticsTableSortsAndOpensHeads()
    {
        InspectorWindow w(quiet());
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        QVERIFY(w.waitForIdle());
        auto* stats = w.statsPanel();
        QAbstractItemModelTester tester(stats->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(stats->model()->rowCount(), 6);
        const auto expected = inspect::head_statistics(*w.stack());
        QCOMPARE(stats->model()->statistics().size(), expected.size());
        QCOMPARE(stats->model()->statistics()[4].entropy, expected[4].entropy);

        // Sorted by entropy, highest first: the proxy's rows follow the numbers, not the text.
        w.showPanel(Panel::Stats);
        stats->table()->sortByColumn(inspector::HeadStatsModel::Entropy, Qt::DescendingOrder);
        auto* proxy = stats->proxy();
        for (int r = 1; r < proxy->rowCount(); ++r)
            QVERIFY(proxy->index(r - 1, inspector::HeadStatsModel::Entropy).data(inspector::HeadStatsModel::SortRole).toDouble() >=
                    proxy->index(r, inspector::HeadStatsModel::Entropy).data(inspector::HeadStatsModel::SortRole).toDouble());

        // Clicking the top row opens that head.
        const int layer = proxy->index(0, inspector::HeadStatsModel::Layer).data(inspector::HeadStatsModel::SortRole).toInt();
        const int head = proxy->index(0, inspector::HeadStatsModel::Head).data(inspector::HeadStatsModel::SortRole).toInt();
        QTableView* table = stats->table();
        const QRect cell = table->visualRect(proxy->index(0, inspector::HeadStatsModel::Entropy));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(w.currentPanel(), Panel::Heatmap);
        QCOMPARE(w.heatmapPanel()->layer(), layer);
        QCOMPARE(w.heatmapPanel()->head(), head);
    }

    void aCorruptFileIsRefusedAndThePreviousOneStays()
    {
        InspectorWindow w(quiet());
        w.show();
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        QSignalSpy failed(&w, &InspectorWindow::openFailed);
        QString error;
        QVERIFY(!w.openFile(fixture("inspector_corrupt.npy"), &error));
        QVERIFY2(error.contains(QStringLiteral("inspector_corrupt.npy")), qPrintable(error));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(1).toString(), error);
        QVERIFY(w.currentFile().endsWith(QStringLiteral("inspector_small.safetensors")));
        QCOMPARE(w.modelPanel()->grid()->thumbnailCount(), 6);
        QVERIFY(!w.openFile(fixture("no-such-file.npy"), &error));
        QVERIFY(error.contains(QStringLiteral("no-such-file.npy")));
    }

    void rawScoresShowABannerAndSoftmaxFixesTheRows()
    {
        InspectorWindow w(quiet());
        w.show();
        QVERIFY(w.openFile(fixture("np_scores.npy")));
        QVERIFY(w.scoresBanner()->isVisibleTo(&w));
        QVERIFY(w.scoresBanner()->text().contains(QStringLiteral("2 of 2 rows")));
        QSignalSpy opened(&w, &InspectorWindow::fileOpened);
        QTest::mouseClick(w.scoresBanner()->applyButton(), Qt::LeftButton);
        QVERIFY(opened.wait(10000));
        QVERIFY(w.stack()->softmax_applied());
        QVERIFY(!w.scoresBanner()->isVisibleTo(&w));
        const inspect::HeadView head = w.stack()->head(0, 0);
        for (Index i = 0; i < head.rows(); ++i) QVERIFY(std::abs(head.matrix().row(i).cast<double>().sum() - 1.0) < 1e-6);
        // The heatmap shows the softmaxed weights: row 0 = softmax(0, 1, 2).
        const double e = std::exp(1.0), z = 1 + e + e * e;
        compareShown(w, (Matrix(2, 3) << 1 / z, e / z, e * e / z, 1 / z, e / z, e * e / z).finished(), 1e-6);
    }

    void aBatchFileOffersItsEntries()
    {
        InspectorWindow w(quiet());
        w.show();
        QVERIFY(w.openFile(fixture("np_f32_batch.npy")));
        QVERIFY(w.batchSpin()->isEnabled());
        QCOMPARE(w.batchSpin()->maximum(), 1);
        QCOMPARE(w.stack()->head(0, 0)(0, 0), 0.0f);
        QSignalSpy opened(&w, &InspectorWindow::fileOpened);
        w.batchSpin()->setValue(1);  // as the user would
        QVERIFY(opened.wait(10000));
        QCOMPARE(w.stack()->batch(), Index(1));
        QCOMPARE(w.stack()->head(0, 0)(0, 0), 0.5f);  // batch b adds 0.5 b
    }

    void headViewDrawsTheChosenHeads()
    {
        InspectorWindow w(quiet());
        w.resize(1000, 700);
        w.show();
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        w.showPanel(Panel::Head);
        auto* panel = w.headViewPanel();
        panel->setLayer(1);
        panel->setHeadsShown({0, 2});
        QCOMPARE(panel->lines()->headCount(), 2);
        panel->lines()->setThreshold(0.0);
        panel->lines()->grab();
        QCOMPARE(panel->lines()->linesDrawn(), 2 * 25);
        panel->lines()->setThreshold(0.3);
        panel->lines()->grab();
        int expected = 0;
        for (int h : {0, 2})
            for (int i = 0; i < 5; ++i)
                for (int j = 0; j < 5; ++j) expected += static_cast<float>(smallValue(1, h, i, j)) >= 0.3f;
        QCOMPARE(panel->lines()->linesDrawn(), expected);
    }

    void aFileCutShortOnDiskIsReportedNotACrash()
    {
        // Issue 11: np.save over the open file truncates it in place; clicking a thumbnail then
        // read unmapped pages and the program died of SIGBUS. A 4 x 4 x 256² float32 .npy, every
        // row uniform (1/256), cut to 128 bytes while open.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cut.npy"));
        {
            QByteArray header("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4, 256, 256), }");
            header.append(QByteArray(64 - (10 + header.size() + 1) % 64, ' ')).append('\n');
            QByteArray bytes = QByteArray("\x93NUMPY\x01\x00", 8);
            bytes.append(char(header.size() & 0xff)).append(char(header.size() >> 8)).append(header);
            const float w = 1.0f / 256;
            QByteArray row(256 * 4, 0);
            for (int j = 0; j < 256; ++j) std::memcpy(row.data() + 4 * j, &w, 4);
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            for (int r = 0; r < 4 * 4 * 256; ++r) f.write(row);
        }
        InspectorWindow w(quiet());
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        QVERIFY(!w.fileChangedBanner()->isVisible());
        QSignalSpy changed(&w, &InspectorWindow::fileChangedOnDisk);
        QVERIFY(QFile::resize(path, 128));
        auto* grid = w.modelPanel()->grid();
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(3, 3).center());
        QVERIFY(w.waitForIdle());
        QCOMPARE(w.heatmapPanel()->layer(), 3);
        // Said before the head is shown; said again when the watcher fires and the message has
        // grown (reading the head found the cut part: "reads as zeros").
        QVERIFY(changed.count() >= 1);
        const QString message = changed.last().first().toString();
        QVERIFY2(message.contains(QStringLiteral("cut.npy changed on disk after it was opened")) &&
                     message.contains(QStringLiteral("128 now")) && message.contains(QStringLiteral("open it again")),
                 qPrintable(message));
        QVERIFY(w.fileChangedBanner()->isVisible());
        QCOMPARE(w.fileChangedBanner()->text(), message);
        // The cut part reads as zeros, drawn without a crash.
        compareShown(w, Matrix::Zero(256, 256), 0.0);
        // Reopen: the file as it is now is refused with a clear message; the window keeps the old one.
        QSignalSpy failed(&w, &InspectorWindow::openFailed);
        w.fileChangedBanner()->reopenButton()->click();
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("cut.npy")), qPrintable(failed.first().at(1).toString()));
        QCOMPARE(w.currentFile(), path);
    }

    void exportsEachDrawnViewAtTheChosenSize()
    {
        InspectorWindow w(quiet());
        w.show();
        QVERIFY(w.openFile(fixture("inspector_small.safetensors")));
        QTemporaryDir dir;
        QString error;
        for (Panel p : {Panel::Model, Panel::Head, Panel::Heatmap}) {
            const QString base = dir.filePath(QStringLiteral("view%1").arg(static_cast<int>(p)));
            QVERIFY2(w.exportPanel(p, base + ".png", QSize(700, 420), &error), qPrintable(error));
            const QImage png(base + ".png");
            QCOMPARE(png.size(), QSize(700, 420));
            QVERIFY(w.exportPanel(p, base + ".svg", QSize(700, 420), &error));
            QFile svg(base + ".svg");
            QVERIFY(svg.open(QIODevice::ReadOnly));
            QVERIFY(svg.readAll().contains("viewBox=\"0 0 700 420\""));
            QVERIFY(w.exportPanel(p, base + ".pdf", QSize(700, 420), &error));
            QFile pdf(base + ".pdf");
            QVERIFY(pdf.open(QIODevice::ReadOnly));
            QVERIFY(pdf.read(5) == "%PDF-");
        }
        QVERIFY(!w.exportPanel(Panel::Stats, dir.filePath("s.png"), QSize(100, 100), &error));
    }
};

QTEST_MAIN(TestInspectorWindow)
#include "test_inspector_window.moc"
