// SPDX-License-Identifier: GPL-3.0-or-later
// The seq2seq window's Translate side, compared with the core directly: the start-up model,
// translation, stepping, the what-if override, messages, and model files.
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/step_view.hpp"
#include "seq2seq_view/translate_panel.hpp"
#include "seq2seq_view/whatif_panel.hpp"

#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"
#include "attnviz/core/seq2seq/whatif.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/seq2seq_alignment_lines_widget.hpp"
#include "attnviz/widgets/seq2seq_attention_row_editor.hpp"
#include "attnviz/widgets/seq2seq_vector_strip_widget.hpp"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace attnviz;
using attnviz::seq2seq_view::Seq2SeqWindow;

namespace {

constexpr const char* kSentence = "the black cat sees a red car .";

seq2seq::LoadedModel shippedModel() { return seq2seq::load_model(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors"); }

}  // namespace

class TestSeq2SeqWindow : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;

    std::unique_ptr<Seq2SeqWindow> makeWindow()
    {
        Seq2SeqWindow::Options o;
        o.prompts = false;
        o.settings = settings_.get();
        o.initialSentence.clear();
        auto w = std::make_unique<Seq2SeqWindow>(o);
        w->resize(1366, 768);
        w->show();
        return w;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        settings_ = std::make_unique<QSettings>(dir_.filePath("settings.ini"), QSettings::IniFormat);
    }

    void startsWithTheShippedModelAndTranslatesAsTheCore()
    {
        auto w = makeWindow();
        QVERIFY(w->model());
        const seq2seq::LoadedModel core = shippedModel();
        QCOMPARE(w->model()->src_vocab.idx_to_token(), core.src_vocab.idx_to_token());
        QCOMPARE(w->model()->tgt_vocab.idx_to_token(), core.tgt_vocab.idx_to_token());
        seq2seq_view::TranslatePanel* p = w->translatePanel();
        QTest::keyClicks(p->sentenceEdit(), kSentence);
        QTest::keyClick(p->sentenceEdit(), Qt::Key_Return);  // Enter translates
        QVERIFY(p->hasTranslation());
        const seq2seq::Translation expected =
            seq2seq::translate_greedy(core.model, core.src_vocab, core.tgt_vocab, kSentence, core.num_steps);
        QCOMPARE(p->translation().output, expected.output);
        QVERIFY(p->outputLabel()->text().contains(QStringLiteral("chat")));
        QVERIFY(!p->messageLabel()->isVisible());
        QVERIFY(!p->unknownLabel()->isVisible());
        // Beam 3 gives the core's beam search.
        p->beamSpin()->setValue(3);
        QVERIFY(p->translateCurrent());
        QCOMPARE(p->translation().output,
                 seq2seq::translate_beam(core.model, core.src_vocab, core.tgt_vocab, kSentence, core.num_steps, 3).output);
    }

    void steppingMovesTheHighlightAndTheBars()
    {
        auto w = makeWindow();
        seq2seq_view::TranslatePanel* p = w->translatePanel();
        QVERIFY(p->translate(kSentence));
        const seq2seq::Translation& t = p->translation();
        QCOMPARE(p->stepSlider()->maximum(), static_cast<int>(t.steps.size()) - 1);
        seq2seq_view::StepView* v = p->stepView();
        for (int step : {0, 2, static_cast<int>(t.steps.size()) - 1}) {
            p->stepSlider()->setValue(step);
            QCOMPARE(p->currentStep(), step);
            QCOMPARE(v->heatmap()->highlightedRow(), step);
            const auto& s = t.steps[static_cast<std::size_t>(step)];
            // Exact: the panels show copies of the step's row.
            QCOMPARE(v->whatIf()->editor()->values(), s.attention);
            QCOMPARE(v->lines()->data().weights, s.attention);
            QCOMPARE(v->lines()->data().targetToken, QString::fromStdString(s.text));
            QCOMPARE(v->context()->values(), s.context);
            QCOMPARE(v->topTable()->item(0, 0)->text(), QString::fromStdString(s.top[0].first));
            QCOMPARE(v->whatIf()->table()->item(0, 1)->text(), QString::number(s.attention[1], 'f', 3));
        }
        QCOMPARE(v->heatmap()->data().values.rows(), static_cast<Eigen::Index>(t.steps.size()));
        QCOMPARE(v->heatmap()->data().values.cols(), static_cast<Eigen::Index>(t.source_tokens.size()));
        // Play advances the steps by itself, and stops at the end.
        p->stepSlider()->setValue(0);
        QTest::mouseClick(p->playButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(p->currentStep(), p->stepSlider()->maximum(), 20000);
        QTRY_COMPARE(p->playButton()->text(), QStringLiteral("&Play"));
    }

    void whatIfRenormalisesAndReDecodesAsTheCore()
    {
        auto w = makeWindow();
        seq2seq_view::TranslatePanel* p = w->translatePanel();
        QVERIFY(p->translate(kSentence));
        const seq2seq::Translation original = p->translation();
        const int k = 2;
        p->setStep(k);
        // Drag bar 0 to the top of the editor: weight 1 on the first source token.
        widgets::AttentionRowEditor* editor = p->stepView()->whatIf()->editor();
        const QRectF slot = editor->barSlot(0);
        // Read before the edit: the note that appears afterwards changes the editor's height.
        const double v0 = editor->valueAt(int(slot.top()) + 1);
        QTest::mousePress(editor, Qt::LeftButton, {}, QPoint(int(slot.center().x()), int(slot.top()) + 1));
        QTest::mouseRelease(editor, Qt::LeftButton, {}, QPoint(int(slot.center().x()), int(slot.top()) + 1));
        QVERIFY(p->session().edited());
        const auto& ov = *p->session().attentionOverride();
        QCOMPARE(ov.step, k);
        double total = 0;
        for (double x : ov.row) total += x;
        QVERIFY(std::abs(total - 1.0) < 1e-9);
        // Exact: the window calls this same function on the same row.
        QCOMPARE(ov.row, seq2seq::set_row_weight(original.steps[k].attention, 0, v0));
        // The window's output equals the core's decode with the same override.
        const seq2seq::LoadedModel core = shippedModel();
        const seq2seq::Translation expected =
            seq2seq::translate_greedy(core.model, core.src_vocab, core.tgt_vocab, kSentence, core.num_steps, ov);
        QCOMPARE(p->translation().output, expected.output);
        QCOMPARE(p->currentStep(), k);
        QCOMPARE(editor->values().size(), ov.row.size());
        for (std::size_t j = 0; j < ov.row.size(); ++j) QVERIFY(std::abs(editor->values()[j] - ov.row[j]) < 1e-6);
        QVERIFY(p->stepView()->whatIf()->note()->isVisible());
        QVERIFY(p->stepView()->whatIf()->note()->text().contains(QStringLiteral("step 3")));
        // Typing a weight in the table: the same rule, through the table.
        QTableWidget* table = p->stepView()->whatIf()->table();
        table->item(0, 1)->setText(QStringLiteral("0.5"));
        QCOMPARE(p->session().attentionOverride()->row[1], 0.5);
        // Bad input is refused and loses nothing.
        const auto before = p->session().attentionOverride()->row;
        table->item(0, 2)->setText(QStringLiteral("lots"));
        QCOMPARE(p->session().attentionOverride()->row, before);
        // Reset brings the model's own translation back.
        QTest::mouseClick(p->stepView()->whatIf()->resetButton(), Qt::LeftButton);
        QVERIFY(!p->session().edited());
        QCOMPARE(p->translation().output, original.output);
        QVERIFY(!p->stepView()->whatIf()->note()->isVisible());
    }

    void unknownWordsAreNamed()
    {
        auto w = makeWindow();
        seq2seq_view::TranslatePanel* p = w->translatePanel();
        QVERIFY(p->translate(QStringLiteral("the zebra sees a cat .")));
        QVERIFY(p->unknownLabel()->isVisible());
        QVERIFY(p->unknownLabel()->text().contains(QStringLiteral("zebra")));
        QVERIFY(p->unknownLabel()->text().contains(QStringLiteral("<unk>")));
        QCOMPARE(p->translation().source_tokens[1], std::string("<unk>"));
    }

    void emptyAndTooLongSentencesGetAMessage()
    {
        auto w = makeWindow();
        seq2seq_view::TranslatePanel* p = w->translatePanel();
        QVERIFY(p->translate(kSentence));
        const auto before = p->translation().output;
        QVERIFY(!p->translate(QStringLiteral("   ")));
        QVERIFY(p->messageLabel()->isVisible());
        QVERIFY(p->messageLabel()->text().contains(QStringLiteral("Type a sentence")));
        QCOMPARE(p->translation().output, before);  // the last translation stays
        QVERIFY(!p->translate(QStringLiteral("the black cat sees a red car and the white dog follows the boys .")));
        QVERIFY(p->messageLabel()->text().contains(QStringLiteral("at most 9")));
        QVERIFY(p->translate(kSentence));
        QVERIFY(!p->messageLabel()->isVisible());
    }

    void corruptModelKeepsTheCurrentOne()
    {
        auto w = makeWindow();
        const auto current = w->model();
        const QString bad = dir_.filePath("broken.safetensors");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": broken}   ", 24);
        f.close();
        QString error;
        QVERIFY(!w->openModelFile(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("broken.safetensors")), qPrintable(error));
        QCOMPARE(w->model(), current);
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("broken.safetensors")));
        QVERIFY(!w->openModelFile(dir_.filePath("missing.safetensors"), &error));
        QCOMPARE(w->model(), current);
    }

    void savesAndReopensTheModel()
    {
        auto w = makeWindow();
        const QString path = dir_.filePath("saved.safetensors");
        QString error;
        QVERIFY2(w->saveModelFile(path, &error), qPrintable(error));
        const seq2seq::LoadedModel back = seq2seq::load_model(path.toStdString());
        QCOMPARE(back.tgt_vocab.idx_to_token(), w->model()->tgt_vocab.idx_to_token());
        QVERIFY(w->openModelFile(path, &error));
        QCOMPARE(w->modelOrigin(), path);
        QVERIFY(w->translatePanel()->translate(kSentence));
        const seq2seq::LoadedModel core = shippedModel();
        QCOMPARE(w->translatePanel()->translation().output,
                 seq2seq::translate_greedy(core.model, core.src_vocab, core.tgt_vocab, kSentence, core.num_steps).output);
        // A directory that does not exist: an error, nothing written.
        QVERIFY(!w->saveModelFile(dir_.filePath("no/such/dir/m.safetensors"), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(TestSeq2SeqWindow)
#include "test_seq2seq_window.moc"
