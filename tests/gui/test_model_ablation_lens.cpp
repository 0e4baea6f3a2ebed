// SPDX-License-Identifier: GPL-3.0-or-later
// The model window's ablation and logit-lens docks (issue 13 items 2 and 4) on the offscreen
// platform: heads picked by clicking thumbnails, the before/after comparison against the core's
// own ablated forward, one undo step per change, zero versus mean, the lens table against the
// core's prediction at every position, and a checkpoint without an LM head.
#include "inspector/model_panel.hpp"
#include "model_view/ablation_panel.hpp"
#include "model_view/logit_lens_panel.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"

#include "attnviz/core/hf/model.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <map>

using namespace attnviz;
using model_view::AblationPanel;
using model_view::AblationSet;
using model_view::LogitLensPanel;
using model_view::ModelWindow;

namespace {

// tests/data/model_view/write_tiny_gpt2.py: 2 layers × 2 heads, "The cat sat on the mat" is 6 tokens.
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
// The Transformer lab's induction model (attnviz train-transformer --task induction --save),
// 2 layers × 2 heads, tokens t0 … t63; layer 1's heads copy the token after the earlier occurrence.
const QString kInduction = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/induction");
// BertForMaskedLM with a WordPiece vocab.txt: "the cat [MASK] on the mat".
const QString kBertMlm = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-bert-mlm");
// A bare BertModel: no cls.predictions.*, no tokenizer.
const QString kBertNoHead = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/hf/bert_base_f32");

// The window's worker and this thread may use different thread counts, so Eigen's products
// may sum in another order: probabilities agree to float rounding, not bit for bit.
constexpr double kTolerance = 1e-6;

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat};
    std::unique_ptr<ModelWindow> window;
    AblationPanel* ablation = nullptr;
    LogitLensPanel* lens = nullptr;

    explicit Fixture(const QString& folder)
    {
        ModelWindow::Options o;
        o.prompts = false;
        o.settings = &settings;
        window = std::make_unique<ModelWindow>(o);
        window->show();
        ablation = window->findChild<AblationPanel*>();
        lens = window->findChild<LogitLensPanel*>();
        QString error;
        if (!window->openModel(folder, &error)) qFatal("cannot open %s: %s", qPrintable(folder), qPrintable(error));
    }
    bool run(const QString& input, bool ids = false)
    {
        QString error;
        const bool ok = window->runInput(input, ids, &error);
        if (!ok) qWarning("%s", qPrintable(error));
        return ok && ablation->waitForIdle();
    }
};

// Every token's probability after the last token (causal LM), from the core directly.
std::map<int, double> coreDistribution(const QString& folder, const std::vector<int>& ids,
                                       const std::vector<hf::HeadAblation>& ablate)
{
    const auto model = hf::Model::open(folder.toStdString());
    hf::RunOptions o;
    o.top_k = model->info().vocab;
    o.ablate = ablate;
    std::map<int, double> p;
    for (const hf::TopToken& t : model->run(ids, o).next) p[t.id] = t.probability;
    return p;
}

std::vector<double> column(const QTableWidget* t, int c)
{
    std::vector<double> v;
    for (int r = 0; r < t->rowCount(); ++r) v.push_back(t->item(r, c)->data(Qt::UserRole).toDouble());
    return v;
}

// Checks that the table's before and after columns are the core's plain and ablated runs.
void checkAgainstCore(const Fixture& f, const std::vector<hf::HeadAblation>& ablate)
{
    const std::vector<int> ids = f.window->plainOutcome()->input.ids;
    const auto before = coreDistribution(kGpt2, ids, {});
    const auto after = coreDistribution(kGpt2, ids, ablate);
    const QTableWidget* t = f.ablation->comparisonTable();
    QVERIFY(t->rowCount() >= AblationPanel::kTopK);
    for (int r = 0; r < t->rowCount(); ++r) {
        const int id = t->item(r, 0)->data(Qt::UserRole).toInt();
        QVERIFY2(qAbs(t->item(r, 1)->data(Qt::UserRole).toDouble() - before.at(id)) < kTolerance, qPrintable(QString::number(id)));
        QVERIFY2(qAbs(t->item(r, 2)->data(Qt::UserRole).toDouble() - after.at(id)) < kTolerance, qPrintable(QString::number(id)));
        QVERIFY(qAbs(t->item(r, 3)->data(Qt::UserRole).toDouble() - (after.at(id) - before.at(id))) < 2 * kTolerance);
    }
}

}  // namespace

// The helper's QVERIFYs end only the helper: stop the test too.
#define CHECK_AGAINST_CORE(f, ablate)              \
    do {                                           \
        checkAgainstCore(f, ablate);               \
        if (QTest::currentTestFailed()) return;    \
    } while (false)

class TestModelAblationLens : public QObject {
    Q_OBJECT

private slots:
    void pick_heads_by_clicking_thumbnails()
    {
        Fixture f(kGpt2);
        QVERIFY(f.ablation && f.lens);
        QVERIFY(f.window->findChild<QDockWidget*>(QStringLiteral("ablationDock")));
        QVERIFY(f.run(QStringLiteral("The cat sat on the mat")));
        f.window->showPanel(gui::InspectorWindow::Panel::Model);
        widgets::ThumbnailGridWidget* grid = f.window->modelPanel()->grid();
        QVERIFY(QTest::qWaitForWindowExposed(f.window.get()));
        QTRY_VERIFY(grid->isVisible() && grid->cellRect(1, 1).isValid());

        // With "Pick heads" on, clicks switch heads off and the grid stays in front.
        QTest::mouseClick(f.ablation->pickButton(), Qt::LeftButton);
        QVERIFY(f.ablation->pickButton()->isChecked());
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(1, 0).center());
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(0, 1).center());
        const std::vector<std::pair<int, int>> picked{{0, 1}, {1, 0}};
        QCOMPARE(f.ablation->ablationSet().heads, picked);
        QCOMPARE(f.ablation->headList()->count(), 2);
        QCOMPARE(f.ablation->headList()->item(0)->text(), QStringLiteral("0.1"));
        QCOMPARE(f.ablation->headList()->item(1)->text(), QStringLiteral("1.0"));
        QCOMPARE(f.window->interventionUndo()->count(), 2);  // one command per change
        QCOMPARE(f.window->currentPanel(), gui::InspectorWindow::Panel::Model);

        // The comparison: before = the plain run, after = the core's run with those heads zeroed.
        QVERIFY(f.ablation->waitForIdle());
        QVERIFY(f.ablation->afterOutcome());
        QVERIFY(f.ablation->caption()->text().contains(QStringLiteral("0.1, 1.0 (zero)")));
        CHECK_AGAINST_CORE(f, (std::vector<hf::HeadAblation>{{0, 1, hf::AblationMode::Zero}, {1, 0, hf::AblationMode::Zero}}));
        QVERIFY(f.ablation->afterOutcome()->result.resumed_at_layer == 0);  // layer 0 is ablated
        const auto changes = column(f.ablation->comparisonTable(), 3);
        QVERIFY(std::any_of(changes.begin(), changes.end(), [](double d) { return qAbs(d) > 1e-4; }));

        // Without "Pick heads", a click opens the head in the heatmap as always.
        QTest::mouseClick(f.ablation->pickButton(), Qt::LeftButton);
        QTest::mouseClick(grid, Qt::LeftButton, {}, grid->cellRect(1, 1).center());
        QCOMPARE(f.ablation->ablationSet().heads, picked);
        QCOMPARE(f.window->currentPanel(), gui::InspectorWindow::Panel::Heatmap);

        // Undo restores the set and re-runs: empty, the table shows no change; redo brings it back.
        f.window->interventionUndo()->undo();
        f.window->interventionUndo()->undo();
        QVERIFY(f.ablation->ablationSet().heads.empty());
        QCOMPARE(f.ablation->headList()->count(), 0);
        QVERIFY(f.ablation->waitForIdle());
        QVERIFY(f.ablation->comparisonTable()->rowCount() >= AblationPanel::kTopK);
        for (double d : column(f.ablation->comparisonTable(), 3)) QCOMPARE(d, 0.0);
        QCOMPARE(column(f.ablation->comparisonTable(), 1), column(f.ablation->comparisonTable(), 2));
        f.window->interventionUndo()->redo();
        f.window->interventionUndo()->redo();
        QCOMPARE(f.ablation->ablationSet().heads, picked);
        QVERIFY(f.ablation->waitForIdle());
        CHECK_AGAINST_CORE(f, (std::vector<hf::HeadAblation>{{0, 1, hf::AblationMode::Zero}, {1, 0, hf::AblationMode::Zero}}));
    }

    void mean_differs_from_zero_and_resumes_at_the_layer()
    {
        Fixture f(kGpt2);
        QVERIFY(f.run(QStringLiteral("The cat sat on the mat")));
        QVERIFY(f.window->plainOutcome()->result.layer_inputs);  // plain runs keep them
        AblationSet s;
        s.heads = {{1, 1}};
        f.ablation->requestSet(s, QStringLiteral("test"));
        QVERIFY(f.ablation->waitForIdle());
        CHECK_AGAINST_CORE(f, (std::vector<hf::HeadAblation>{{1, 1, hf::AblationMode::Zero}}));
        QVERIFY(f.ablation->afterOutcome());
        QCOMPARE(f.ablation->afterOutcome()->result.resumed_at_layer, 1);  // layer 0 taken from the plain run
        const auto zero = column(f.ablation->comparisonTable(), 2);

        f.ablation->modeBox()->setCurrentIndex(1);  // Mean: one more command
        QCOMPARE(f.window->interventionUndo()->count(), 2);
        QCOMPARE(f.ablation->ablationSet().mode, hf::AblationMode::Mean);
        QVERIFY(f.ablation->waitForIdle());
        CHECK_AGAINST_CORE(f, (std::vector<hf::HeadAblation>{{1, 1, hf::AblationMode::Mean}}));
        QVERIFY(f.ablation->caption()->text().contains(QStringLiteral("(mean)")));
        const auto mean = column(f.ablation->comparisonTable(), 2);
        bool differs = zero.size() != mean.size();
        for (std::size_t i = 0; !differs && i < zero.size(); ++i) differs = qAbs(zero[i] - mean[i]) > 1e-5;
        QVERIFY(differs);
        f.window->interventionUndo()->undo();
        QCOMPARE(f.ablation->modeBox()->currentIndex(), 0);
    }

    void induction_heads_off_lose_the_repeated_token()
    {
        if (!QFileInfo::exists(kInduction + QStringLiteral("/config.json"))) QSKIP("no induction fixture");
        Fixture f(kInduction);
        // A random run of tokens, repeated: after "… t5 t41 t12" the induction heads predict t33.
        QVERIFY(f.run(QStringLiteral("t5 t41 t12 t33 t7 t50 t21 t9 t5 t41 t12")));
        const QTableWidget* t = f.ablation->comparisonTable();
        QVERIFY(t->rowCount() > 0);
        QCOMPARE(t->item(0, 0)->text(), QStringLiteral("t33"));
        const double before = t->item(0, 1)->data(Qt::UserRole).toDouble();
        QVERIFY(before > 0.5);
        AblationSet s;
        s.heads = {{1, 0}, {1, 1}};
        f.ablation->requestSet(s, QStringLiteral("layer 1 off"));
        QVERIFY(f.ablation->waitForIdle());
        QCOMPARE(t->item(0, 0)->text(), QStringLiteral("t33"));  // sorted by probability before
        QVERIFY2(t->item(0, 2)->data(Qt::UserRole).toDouble() < before / 4,
                 qPrintable(t->item(0, 2)->text()));
    }

    void masked_lm_compares_at_its_first_mask()
    {
        Fixture f(kBertMlm);
        QVERIFY(f.run(QStringLiteral("the cat [MASK] on the [MASK]")));
        const std::vector<int>& ids = f.window->plainOutcome()->input.ids;  // [CLS] … [SEP]
        QCOMPARE(f.window->plainOutcome()->input.mask_positions, (std::vector<int>{3, 6}));
        AblationSet s;
        s.heads = {{1, 0}};
        f.ablation->requestSet(s, QStringLiteral("test"));
        QVERIFY(f.ablation->waitForIdle());
        QVERIFY2(f.ablation->caption()->text().contains(QStringLiteral("first [MASK] (position 3)")),
                 qPrintable(f.ablation->caption()->text()));
        const auto model = hf::Model::open(kBertMlm.toStdString());
        std::map<int, double> before, after;
        for (auto* p : {&before, &after}) {
            hf::RunOptions o;
            o.top_k = model->info().vocab;
            o.lm_positions = std::vector<int>{3};
            if (p == &after) o.ablate = {{1, 0, hf::AblationMode::Zero}};
            const hf::RunResult r = model->run(ids, o);
            for (const hf::TopToken& t : r.positions[3]) (*p)[t.id] = t.probability;
        }
        const QTableWidget* t = f.ablation->comparisonTable();
        QVERIFY(t->rowCount() >= 10 && t->rowCount() <= 20);  // the union of two top 10s
        for (int r = 0; r < t->rowCount(); ++r) {
            const int id = t->item(r, 0)->data(Qt::UserRole).toInt();
            QVERIFY(qAbs(t->item(r, 1)->data(Qt::UserRole).toDouble() - before.at(id)) < kTolerance);
            QVERIFY(qAbs(t->item(r, 2)->data(Qt::UserRole).toDouble() - after.at(id)) < kTolerance);
        }
    }

    void logit_lens_last_row_is_the_prediction()
    {
        Fixture f(kGpt2);
        QVERIFY(f.run(QStringLiteral("The cat sat on the mat")));
        auto* dock = f.window->findChild<QDockWidget*>(QStringLiteral("logitLensDock"));
        QVERIFY(dock);
        dock->show();
        dock->raise();
        QTRY_VERIFY(f.lens->outcome() || f.lens->runner()->runBusy());
        QVERIFY(f.lens->waitForIdle());
        QTRY_VERIFY(f.lens->outcome());
        const QTableWidget* t = f.lens->table();
        const std::vector<int>& ids = f.window->plainOutcome()->input.ids;
        const int n = static_cast<int>(ids.size());
        QCOMPARE(t->rowCount(), 2);
        QCOMPARE(t->columnCount(), n);
        QCOMPARE(t->rowCount() * t->columnCount(), 2 * 6);
        QCOMPARE(t->verticalHeaderItem(1)->text(), QStringLiteral("after layer 1"));

        const auto model = hf::Model::open(kGpt2.toStdString());
        hf::RunOptions o;
        o.all_positions = true;
        const hf::RunResult core = model->run(ids, o);
        for (int i = 0; i < n; ++i) {
            const hf::TopToken& top = core.positions[static_cast<std::size_t>(i)].front();
            QCOMPARE(t->item(1, i)->data(Qt::UserRole).toInt(), top.id);
            QVERIFY(qAbs(t->item(1, i)->data(Qt::UserRole + 1).toDouble() - top.probability) < kTolerance);
        }
        // The last row's last cell is the model panel's next token.
        QCOMPARE(t->item(1, n - 1)->data(Qt::UserRole).toInt(), f.window->plainOutcome()->result.next.front().id);

        // The last position is chosen first; a click on a cell chooses its column.
        QCOMPARE(f.lens->selectedPosition(), n - 1);
        QCOMPARE(f.lens->detailTable()->rowCount(), 2);
        QTest::mouseClick(f.lens->table()->viewport(), Qt::LeftButton, {},
                          f.lens->table()->visualItemRect(f.lens->table()->item(0, 2)).center());
        QCOMPARE(f.lens->selectedPosition(), 2);
        QVERIFY(f.lens->detailCaption()->text().startsWith(QStringLiteral("Position 2")));
        QCOMPARE(f.lens->detailTable()->item(1, 0)->data(Qt::UserRole).toInt(),
                 core.positions[2].front().id);

        // A new input re-runs the lens (the dock is visible).
        QVERIFY(f.run(QStringLiteral("The cat sat")));
        QVERIFY(f.lens->waitForIdle());
        QTRY_COMPARE(f.lens->table()->columnCount(), 3);
    }

    void no_lm_head_says_so()
    {
        Fixture f(kBertNoHead);
        auto* dock = f.window->findChild<QDockWidget*>(QStringLiteral("logitLensDock"));
        dock->show();
        dock->raise();
        QVERIFY(f.run(QStringLiteral("2,5,6,7,3"), true));
        QVERIFY(f.lens->waitForIdle());
        QVERIFY2(f.lens->messageLabel()->text().contains(QStringLiteral("no language-model head")),
                 qPrintable(f.lens->messageLabel()->text()));
        QCOMPARE(f.lens->table()->rowCount() * f.lens->table()->columnCount(), 0);
        QVERIFY(!f.lens->outcome());
        QVERIFY(f.ablation->statusLabel()->text().contains(QStringLiteral("no language-model head")));
    }
};

QTEST_MAIN(TestModelAblationLens)
#include "test_model_ablation_lens.moc"
