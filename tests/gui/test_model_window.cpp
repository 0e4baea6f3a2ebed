// SPDX-License-Identifier: GPL-3.0-or-later
// The model window end to end on the offscreen platform: open a checkpoint folder, type text,
// the inspector's views over the run (L × H thumbnails), the top-K table against the core's
// run, too-long text and a bad folder refused in the window with the previous model and result
// kept, Cancel, and the launcher routing a folder or its config.json to this window.
#include "gui/main_window.hpp"
#include "inspector/inspector_window.hpp"
#include "inspector/model_panel.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"
#include "shell/window_launcher.hpp"

#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace attnviz;
using model_view::ModelRunPanel;
using model_view::ModelRunner;
using model_view::ModelWindow;

namespace {

// tests/data/model_view/write_tiny_gpt2.py: 2 layers × 2 heads × 16, 32 positions, byte-level
// BPE whose merges spell "The cat sat on the mat" in 6 tokens.
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
const QString kGpt2Ids = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2-ids");
const QString kBert = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/hf/bert_mlm_f32");

struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat};
    ModelWindow::Options options()
    {
        ModelWindow::Options o;
        o.prompts = false;
        o.settings = &settings;
        return o;
    }
};

}  // namespace

class TestModelWindow : public QObject {
    Q_OBJECT

private slots:
    void type_text_and_see_every_head()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &ModelWindow::modelOpened);
        w.openModelAsync(kGpt2);
        QTRY_COMPARE(opened.count(), 1);
        ModelRunPanel* panel = w.runPanel();
        QVERIFY2(panel->factsLabel()->text().contains(QStringLiteral("2 layers × 2 heads")),
                 qPrintable(panel->factsLabel()->text()));
        QVERIFY(panel->factsLabel()->text().contains(QStringLiteral("GPT-2")));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("tiny-gpt2")));
        QCOMPARE(f.settings.value(QStringLiteral("files/lastModelFolder")).toString(),
                 QString::fromStdString(w.runner()->model()->info().folder.string()));

        // Typing and Enter run the text (run-as-you-type off, so exactly one run).
        panel->setRunWhileTyping(false);
        QSignalSpy shown(&w, &ModelWindow::runShown);
        QSignalSpy progress(w.runner(), &ModelRunner::progress);
        panel->inputBox()->setFocus();
        QTest::keyClicks(panel->inputBox(), QStringLiteral("The cat sat on the mat"));
        QTest::keyClick(panel->inputBox(), Qt::Key_Return);
        QTRY_COMPARE(shown.count(), 1);
        QVERIFY(progress.count() >= 1);
        QCOMPARE(panel->inputBox()->toPlainText(), QStringLiteral("The cat sat on the mat"));  // Enter ran, added no line

        // The tokens as chips; the inspector's grid has L × H thumbnails of the run's stack.
        QCOMPARE(panel->tokenList()->count(), 6);
        QCOMPARE(panel->tokenList()->item(1)->text(), QStringLiteral("␣cat"));
        const auto stack = w.stack();
        QVERIFY(stack);
        QCOMPARE(stack->layers(), 2);
        QCOMPARE(stack->heads(), 2);
        QCOMPARE(stack->key_count(), 6);
        QCOMPARE(stack->key_tokens()[1], std::string(" cat"));
        QCOMPARE(w.modelPanel()->grid()->thumbnailCount(), 4);
        QCOMPARE(w.modelPanel()->grid()->layerCount(), 2);

        // The next-token table holds the core's top K, in order, with its probabilities.
        const auto outcome = w.lastOutcome();
        QVERIFY(outcome);
        const auto model = hf::Model::open(kGpt2.toStdString());
        hf::RunOptions o;
        o.top_k = 10;
        const hf::RunResult core = model->run(outcome->input.ids, o);
        QTableWidget* table = panel->topTable();
        QCOMPARE(table->rowCount(), 10);
        // Thread counts may differ between the window's worker and this thread: Eigen's
        // products may then sum in another order, so the probabilities agree to float rounding.
        for (int r = 0; r < 10; ++r) {
            QCOMPARE(table->item(r, 1)->text().toInt(), core.next[static_cast<std::size_t>(r)].id);
            QVERIFY(qAbs(table->item(r, 2)->data(Qt::UserRole).toDouble() - core.next[static_cast<std::size_t>(r)].probability) < 1e-6);
        }
        // The heads shown are the core's attention.
        const std::size_t n = 6;
        for (std::size_t q = 0; q < n; ++q)
            for (std::size_t k = 0; k < n; ++k)
                QVERIFY(qAbs(stack->head(1, 0)(q, k) - (*core.attentions)[((1 * 2 + 0) * n + q) * n + k]) < 1e-6f);
        QVERIFY(panel->topCaption()->text().contains(QStringLiteral("␣mat")));
    }

    void too_long_text_is_refused_and_the_result_kept()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2));
        QString error;
        QVERIFY2(w.runInput(QStringLiteral("The cat sat"), false, &error), qPrintable(error));
        const auto before = w.stack();
        const int rows = w.runPanel()->topTable()->rowCount();
        QString longText;
        for (int i = 0; i < 40; ++i) longText += QStringLiteral(" cat");
        QVERIFY(!w.runInput(longText, false, &error));
        QVERIFY2(error.contains(QStringLiteral("limit of 32")), qPrintable(error));
        QVERIFY(w.runPanel()->statusLabel()->text().contains(QStringLiteral("limit of 32")));
        QCOMPARE(w.stack(), before);  // the previous result stays shown
        QCOMPARE(w.runPanel()->topTable()->rowCount(), rows);
        QCOMPARE(w.runPanel()->tokenList()->count(), 3);
        // Bad ids too, in ids mode.
        QVERIFY(!w.runInput(QStringLiteral("1, 999"), true, &error));
        QVERIFY2(error.contains(QStringLiteral("vocabulary")), qPrintable(error));
        QCOMPARE(w.stack(), before);
    }

    void bad_folder_is_refused_and_the_model_stays()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2));
        const auto model = w.runner()->model();
        QString error;
        QVERIFY(!w.openModel(f.dir.path(), &error));  // no config.json
        QVERIFY2(error.contains(QStringLiteral("config.json")), qPrintable(error));
        QVERIFY(w.runPanel()->statusLabel()->text().contains(QStringLiteral("config.json")));
        QCOMPARE(w.runner()->model(), model);
        // The window stays usable: the open model still runs.
        QVERIFY2(w.runInput(QStringLiteral("The mat"), false, &error), qPrintable(error));
        QCOMPARE(w.stack()->key_count(), 2);
    }

    void ids_without_tokenizer()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2Ids));
        QCOMPARE(w.runPanel()->mode(), ModelRunPanel::Mode::Ids);  // no tokenizer: ids mode
        QVERIFY(w.runPanel()->factsLabel()->text().contains(QStringLiteral("no tokenizer")));
        QString error;
        QVERIFY(!w.runInput(QStringLiteral("The cat"), false, &error));
        QVERIFY2(error.contains(QStringLiteral("tokenizer")), qPrintable(error));
        QVERIFY2(w.runInput(QStringLiteral("5, 6, 7"), true, &error), qPrintable(error));
        QCOMPARE(w.stack()->key_tokens(), (std::vector<std::string>{"5", "6", "7"}));
    }

    void masked_lm_shows_the_top_k_at_each_mask()
    {
        // bert_mlm_f32 has no tokenizer, so no [MASK] token is known: the table says so, and
        // every head is still shown.
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kBert));
        QVERIFY(w.runPanel()->factsLabel()->text().contains(QStringLiteral("masked LM")));
        QString error;
        QVERIFY2(w.runInput(QStringLiteral("2,7,3"), true, &error), qPrintable(error));
        QCOMPARE(w.stack()->layers(), 2);
        QCOMPARE(w.runPanel()->topTable()->rowCount(), 0);
        QVERIFY(w.runPanel()->topCaption()->text().contains(QStringLiteral("[MASK]")));
    }

    void fill_mask_table()
    {
        // tiny-bert-mlm: bert_mlm_f32's weights with a WordPiece vocab.txt of 20 words.
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-bert-mlm")));
        QString error;
        QVERIFY2(w.runInput(QStringLiteral("The cat [MASK] on the mat"), false, &error), qPrintable(error));
        const auto outcome = w.lastOutcome();
        QCOMPARE(outcome->input.mask_positions, std::vector<int>{3});  // [CLS] the cat [MASK]
        QTableWidget* table = w.runPanel()->topTable();
        QVERIFY(!table->isColumnHidden(3));  // the Position column
        QCOMPARE(table->rowCount(), 10);
        const auto model = hf::Model::open(QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-bert-mlm").toStdString());
        hf::RunOptions o;
        o.top_k = 10;
        const hf::RunResult core = model->run(outcome->input.ids, o);
        for (int r = 0; r < 10; ++r) {
            QCOMPARE(table->item(r, 3)->text(), QStringLiteral("3"));
            QCOMPARE(table->item(r, 1)->text().toInt(), core.positions[3][static_cast<std::size_t>(r)].id);
            // Another thread count may sum in another order: float rounding.
            QVERIFY(qAbs(table->item(r, 2)->data(Qt::UserRole).toDouble() - core.positions[3][static_cast<std::size_t>(r)].probability) < 1e-6);
        }
    }

    void cancel_stops_the_forward()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2));
        QString error;
        QVERIFY(w.runInput(QStringLiteral("The cat"), false, &error));
        const auto before = w.stack();
        // The worker waits after layer 1 until the test has pressed Cancel: a known point.
        QSemaphore pressed;
        w.runner()->setLayerHookForTests([&pressed](int done) {
            if (done == 1) pressed.acquire();
        });
        QSignalSpy cancelled(w.runner(), &ModelRunner::cancelled);
        QSignalSpy shown(&w, &ModelWindow::runShown);
        ModelRunPanel* panel = w.runPanel();
        panel->setInput(QStringLiteral("The cat sat on the mat"));
        panel->runNow();
        QVERIFY(panel->cancelButton()->isEnabled());
        QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
        pressed.release();
        QTRY_COMPARE(cancelled.count(), 1);
        QCOMPARE(shown.count(), 0);
        QCOMPARE(w.stack(), before);
        QVERIFY(!panel->cancelButton()->isEnabled());
        QCOMPARE(panel->statusLabel()->text(), QStringLiteral("Cancelled"));
        // The next run goes through.
        w.runner()->setLayerHookForTests({});
        QVERIFY(w.runInput(QStringLiteral("The cat sat"), false, &error));
        QCOMPARE(w.stack()->key_count(), 3);
    }

    void latest_request_wins()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2));
        QSemaphore go;
        w.runner()->setLayerHookForTests([&go](int done) {
            if (done == 1) go.acquire();
        });
        QSignalSpy shown(&w, &ModelWindow::runShown);
        ModelRunPanel* panel = w.runPanel();
        panel->setInput(QStringLiteral("The cat"));
        panel->runNow();
        w.runner()->setLayerHookForTests({});
        panel->setInput(QStringLiteral("The cat sat on"));
        panel->runNow();  // cancels the first, which waits in its hook
        go.release();
        QTRY_COMPARE(shown.count(), 1);
        QVERIFY(w.runner()->waitForIdle());
        QCOMPARE(shown.count(), 1);
        QCOMPARE(w.stack()->key_count(), 4);
    }

    void typing_reruns_after_a_pause()
    {
        Fixture f;
        ModelWindow w(f.options());
        w.show();
        QVERIFY(w.openModel(kGpt2));
        QVERIFY(w.runPanel()->runWhileTyping());  // a 48 kB model
        QSignalSpy shown(&w, &ModelWindow::runShown);
        QTest::keyClicks(w.runPanel()->inputBox(), QStringLiteral("The mat"));
        QTRY_COMPARE(shown.count(), 1);  // one run after the pause, not one per key
        QCOMPARE(w.stack()->key_count(), 2);
    }

    void launcher_routes_folders_and_config_json()
    {
        Fixture f;
        using Kind = gui::WindowLauncher::FileKind;
        QCOMPARE(gui::WindowLauncher::kindOf(kGpt2), Kind::HfModel);
        QCOMPARE(gui::WindowLauncher::kindOf(kGpt2 + "/config.json"), Kind::HfModel);
        QCOMPARE(gui::WindowLauncher::kindOf(f.dir.path()), Kind::Unknown);  // a folder without config.json
        QCOMPARE(gui::WindowLauncher::kindOf(QStringLiteral(ATTNVIZ_RESOURCES_DIR "/presets/dot.json")), Kind::Session);
        gui::WindowLauncher launcher({false, &f.settings});
        QVERIFY(launcher.openInOtherWindow(kGpt2 + "/config.json"));
        ModelWindow* w = launcher.modelRunner();
        QVERIFY(w);
        QTRY_VERIFY(w->runner()->model() != nullptr);
        QCOMPARE(w->runner()->model()->info().model_type, std::string("gpt2"));
        w->close();
    }

    void main_window_opens_a_folder_in_the_runner()
    {
        // `attnviz DIR` (gui_main hands argv[1] to openAnyFile) and File → Open on a config.json.
        Fixture f;
        gui::MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.autosave = false;
        o.settings = &f.settings;
        gui::MainWindow main(o);
        QVERIFY(main.openAnyFile(kGpt2));
        ModelWindow* w = main.windows()->modelRunner();
        QVERIFY(w);
        QTRY_VERIFY(w->runner()->model() != nullptr);
        QCOMPARE(w->runner()->model()->name, std::string("tiny-gpt2"));
        w->close();
    }
};

QTEST_MAIN(TestModelWindow)
#include "test_model_window.moc"
