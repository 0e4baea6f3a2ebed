// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 13 item 3, the model window's attention override (app/model_view/override_panel.*) on
// the tiny GPT-2 fixture, offscreen: an override row equal to the run's own changes nothing; a
// one-hot row gives exactly the prediction of a direct hf::Model::run with that override; a
// dragged bar is renormalised on Apply; a typed negative weight and an all-zero row are refused
// with the old values kept; keys after a causal query are fixed; undo and Reset bring the
// original prediction back.
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"
#include "model_view/override_panel.hpp"

#include "attnviz/core/hf/model.hpp"
#include "attnviz/widgets/seq2seq_attention_row_editor.hpp"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

using namespace attnviz;
using model_view::ModelWindow;
using model_view::OverridePanel;

namespace {

// tests/data/model_view/write_tiny_gpt2.py: 2 layers × 2 heads × 16, byte-level BPE whose
// merges spell "The cat sat on the mat" in 6 tokens.
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
const QString kText = QStringLiteral("The cat sat on the mat");
constexpr int kN = 6;

// Every token's next-token probability in a run (the panel asks for the whole vocabulary).
std::map<int, double> distribution(const std::vector<hf::TopToken>& next)
{
    std::map<int, double> p;
    for (const hf::TopToken& t : next) p[t.id] = t.probability;
    return p;
}

double maxDifference(const std::map<int, double>& a, const std::map<int, double>& b)
{
    double d = 0.0;
    for (const auto& [id, p] : a) d = std::max(d, std::abs(p - (b.count(id) ? b.at(id) : 0.0)));
    return d;
}

// The window with the fixture open, the text run, and the override dock shown through its
// Intervene action (which is checked here once).
struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat};
    std::unique_ptr<ModelWindow> window;
    OverridePanel* panel = nullptr;

    bool start()
    {
        ModelWindow::Options o;
        o.prompts = false;
        o.settings = &settings;
        window = std::make_unique<ModelWindow>(o);
        window->resize(1400, 900);
        window->show();
        QString error;
        if (!window->openModel(kGpt2, &error) || !window->runInput(kText, false, &error)) {
            qWarning() << error;
            return false;
        }
        auto* dock = window->findChild<QDockWidget*>(QStringLiteral("overrideDock"));
        if (!dock || dock->isVisible()) return false;  // hidden until asked for
        panel = qobject_cast<OverridePanel*>(dock->widget());
        QSignalSpy shown(panel, &OverridePanel::comparisonShown);
        for (QAction* a : window->interveneMenu()->actions())
            if (a->text().contains(QStringLiteral("Override attention row"))) a->trigger();
        if (!dock->isVisible()) return false;
        // Showing the dock runs the plain input once more with every token's probability.
        return QTest::qWaitFor([&] { return shown.count() >= 1; }, 20000);
    }
    // Applies the edited row and waits for the overridden run's comparison.
    bool applyAndWait()
    {
        QSignalSpy shown(panel, &OverridePanel::comparisonShown);
        if (!panel->apply()) return false;
        return QTest::qWaitFor([&] { return shown.count() >= 1; }, 20000);
    }
    void setRow(const std::vector<double>& row)
    {
        auto* m = panel->rowModel();
        for (int k = 0; k < m->columnCount(); ++k)
            QVERIFY(m->setData(m->index(0, k), QString::number(row[static_cast<std::size_t>(k)], 'g', 17), Qt::EditRole));
    }
    std::map<int, double> before() const { return distribution(panel->before()->result.next); }
    std::map<int, double> after() const { return distribution(panel->after()->result.next); }
};

}  // namespace

class TestModelViewOverride : public QObject {
    Q_OBJECT

private slots:
    void the_original_row_changes_nothing()
    {
        Fixture f;
        QVERIFY(f.start());
        // "before" is the plain run the window shows (its top 10, to float rounding: the panel's
        // run recomputes the last layer on another worker, whose thread count may differ).
        const auto plain = f.window->plainOutcome();
        for (const hf::TopToken& t : plain->result.next) QVERIFY(std::abs(f.before().at(t.id) - t.probability) < 1e-6);

        // The panel starts at the last layer, head 0, the last query, and follows the heatmap when
        // the user opens another head there.
        QCOMPARE(f.panel->layer(), 1);
        QCOMPARE(f.panel->head(), 0);
        QCOMPARE(f.panel->query(), kN - 1);
        f.window->showHead(0, 1);
        QTRY_COMPARE(f.panel->head(), 1);
        QCOMPARE(f.panel->layer(), 0);
        QCOMPARE(f.panel->query(), kN - 1);

        f.panel->select(1, 0, kN - 1);
        const std::vector<double> original = f.panel->rowModel()->row();
        QCOMPARE(static_cast<int>(original.size()), kN);
        QVERIFY(f.applyAndWait());
        QCOMPARE(f.panel->active().size(), std::size_t(1));
        QCOMPARE(f.panel->after()->asked.overrides.size(), std::size_t(1));
        // The core recomputes the head's output at that query as Σ_j w_j v_j from the float row
        // divided by its float sum, where the plain forward multiplied the attention matrix by V:
        // the same numbers summed in another order, so probabilities agree to float rounding
        // (≈1e-7 here); 1e-5 is well under any real change (≥ 1e-3 for the one-hot row below).
        QVERIFY2(maxDifference(f.before(), f.after()) < 1e-5, qPrintable(QString::number(maxDifference(f.before(), f.after()))));
        QTableWidget* table = f.panel->compareTable();
        QVERIFY(table->rowCount() >= 5);
        for (int r = 0; r < table->rowCount(); ++r)
            QVERIFY(std::abs(table->item(r, 2)->data(Qt::UserRole).toDouble() - table->item(r, 1)->data(Qt::UserRole).toDouble()) < 1e-5);
    }

    void a_one_hot_row_predicts_as_the_core_does()
    {
        Fixture f;
        QVERIFY(f.start());
        f.panel->select(1, 1, kN - 1);
        std::vector<double> oneHot(kN, 0.0);
        oneHot[2] = 1.0;
        f.setRow(oneHot);
        QVERIFY(f.applyAndWait());

        const auto model = hf::Model::open(kGpt2.toStdString());
        hf::RunOptions o;
        o.top_k = model->info().vocab;
        o.override_rows = {hf::AttentionOverride{1, 1, kN - 1, {0, 0, 1, 0, 0, 0}}};
        const hf::RunResult core = model->run(f.window->plainOutcome()->input.ids, o);
        // The panel's run resumed from the plain run's layer inputs on a worker; Eigen's products
        // may sum in another order there with another thread count: agreement to float rounding.
        const auto after = f.after();
        QVERIFY(maxDifference(distribution(core.next), after) < 1e-6);
        QCOMPARE(f.panel->after()->result.next.front().id, core.next.front().id);
        QTableWidget* table = f.panel->compareTable();
        for (int r = 0; r < table->rowCount(); ++r) {
            const int id = table->item(r, 0)->data(Qt::UserRole).toInt();
            QVERIFY(std::abs(table->item(r, 2)->data(Qt::UserRole).toDouble() - distribution(core.next).at(id)) < 1e-6);
        }
        // And the prediction did change (else the test above would prove nothing).
        QVERIFY(maxDifference(f.before(), after) > 1e-3);
        // The row shown is the applied one; its bars and its table agree.
        QCOMPARE(f.panel->rowModel()->row(), oneHot);
        QCOMPARE(f.panel->bars()->values(), oneHot);
    }

    void a_dragged_bar_is_renormalised_on_apply()
    {
        Fixture f;
        QVERIFY(f.start());
        f.panel->select(1, 0, kN - 1);
        widgets::AttentionRowEditor* bars = f.panel->bars();
        QVERIFY(bars->isVisible() && bars->height() > 60);
        // Drag the bar of the least weight (≤ 1/6) to the top: weight 1, the others as they were,
        // so the row sums to more than 1.5 before Apply.
        const std::vector<double> before = f.panel->rowModel()->row();
        const int key = static_cast<int>(std::min_element(before.begin(), before.end()) - before.begin());
        const QRectF slot = bars->barSlot(key);
        const QPoint top(qRound(slot.center().x()), qRound(slot.top()));
        QTest::mousePress(bars, Qt::LeftButton, {}, QPoint(top.x(), qRound(slot.center().y())));
        QTest::mouseMove(bars, top);
        QTest::mouseRelease(bars, Qt::LeftButton, {}, top);
        const std::vector<double> raw = f.panel->rowModel()->row();
        QCOMPARE(raw[key], 1.0);
        for (int k = 0; k < kN; ++k)
            if (k != key) QCOMPARE(raw[k], before[k]);
        const double sum = std::accumulate(raw.begin(), raw.end(), 0.0);
        QVERIFY(sum > 1.5);
        QCOMPARE(bars->values(), raw);

        QVERIFY(f.applyAndWait());
        const hf::AttentionOverride& o = f.panel->active().front();
        QCOMPARE(o.layer, 1);
        QCOMPARE(o.head, 0);
        QCOMPARE(o.query, kN - 1);
        for (int k = 0; k < kN; ++k) QVERIFY(std::abs(o.row[k] - raw[k] / sum) < 1e-6);  // float of a double
        // The run used it: the row shown (the run's attention at that query) sums to 1.
        const std::vector<double> shown = f.panel->rowModel()->row();
        QVERIFY(std::abs(std::accumulate(shown.begin(), shown.end(), 0.0) - 1.0) < 1e-6);
        QVERIFY(std::abs(shown[key] - 1.0 / sum) < 1e-6);
    }

    void typed_negatives_and_an_all_zero_row_are_refused()
    {
        Fixture f;
        QVERIFY(f.start());
        f.panel->select(0, 1, kN - 1);
        QTableView* view = f.panel->rowView();
        auto* m = f.panel->rowModel();
        const QModelIndex cell = m->index(0, 2);
        const QString old = m->data(cell, Qt::DisplayRole).toString();
        const double oldValue = m->row()[2];
        // Type "-0.5" into the cell, as a user would.
        view->setFocus();
        view->setCurrentIndex(cell);
        view->edit(cell);
        auto* editor = view->findChild<QLineEdit*>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("-0.5"));
        QTest::keyClick(editor, Qt::Key_Return);  // the delegate commits on the next event loop turn
        QTRY_VERIFY2(f.panel->statusLabel()->text().contains(QStringLiteral("Refused")),
                     qPrintable(f.panel->statusLabel()->text()));
        QCOMPARE(m->data(cell, Qt::DisplayRole).toString(), old);
        QCOMPARE(m->row()[2], oldValue);
        QVERIFY(!m->setData(cell, QStringLiteral("nan"), Qt::EditRole));
        QVERIFY(!m->setData(cell, QStringLiteral("inf"), Qt::EditRole));
        QCOMPARE(m->row()[2], oldValue);

        // An all-zero row: Apply refuses, nothing is pushed, nothing changes.
        f.setRow(std::vector<double>(kN, 0.0));
        QVERIFY(!f.panel->apply());
        QVERIFY(f.panel->statusLabel()->text().contains(QStringLiteral("all zeros")));
        QVERIFY(f.panel->active().empty());
        QCOMPARE(f.window->interventionUndo()->count(), 0);

        // A causal query sees no later key: those cells and bars are fixed at 0.
        f.panel->select(0, 1, 2);
        QCOMPARE(m->fixedFrom(), 3);
        QVERIFY(!(m->flags(m->index(0, 4)) & Qt::ItemIsEditable));
        QVERIFY(m->flags(m->index(0, 2)) & Qt::ItemIsEditable);
        QVERIFY(!m->setData(m->index(0, 4), QStringLiteral("0.5"), Qt::EditRole));
        widgets::AttentionRowEditor* bars = f.panel->bars();
        const QRectF slot = bars->barSlot(4);
        QTest::mouseClick(bars, Qt::LeftButton, {}, QPoint(qRound(slot.center().x()), qRound(slot.top())));
        QCOMPARE(m->row()[4], 0.0);
    }

    void undo_and_reset_bring_the_original_prediction_back()
    {
        Fixture f;
        QVERIFY(f.start());
        const auto original = f.before();
        QUndoStack* undo = f.window->interventionUndo();
        f.panel->select(1, 1, kN - 1);
        std::vector<double> oneHot(kN, 0.0);
        oneHot[2] = 1.0;
        f.setRow(oneHot);
        QVERIFY(f.applyAndWait());
        QCOMPARE(undo->count(), 1);  // one step per applied override
        QVERIFY(maxDifference(original, f.after()) > 1e-3);
        const auto overridden = f.after();

        // Undo: no override, the original prediction in the "after" column.
        QSignalSpy shown(f.panel, &OverridePanel::comparisonShown);
        undo->undo();
        QTRY_VERIFY(shown.count() >= 1);
        QVERIFY(f.panel->active().empty());
        QCOMPARE(maxDifference(original, f.after()), 0.0);  // the very same run
        QTableWidget* table = f.panel->compareTable();
        for (int r = 0; r < table->rowCount(); ++r)
            QCOMPARE(table->item(r, 2)->data(Qt::UserRole).toDouble(), table->item(r, 1)->data(Qt::UserRole).toDouble());
        // Redo applies it again (the same core run, on a worker whose thread count may differ:
        // float rounding at most).
        shown.clear();
        undo->redo();
        QTRY_VERIFY(shown.count() >= 1);
        QVERIFY(maxDifference(overridden, f.after()) < 1e-6);

        // A second override, then Reset: one more step, and the original comes back.
        f.panel->select(0, 0, kN - 1);
        f.setRow(oneHot);
        QVERIFY(f.applyAndWait());
        QCOMPARE(f.panel->active().size(), std::size_t(2));
        QCOMPARE(undo->count(), 2);
        shown.clear();
        QVERIFY(f.panel->reset());
        QTRY_VERIFY(shown.count() >= 1);
        QCOMPARE(undo->count(), 3);
        QVERIFY(f.panel->active().empty());
        QCOMPARE(maxDifference(original, f.after()), 0.0);
        QVERIFY(!f.panel->resetButton()->isEnabled());
        // Undoing the Reset brings both overrides back.
        shown.clear();
        undo->undo();
        QTRY_VERIFY(shown.count() >= 1);
        QCOMPARE(f.panel->active().size(), std::size_t(2));
        QVERIFY(maxDifference(original, f.after()) > 1e-3);
    }
};

QTEST_MAIN(TestModelViewOverride)
#include "test_model_view_override.moc"
