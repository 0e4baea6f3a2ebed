// SPDX-License-Identifier: GPL-3.0-or-later
// "Open Head in Playground…" end to end on the offscreen platform (issue 13 item 5): the
// playground window opens the model runner, runs a text, picks a head (through the Intervene
// menu's dialog and through the model grid's context menu), and the playground then shows a
// scaled dot-product session with the tokens as labels whose weights are the run's attention for
// that head; editing a query cell recomputes as for typed matrices (one undo step).
#include "gui/main_window.hpp"
#include "gui/file_controller.hpp"
#include "inspector/head_view_panel.hpp"
#include "inspector/model_panel.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "shell/window_launcher.hpp"

#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QDialog>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>

#include <cmath>

using namespace attnviz;

namespace {

// tests/data/model_view/write_tiny_gpt2.py: 2 layers × 2 heads × 16, byte-level BPE whose merges
// spell "The cat sat on the mat" in 6 tokens.
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
const QString kSentence = QStringLiteral("The cat sat on the mat");

// The playground computes in double from the head's float Q, K, V; the run in float32: they
// differ by float roundings (~1e-7). 1e-5 fails on a wrong head, slice, scale or mask.
double maxDifference(const Matrix& weights, const hf::RunResult& run, int layer, int head)
{
    const int n = run.n;
    if (weights.rows() != n || weights.cols() != n) return 1e9;
    const float* a = run.attentions->data() + (static_cast<std::size_t>(layer) * run.heads + head) * n * n;
    double err = 0.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) err = std::max(err, std::abs(weights(i, j) - a[i * n + j]));
    return err;
}

}  // namespace

class TestHeadExportGui : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;
    std::unique_ptr<gui::MainWindow> main_;
    model_view::ModelWindow* runner_ = nullptr;

    // The playground's latest result once it has loaded `path` and computed.
    playground::ResultSnapshotPtr waitForSession(const QString& path)
    {
        if (!QTest::qWaitFor([&] { return main_->fileController()->currentPath() == path; }, 30000)) return nullptr;
        if (!main_->controller()->waitForIdle()) return nullptr;
        return main_->controller()->latestResult();
    }

    void checkSession(const playground::ResultSnapshotPtr& snap, int layer, int head)
    {
        QVERIFY(snap);
        const std::shared_ptr<const model_view::RunOutcome> run = runner_->lastOutcome();
        const Session& s = snap->session;
        QCOMPARE(s.variant, Variant::ScaledDot);
        QCOMPARE(main_->document()->toSession().variant, Variant::ScaledDot);
        QCOMPARE(s.query_tokens, run->input.labels);  // " cat", not "Ġcat"
        QCOMPARE(s.key_tokens, run->input.labels);
        QCOMPARE(s.query_tokens.size(), std::size_t{6});
        QCOMPARE(s.query_tokens[1], std::string(" cat"));
        QVERIFY(s.mask.causal);
        const double err = maxDifference(snap->outcome.result.weights, run->result, layer, head);
        QVERIFY2(err < 1e-5, qPrintable(QStringLiteral("weights differ by %1").arg(err)));
        QVERIFY(maxDifference(snap->outcome.result.weights, run->result, layer, 1 - head) > 1e-3);
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        settings_ = std::make_unique<QSettings>(dir_.filePath("settings.ini"), QSettings::IniFormat);
        gui::MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.settings = settings_.get();
        o.autosave = false;
        main_ = std::make_unique<gui::MainWindow>(o);
        main_->show();
        runner_ = main_->windows()->showModelRunner();
        QVERIFY(runner_);
        QString error;
        QVERIFY2(runner_->openModel(kGpt2, &error), qPrintable(error));
        QVERIFY2(runner_->runInput(kSentence, false, &error), qPrintable(error));
    }
    void cleanup()
    {
        if (runner_) runner_->close();  // deletes itself
        main_.reset();
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/head-sessions").removeRecursively();
    }

    void intervene_menu_opens_the_head()
    {
        QAction* action = runner_->findChild<QAction*>(QStringLiteral("openHeadInPlayground"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        QVERIFY(runner_->interveneMenu()->actions().contains(action));
        QSignalSpy requested(runner_, &model_view::ModelWindow::openSessionInPlayground);
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog || dialog->objectName() != QLatin1String("headExportDialog")) return;
            dialog->findChild<QSpinBox*>(QStringLiteral("layer"))->setValue(1);
            dialog->findChild<QSpinBox*>(QStringLiteral("head"))->setValue(1);
            answered = true;
            dialog->accept();
        });
        action->trigger();
        QVERIFY(answered);
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 30000);
        const QString path = requested.front().front().toString();
        QVERIFY(path.endsWith(QStringLiteral("tiny-gpt2-layer1-head1.json")));
        const playground::ResultSnapshotPtr snap = waitForSession(path);
        checkSession(snap, 1, 1);

        // Editing a query cell recomputes exactly as for typed matrices: one undo step, new weights.
        QUndoStack* undo = main_->document()->undoStack();
        const int before = undo->count();
        widgets::MatrixTableModel* q = main_->document()->queriesModel();
        QVERIFY(q->setData(q->index(5, 0), 25.0, Qt::EditRole));
        QCOMPARE(undo->count(), before + 1);
        QVERIFY(main_->controller()->waitForIdle());
        QVERIFY(maxDifference(main_->controller()->latestResult()->outcome.result.weights, runner_->lastOutcome()->result,
                              1, 1) > 1e-3);
        undo->undo();
        QVERIFY(main_->controller()->waitForIdle());
        QVERIFY(maxDifference(main_->controller()->latestResult()->outcome.result.weights, runner_->lastOutcome()->result,
                              1, 1) < 1e-5);
    }

    void grid_context_menu_opens_the_head()
    {
        runner_->showPanel(gui::InspectorWindow::Panel::Model);
        widgets::ThumbnailGridWidget* grid = runner_->modelPanel()->grid();
        QTRY_VERIFY(grid->isVisible() && grid->thumbnailCount() == 4);
        const QPoint at = grid->cellRect(0, 1).center();
        QSignalSpy requested(runner_, &model_view::ModelWindow::openSessionInPlayground);
        bool picked = false;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu || menu->actions().isEmpty()) return;
            picked = menu->actions().front()->text().contains(QStringLiteral("0.1"));
            menu->actions().front()->trigger();
            menu->close();
        });
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, grid->mapToGlobal(at));
        QApplication::sendEvent(grid, &event);
        QVERIFY(picked);
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 30000);
        checkSession(waitForSession(requested.front().front().toString()), 0, 1);
    }

    // The head view's context menu offers each head it draws.
    void head_view_context_menu_opens_the_head()
    {
        runner_->showPanel(gui::InspectorWindow::Panel::Head);
        inspector::HeadViewPanel* view = runner_->headViewPanel();
        view->setLayer(1);
        view->setHeadsShown({0, 1});
        QTRY_VERIFY(view->isVisible());
        QSignalSpy requested(runner_, &model_view::ModelWindow::openSessionInPlayground);
        QStringList offered;
        QTimer::singleShot(0, this, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            for (QAction* a : menu->actions()) offered << a->text();
            menu->actions().value(1)->trigger();
            menu->close();
        });
        const QPoint at = view->rect().center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->mapToGlobal(at));
        QApplication::sendEvent(view, &event);
        QCOMPARE(offered, (QStringList{"Open Head 1.0 in Playground", "Open Head 1.1 in Playground"}));
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 30000);
        checkSession(waitForSession(requested.front().front().toString()), 1, 1);
    }
};

QTEST_MAIN(TestHeadExportGui)
#include "test_head_export_gui.moc"
