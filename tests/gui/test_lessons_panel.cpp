// SPDX-License-Identifier: GPL-3.0-or-later
// The Lessons panel with the real windows, offscreen (issue 14): for every shipped lesson, Setup
// leaves every task unticked, and each task's "Show me" ticks that task and no other (a
// cumulative lesson's later tasks only); the panel's flow — Setup, Hint, Show me, the tick
// appearing by itself, progress saved between runs and reset — and a teacher's bad file.
#include "gui/main_window.hpp"
#include "lessons/builtin_models.hpp"
#include "lessons/lesson_actions.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lesson_state.hpp"
#include "lessons/lessons_panel.hpp"
#include "playground/app_settings.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "seq2seq_view/train_runner.hpp"
#include "shell/window_launcher.hpp"
#include "lessons/publish_model.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/ablation_panel.hpp"
#include "model_view/model_window.hpp"
#include "transformer_lab/lab_heads_view.hpp"
#include "transformer_lab/lab_settings_form.hpp"
#include "transformer_lab/lab_timeline.hpp"
#include "transformer_lab/lab_window.hpp"

#include "attnviz/widgets/matrix_table_model.hpp"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QCheckBox>
#include <QDockWidget>
#include <QSettings>
#include <QShortcut>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace attnviz;
using attnviz::gui::MainWindow;
using attnviz::lessons::LessonsDock;
using attnviz::lessons::LessonsPanel;

namespace {
// Training a lesson's model (toy-fr, 20 epochs) takes about 3 s here; under ASan and on a loaded
// machine many times that.
constexpr int kTrainTimeoutMs = 120000;
}  // namespace

class TestLessonsPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;
    std::unique_ptr<MainWindow> window_;

    std::unique_ptr<MainWindow> makeWindow()
    {
        MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.autosave = false;
        o.settings = settings_.get();
        auto w = std::make_unique<MainWindow>(o);
        w->show();
        return w;
    }
    LessonsPanel* panel() const { return window_->findChild<LessonsDock*>()->panel(); }
    // The playground's result for the last edit has been published.
    void settle()
    {
        QVERIFY(window_->controller()->waitForIdle(10000));
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
    }
    // A fresh seq2seq window for every run: a lesson's state never carries over.
    void closeModelWindow()
    {
        if (auto* w = window_->windows()->modelWindow()) {
            if (w->trainPanel()->isTraining()) w->trainPanel()->runner()->stop();
            QTRY_VERIFY_WITH_TIMEOUT(!w->trainPanel()->isTraining(), kTrainTimeoutMs);
            w->close();
        }
        QTRY_VERIFY(!window_->windows()->modelWindow());
        // The lab (closing stops its run and waits) and the model runner, likewise.
        if (auto* lab = window_->windows()->transformerLab()) lab->close();
        if (auto* runner = window_->windows()->modelRunner()) runner->close();
        QTRY_VERIFY(!window_->windows()->transformerLab() && !window_->windows()->modelRunner());
    }
    // A task whose "Show me" (or, cumulative, one before it) trains the lab's default model: 40 s
    // and more, left to test_lesson_induction (labelled long).
    static bool trainsTheLab(const lessons::Lesson& l, int task)
    {
        for (int t = l.cumulative ? 0 : task; t <= task; ++t)
            for (const lessons::Action& a : l.tasks[std::size_t(t)].show)
                if (a.verb == "press" && a.args == std::vector<std::string>{"lab.train"}) return true;
        return false;
    }
    std::optional<lessons::Scalar> value(const char* name, std::vector<long> ix = {}) const
    {
        return lessons::LessonState::instance().lookup(name, ix);
    }
    QString ticks() const
    {
        QString s;
        const lessons::Lesson* l = panel()->currentLesson();
        for (int t = 0; l && t < int(l->tasks.size()); ++t) s += panel()->isTicked(t) ? QLatin1Char('x') : QLatin1Char('.');
        return s;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }  // builtin models go to a test folder
    void init();
    void cleanup();
    void lists_the_course();
    void setup_ticks_nothing_data();
    void setup_ticks_nothing();
    void show_me_ticks_its_task_only_data();
    void show_me_ticks_its_task_only();
    void flow_setup_hint_show_me_progress_reset();
    void a_wrong_edit_leaves_the_task_unticked();
    void a_left_over_state_earns_nothing();
    void teacher_file_opens_or_is_refused();
    void f1_opens_the_lesson_of_the_focused_panel();
    void lab_steps_and_published_values();
    void model_steps_and_published_values();
};

void TestLessonsPanel::init()
{
    QVERIFY(dir_.isValid());
    QFile::remove(dir_.filePath(QStringLiteral("settings.ini")));
    settings_ = std::make_unique<QSettings>(dir_.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    lessons::LessonState::instance().clear();
    window_ = makeWindow();
    settle();
}

void TestLessonsPanel::cleanup()
{
    if (window_) closeModelWindow();
    window_.reset();
    settings_.reset();
}

void TestLessonsPanel::lists_the_course()
{
    QVERIFY(panel()->lessonCount() >= 10);
    QCOMPARE(panel()->lessonPicker()->count(), panel()->lessonCount());
    QCOMPARE(panel()->currentIndex(), 0);
    QVERIFY(panel()->lessonPicker()->itemText(0).startsWith(QStringLiteral("1. ")));
}

void TestLessonsPanel::setup_ticks_nothing_data()
{
    QTest::addColumn<int>("lesson");
    const std::vector<lessons::Lesson> course = lessons::shippedLessons();  // the panel's list, in order
    for (int i = 0; i < int(course.size()); ++i) QTest::newRow(course[std::size_t(i)].id.c_str()) << i;
}

void TestLessonsPanel::setup_ticks_nothing()
{
    QFETCH(int, lesson);
    panel()->showLessonAt(lesson);
    QCOMPARE(panel()->runSetup(), QString());
    settle();
    QCOMPARE(ticks(), QString(int(panel()->currentLesson()->tasks.size()), QLatin1Char('.')));
}

void TestLessonsPanel::show_me_ticks_its_task_only_data()
{
    QTest::addColumn<int>("lesson");
    QTest::addColumn<int>("task");
    const std::vector<lessons::Lesson> course = lessons::shippedLessons();
    for (int i = 0; i < int(course.size()); ++i)
        for (int t = 0; t < int(course[std::size_t(i)].tasks.size()); ++t)
            QTest::addRow("%s/%d", course[std::size_t(i)].id.c_str(), t + 1) << i << t;
}

void TestLessonsPanel::show_me_ticks_its_task_only()
{
    QFETCH(int, lesson);
    QFETCH(int, task);
    panel()->showLessonAt(lesson);
    if (trainsTheLab(*panel()->currentLesson(), task)) QSKIP("trains the lab's default model: test_lesson_induction");
    QCOMPARE(panel()->runSetup(), QString());
    settle();
    const bool cumulative = panel()->currentLesson()->cumulative;
    // A cumulative lesson's task starts where the tasks before it left the program.
    for (int t = cumulative ? 0 : task; t <= task; ++t) {
        QCOMPARE(panel()->runShowMe(t), QString());
        // The playground answers within a few events; a Show me that trains takes seconds.
        const int timeoutMs = window_->windows()->modelWindow() ? kTrainTimeoutMs : 10000;  // a variable: QTRY pastes it
        QTRY_VERIFY_WITH_TIMEOUT(panel()->isTicked(t), timeoutMs);
        // A training run started by Show me has ended (its model is in use); let the last values in.
        if (auto* w = window_->windows()->modelWindow())
            QTRY_VERIFY_WITH_TIMEOUT(!w->trainPanel()->isTraining(), kTrainTimeoutMs);
        settle();
    }
    QVERIFY2(panel()->isTicked(task), qPrintable(ticks()));
    for (int t = 0; t < int(panel()->currentLesson()->tasks.size()); ++t) {
        if (t == task || (cumulative && t < task)) continue;
        QVERIFY2(!panel()->isTicked(t), qPrintable(QStringLiteral("task %1 ticked by accident: %2").arg(t + 1).arg(ticks())));
    }
}

void TestLessonsPanel::flow_setup_hint_show_me_progress_reset()
{
    LessonsPanel* p = panel();
    QVERIFY(p->showLesson(QStringLiteral("dot-product")));
    QTest::mouseClick(p->setupButton(), Qt::LeftButton);
    settle();
    QVERIFY(p->messageLabel()->isHidden());
    QCOMPARE(p->tickLabel(0)->text(), QStringLiteral("○"));
    QVERIFY(!p->isDone(0));
    // Hint shows and hides its text.
    QVERIFY(p->hintLabel(0)->isHidden());
    p->hintButton(0)->click();
    QVERIFY(p->hintLabel(0)->isVisibleTo(p));
    p->hintButton(0)->click();
    QVERIFY(p->hintLabel(0)->isHidden());
    // Show me: the tick appears by itself once the result is published, and is recorded.
    QSignalSpy ticked(p, &LessonsPanel::taskTicked);
    QTest::mouseClick(p->showMeButton(0), Qt::LeftButton);
    QTRY_COMPARE(p->tickLabel(0)->text(), QStringLiteral("✓"));
    QCOMPARE(ticked.count(), 1);
    QCOMPARE(ticked.at(0).at(0).toInt(), 0);
    QVERIFY(p->isDone(0));
    QVERIFY(!p->isDone(1));
    QVERIFY(playground::AppSettings(settings_.get()).lessonTasksDone().contains(QStringLiteral("dot-product#1")));
    // Undo takes the edit back: the live tick goes, the task stays done (a grey tick).
    window_->document()->undoStack()->undo();
    window_->document()->undoStack()->undo();
    settle();
    QTRY_VERIFY(!p->isTicked(0));
    QVERIFY(p->isDone(0));
    QCOMPARE(p->tickLabel(0)->text(), QStringLiteral("✓"));
    // Kept between runs: a new window on the same settings shows it done, on the same lesson.
    settings_->sync();
    window_ = makeWindow();
    settle();
    QCOMPARE(QString::fromStdString(panel()->currentLesson()->id), QStringLiteral("dot-product"));
    QVERIFY(panel()->isDone(0));
    QCOMPARE(panel()->tasksDone(), 1);
    QVERIFY(panel()->lessonPicker()->itemText(0).startsWith(QStringLiteral("1. ")));  // not all tasks done
    // Reset forgets it.
    panel()->resetProgress();
    QVERIFY(!panel()->isDone(0));
    QCOMPARE(panel()->tasksDone(), 0);
    QCOMPARE(panel()->tickLabel(0)->text(), QStringLiteral("○"));
    QVERIFY(playground::AppSettings(settings_.get()).lessonTasksDone().isEmpty());
}

void TestLessonsPanel::a_wrong_edit_leaves_the_task_unticked()
{
    LessonsPanel* p = panel();
    QVERIFY(p->showLesson(QStringLiteral("dot-product")));
    QCOMPARE(p->runSetup(), QString());
    settle();
    // Task 1 wants the first query to look for x: pointing it at y instead is not it.
    widgets::MatrixTableModel* q = window_->document()->queriesModel();
    QVERIFY(q->setValue(0, 2, 0));
    QVERIFY(q->setValue(0, 1, 10));
    settle();
    QVERIFY(!p->isTicked(0));
    QVERIFY(!p->isDone(0));
    // Half of it (x = 10 but z still 10) is not it either: the weight is split.
    QVERIFY(q->setValue(0, 1, 0));
    QVERIFY(q->setValue(0, 0, 10));
    QVERIFY(q->setValue(0, 2, 10));
    settle();
    QVERIFY(!p->isTicked(0));
    QVERIFY(q->setValue(0, 2, 0));  // now it is
    QTRY_VERIFY(p->isTicked(0));
}

void TestLessonsPanel::a_left_over_state_earns_nothing()
{
    // The window opens on tf-tutorial (scaled dot product, d_k = 3): lesson 2's first task
    // ("switch to the scaled dot product") is satisfied before the lesson is even shown.
    QVERIFY(panel()->showLesson(QStringLiteral("scaling-and-temperature")));
    QVERIFY(panel()->isTicked(0));
    QVERIFY(window_->document()->setTemperature(0.9));  // a published change that keeps it satisfied
    settle();
    QVERIFY(panel()->isTicked(0));
    QVERIFY(!panel()->isDone(0));  // shown, not earned
    // Done by the student: the lesson's own start (plain dot product), then the switch.
    QCOMPARE(panel()->runSetup(), QString());
    settle();
    QVERIFY(!panel()->isTicked(0));
    QVERIFY(window_->document()->setVariant(Variant::ScaledDot));
    QTRY_VERIFY(panel()->isTicked(0));
    QVERIFY(panel()->isDone(0));
}

void TestLessonsPanel::teacher_file_opens_or_is_refused()
{
    const QString good = dir_.filePath(QStringLiteral("my-lesson.lesson"));
    {
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("title: Cool it down\ntext:\n  Low temperature sharpens the softmax.\nsetup: preset tf-tutorial\n"
                "task: Set the temperature to 0.1 or below.\nhint: The Controls panel.\nshow: temperature 0.1\n"
                "check: playground.temperature <= 0.1\n");
    }
    const int before = panel()->lessonCount();
    QString error;
    QVERIFY2(panel()->openLessonFile(good, &error), qPrintable(error));
    QCOMPARE(panel()->lessonCount(), before + 1);
    QCOMPARE(QString::fromStdString(panel()->currentLesson()->title), QStringLiteral("Cool it down"));
    QCOMPARE(panel()->runSetup(), QString());
    settle();
    QVERIFY(!panel()->isTicked(0));
    QCOMPARE(panel()->runShowMe(0), QString());
    QTRY_VERIFY(panel()->isTicked(0));
    // Opening it again replaces it rather than listing it twice.
    QVERIFY(panel()->openLessonFile(good, &error));
    QCOMPARE(panel()->lessonCount(), before + 1);

    const QString bad = dir_.filePath(QStringLiteral("bad.lesson"));
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("title: Bad\ntext: words\ntask: t\nhint: h\nshow: temperature 0.1\ncheck: playground.temperatur <= 0.1\n");
    }
    QVERIFY(!panel()->openLessonFile(bad, &error));
    QVERIFY2(error.endsWith(QStringLiteral("bad.lesson:6: check: unknown value name 'playground.temperatur' "
                                           "(docs/lessons.md lists every published value)")),
             qPrintable(error));
    QCOMPARE(panel()->lessonCount(), before + 1);
}

void TestLessonsPanel::f1_opens_the_lesson_of_the_focused_panel()
{
    auto* dock = window_->findChild<LessonsDock*>();
    QVERIFY(dock->isHidden());
    panel()->showLessonAt(0);
    // The Controls panel is named by the temperature lesson.
    QWidget* controls = window_->findChild<QWidget*>(QStringLiteral("controls"));
    QVERIFY(controls);
    window_->activateWindow();
    controls->setFocus();
    dock->helpForFocusedPanel();
    QVERIFY(dock->isVisible());
    bool named = false;
    for (const std::string& p : panel()->currentLesson()->panels) named = named || p == "controls";
    QVERIFY2(named, panel()->currentLesson()->id.c_str());
    // Help > Lessons shows the dock as well.
    dock->hide();
    dock->showAction()->trigger();
    QVERIFY(dock->isVisible());
    // F1 in the seq2seq window opens its lesson in the playground's dock.
    dock->hide();
    panel()->showLessonAt(0);
    seq2seq_view::Seq2SeqWindow* model = window_->windows()->showModelWindow();
    const QList<QShortcut*> keys = model->findChildren<QShortcut*>();
    QShortcut* f1 = nullptr;
    for (QShortcut* k : keys)
        if (k->key() == QKeySequence(Qt::Key_F1)) f1 = k;
    QVERIFY(f1);
    emit f1->activated();
    QVERIFY(dock->isVisible());
    QCOMPARE(QString::fromStdString(panel()->currentLesson()->id), QStringLiteral("seq2seq-bahdanau"));
}

namespace {
lessons::Action step(std::string verb, std::vector<std::string> args) { return lessons::Action{std::move(verb), std::move(args), 1}; }
lessons::Scalar text(const char* s) { return std::string(s); }
}  // namespace

void TestLessonsPanel::lab_steps_and_published_values()
{
    using S = std::optional<lessons::Scalar>;
    lessons::LessonActions act(window_.get());
    QVERIFY(panel()->showLesson(QStringLiteral("induction-heads")));
    QCOMPARE(panel()->runSetup(), QString());
    transformer_lab::TransformerLabWindow* lab = window_->windows()->transformerLab();
    QVERIFY(lab);
    QCOMPARE(value("lab.open"), S(true));
    QCOMPARE(value("lab.state"), S(text("idle")));
    // The Setup leaves the form at the induction task's defaults (docs/transformer-lab.md).
    const transformer_lab::LabJob job = lab->form()->job();
    QCOMPARE(job.config.task, std::string("induction"));
    QCOMPARE(job.config.layers, 2);
    QCOMPARE(job.config.heads, 2);
    QCOMPARE(job.config.steps, 3500LL);
    QVERIFY(!job.compareOneLayer);
    // Steps that need snapshots refuse before a run; a form value out of range is refused.
    QVERIFY(!act.perform(step("lab_scrub", {"700"})).isEmpty());
    QVERIFY(!act.perform(step("lab_head", {"1", "0"})).isEmpty());
    QVERIFY(!act.perform(step("lab_layers", {"0"})).isEmpty());
    QCOMPARE(act.perform(step("lab_layers", {"2"})), QString());
    // lab_task brings every default back, the seed too (the form keeps a seed the user set).
    lab->form()->layersSpin()->setValue(1);
    transformer_lab::LabJob seeded = lab->form()->job();
    seeded.config.seed = 7;
    lab->form()->setJob(seeded);
    QCOMPARE(act.perform(step("lab_task", {"induction"})), QString());
    QCOMPARE(lab->form()->job().config.layers, 2);
    QCOMPARE(lab->form()->job().config.seed, std::uint64_t(1));
    QCOMPARE(act.perform(step("lab_compare", {"on"})), QString());
    QVERIFY(lab->form()->compareCheck()->isChecked());
    QCOMPARE(act.perform(step("lab_compare", {"off"})), QString());
    // A short run (50 steps, under a second) publishes as the lesson's run does.
    QCOMPARE(act.perform(step("lab_steps", {"50"})), QString());
    QCOMPARE(lab->form()->stepsSpin()->value(), 50);
    QCOMPARE(act.perform(step("press", {"lab.train"})), QString());
    QCOMPARE(value("lab.state"), S(text("training")));
    QVERIFY(!act.perform(step("press", {"lab.train"})).isEmpty());  // one run at a time
    QTRY_COMPARE_WITH_TIMEOUT(value("lab.state"), S(text("done")), kTrainTimeoutMs);
    QCOMPARE(value("lab.task"), S(text("induction")));
    QCOMPARE(value("lab.steps"), S(50.0));
    QCOMPARE(value("lab.step"), S(50.0));
    QCOMPARE(value("lab.compare"), S(false));
    QVERIFY(value("lab.loss") && value("lab.accuracy"));
    const S score = value("lab.induction_score", {1, 1});
    QVERIFY(score && std::holds_alternative<double>(*score));
    QVERIFY(std::get<double>(*value("lab.induction_score_max")) >= std::get<double>(*score));
    QVERIFY(value("lab.previous_token_score", {0, 0}));
    QVERIFY(!value("lab.induction_score", {2, 0}));  // past the model
    QCOMPARE(value("lab.timeline_step"), S(50.0));  // the timeline follows the newest snapshot
    QCOMPARE(ticks(), QStringLiteral("...."));  // 50 steps are not the lesson's run: nothing by accident
    // Scrubbing and opening a head.
    QCOMPARE(act.perform(step("lab_scrub", {"30"})), QString());
    QCOMPARE(value("lab.timeline_step"), S(25.0));  // a snapshot every 25 steps
    QVERIFY(value("lab.timeline_induction_score", {1, 0}) && value("lab.timeline_induction_max"));
    QCOMPARE(act.perform(step("lab_head", {"1", "0"})), QString());
    QCOMPARE(lab->headsView()->openLayer(), 1);
    // Closing the lab withdraws its values.
    lab->close();
    QTRY_VERIFY(!window_->windows()->transformerLab());
    QVERIFY(!value("lab.open") && !value("lab.step"));
}

void TestLessonsPanel::model_steps_and_published_values()
{
    using S = std::optional<lessons::Scalar>;
    lessons::LessonActions act(window_.get());
    QString error;
    QVERIFY(lessons::installBuiltinModel(QStringLiteral("nothing-such"), &error).isEmpty());
    QVERIFY2(error.contains(QStringLiteral("induction-2l")), qPrintable(error));
    const QString folder = lessons::installBuiltinModel(QStringLiteral("induction-2l"), &error);
    QVERIFY2(!folder.isEmpty(), qPrintable(error));
    QCOMPARE(lessons::installBuiltinModel(QStringLiteral("induction-2l"), &error), folder);  // again: the same folder

    QCOMPARE(act.perform(step("window", {"model"})), QString());
    QCOMPARE(value("model.open"), S(true));
    QVERIFY(!act.perform(step("ablate", {"1.0"})).isEmpty());  // nothing run yet
    QCOMPARE(act.perform(step("open_model", {"builtin:induction-2l"})), QString());
    QCOMPARE(value("model.loaded"), S(true));
    QCOMPARE(value("model.name"), S(text("induction-2l")));
    QCOMPARE(value("model.type"), S(text("gpt2")));
    QCOMPARE(value("model.layers"), S(2.0));
    QVERIFY(!act.perform(step("open_model", {"builtin:nothing-such"})).isEmpty());
    // A plain run: its tokens, its top K, the induction target.
    QCOMPARE(act.perform(step("model_input", {"t3 t9 t4 t3"})), QString());
    QCOMPARE(value("model.tokens"), S(4.0));
    QCOMPARE(value("model.input"), S(text("t3 t9 t4 t3")));
    QCOMPARE(value("model.token", {1}), S(text("t9")));
    QCOMPARE(value("model.repeat_token"), S(text("t9")));
    QCOMPARE(value("model.ablated"), S(false));
    QCOMPARE(value("model.top_token", {0}), value("model.top1"));
    QVERIFY(value("model.predicts_repeat"));
    QVERIFY(value("model.attention", {1, 0, 3, 1}));
    QVERIFY(!value("model.attention", {1, 0, 3, 4}));
    // Heads off: the window's run of the same input with them ablated.
    QCOMPARE(act.perform(step("ablate", {"1.0,1.1"})), QString());
    QCOMPARE(value("model.ablated"), S(true));
    QCOMPARE(value("model.ablated_count"), S(2.0));
    QCOMPARE(value("model.ablated_head", {1, 1}), S(true));
    QCOMPARE(value("model.ablated_head", {0, 1}), S(false));
    QVERIFY(value("model.plain_top1"));
    QVERIFY(value("model.top1_changed"));
    QVERIFY(!act.perform(step("ablate", {"5.0"})).isEmpty());  // no such layer
    QCOMPARE(act.perform(step("ablate", {"none"})), QString());
    QCOMPARE(value("model.ablated"), S(false));
    // A head in the playground: scaled dot product over the tokens, causal.
    QCOMPARE(act.perform(step("head_to_playground", {"1", "0"})), QString());
    settle();
    QCOMPARE(value("playground.variant"), S(text("scaled_dot")));
    QCOMPARE(value("playground.causal"), S(true));
    QCOMPARE(value("playground.keys"), S(4.0));
    QCOMPARE(value("playground.key_label", {3}), S(text("t3")));
    QCOMPARE(value("playground.d_k"), S(16.0));
    // The Ablation dock's comparisons (on its own runners) are published: heads off, then none.
    model_view::ModelWindow* m = window_->windows()->modelRunner();
    auto* dock = m->findChild<QDockWidget*>(QStringLiteral("ablationDock"));
    auto* panel = dock ? qobject_cast<model_view::AblationPanel*>(dock->widget()) : nullptr;
    QVERIFY(panel);
    QCOMPARE(act.perform(step("model_input", {"t3 t9 t4 t3"})), QString());
    QVERIFY(panel->waitForIdle());
    QCOMPARE(value("model.ablated"), S(false));
    panel->toggleHead(0, 1);
    QTRY_COMPARE(value("model.ablated_count"), S(1.0));
    QCOMPARE(value("model.ablated_head", {0, 1}), S(true));
    panel->toggleHead(0, 1);
    QTRY_COMPARE(value("model.ablated"), S(false));
    // Closing the window withdraws its values.
    window_->windows()->modelRunner()->close();
    QTRY_VERIFY(!window_->windows()->modelRunner());
    QVERIFY(!value("model.open") && !value("model.tokens"));
}

QTEST_MAIN(TestLessonsPanel)
#include "test_lessons_panel.moc"
