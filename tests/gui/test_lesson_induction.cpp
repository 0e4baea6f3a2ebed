// SPDX-License-Identifier: GPL-3.0-or-later
// Lesson 9 (induction heads) from its Setup to its last tick, with the real Transformer lab,
// offscreen (issue 14): each task's "Show me" ticks that task and none after it, at the moment
// it ticks; the phase change comes where docs/transformer-lab.md says (a layer-1 head at 0.5
// before step 1500); scrubbing back finds a snapshot before it; the one-layer comparison stays on
// the plateau. It trains the default model (3500 steps) twice: about 100 s on one free core.
#include "gui/main_window.hpp"
#include "lessons/lesson_state.hpp"
#include "lessons/lessons_panel.hpp"
#include "shell/window_launcher.hpp"
#include "transformer_lab/lab_runner.hpp"
#include "transformer_lab/lab_window.hpp"

#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace attnviz;

namespace {
// One default run is about 40 s on a free core; on a loaded 2-core machine several times that.
constexpr int kRunTimeoutMs = 900000;
}  // namespace

class TestLessonInduction : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;
    std::unique_ptr<gui::MainWindow> window_;

    lessons::LessonsPanel* panel() const { return window_->findChild<lessons::LessonsDock*>()->panel(); }
    QString ticks() const
    {
        QString s;
        for (int t = 0; t < int(panel()->currentLesson()->tasks.size()); ++t)
            s += panel()->isTicked(t) ? QLatin1Char('x') : QLatin1Char('.');
        return s;
    }
    double published(const char* name) const
    {
        const auto v = lessons::LessonState::instance().lookup(name, {});
        return v && std::holds_alternative<double>(*v) ? std::get<double>(*v) : -1.0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        settings_ = std::make_unique<QSettings>(dir_.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        lessons::LessonState::instance().clear();
        gui::MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.autosave = false;
        o.settings = settings_.get();
        window_ = std::make_unique<gui::MainWindow>(o);
        window_->show();
    }
    void cleanupTestCase()
    {
        if (auto* lab = window_->windows()->transformerLab()) lab->close();  // stops and waits for a run
        window_.reset();
    }

    void lesson_nine_from_setup_to_the_last_tick()
    {
        QVERIFY(panel()->showLesson(QStringLiteral("induction-heads")));
        QCOMPARE(panel()->runSetup(), QString());
        transformer_lab::TransformerLabWindow* lab = window_->windows()->transformerLab();
        QVERIFY(lab);
        QCOMPARE(ticks(), QStringLiteral("...."));

        // 1: the default run starts; nothing after it is ticked when it ticks.
        QCOMPARE(panel()->runShowMe(0), QString());
        QTRY_VERIFY_WITH_TIMEOUT(panel()->isTicked(0), kRunTimeoutMs);
        QCOMPARE(ticks(), QStringLiteral("x..."));
        // 2: the phase change, in a layer-1 head, before step 1500 (docs/transformer-lab.md: ≈ 900).
        QCOMPARE(panel()->runShowMe(1), QString());
        QTRY_VERIFY_WITH_TIMEOUT(panel()->isTicked(1), kRunTimeoutMs);
        QCOMPARE(ticks(), QStringLiteral("xx.."));
        const double changedAt = published("lab.step");
        qInfo("a layer-1 head passed 0.5 at step %.0f", changedAt);
        QVERIFY2(changedAt > 0 && changedAt <= 1500, qPrintable(QString::number(changedAt)));
        QTRY_VERIFY_WITH_TIMEOUT(!lab->isTraining(), kRunTimeoutMs);
        QCOMPARE(published("lab.step"), 3500.0);
        QVERIFY(published("lab.induction_score_max") >= 0.7);
        // 3: scrubbed back before the change.
        QCOMPARE(panel()->runShowMe(2), QString());
        QTRY_VERIFY(panel()->isTicked(2));
        QCOMPARE(ticks(), QStringLiteral("xxx."));
        QVERIFY(published("lab.timeline_step") <= 700);
        // 4: the comparison; the one-layer model stays on the plateau past step 1500.
        QCOMPARE(panel()->runShowMe(3), QString());
        QTRY_VERIFY_WITH_TIMEOUT(panel()->isTicked(3), 2 * kRunTimeoutMs);
        qInfo("one layer: accuracy %.3f at step %.0f", published("lab.one_layer_accuracy"), published("lab.one_layer_step"));
        for (int t = 0; t < 4; ++t) QVERIFY(panel()->isDone(t));  // every tick earned
        lab->stopButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!lab->isTraining(), kRunTimeoutMs);
    }
};

QTEST_MAIN(TestLessonInduction)
#include "test_lesson_induction.moc"
