// SPDX-License-Identifier: GPL-3.0-or-later
// The checks of the course's last lessons (issue 14: lesson 9, induction heads in the Transformer
// lab; lesson 10, a real model with a head switched off), without a window: hand-made published
// states, each the state a task's "Show me" (or a student's near miss) leaves, tick exactly the
// tasks they should. The windows' own publishing is checked with the real windows in
// test_lessons_panel (and the whole of lesson 9's training in test_lesson_induction).
#include "lessons/condition.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lesson_parser.hpp"
#include "lessons/lesson_state.hpp"
#include "lessons/vocabulary.hpp"

#include <QTest>

#include <array>

using namespace attnviz::lessons;

namespace {

using Grid = std::array<std::array<double, 2>, 2>;  // [layer][head] for the 2 × 2 lab model

Lesson shipped(const std::string& id)
{
    for (Lesson& l : shippedLessons())
        if (l.id == id) return l;
    throw std::invalid_argument("no shipped lesson " + id);
}

// "x" for each task whose check holds, "." for the others.
QString ticks(const Lesson& lesson, const LessonState& state)
{
    QString s;
    for (const Task& t : lesson.tasks) s += evaluate(t.check, state) ? QLatin1Char('x') : QLatin1Char('.');
    return s;
}

Table grid(const Grid& g)
{
    return [g](const std::vector<long>& ix) -> std::optional<Scalar> {
        if (ix.size() != 2 || ix[0] > 1 || ix[1] > 1) return std::nullopt;
        return g[std::size_t(ix[0])][std::size_t(ix[1])];
    };
}

double maxOf(const Grid& g) { return std::max({g[0][0], g[0][1], g[1][0], g[1][1]}); }

// A lab run as the window publishes it: the configuration, the latest snapshot, and the
// snapshot the timeline shows (the newest unless scrubbed back).
void labRun(LessonState& s, int layers, long long steps, bool compare = false)
{
    s.publish({{"lab.open", true}, {"lab.state", std::string("training")}, {"lab.task", std::string("induction")},
               {"lab.layers", double(layers)}, {"lab.heads", 2.0}, {"lab.embd", 32.0}, {"lab.steps", double(steps)},
               {"lab.compare", compare}});
}
void labSnapshot(LessonState& s, long long step, const Grid& scores)
{
    s.publish({{"lab.step", double(step)}, {"lab.induction_score_max", maxOf(scores)}},
              {{"lab.induction_score", grid(scores)}});
}
void labTimeline(LessonState& s, long long step, const Grid& scores)
{
    s.publish({{"lab.timeline_step", double(step)}, {"lab.timeline_induction_max", maxOf(scores)}},
              {{"lab.timeline_induction_score", grid(scores)}});
}

const Grid kPlateau{{{0.02, 0.03}, {0.06, 0.05}}};
const Grid kChanged{{{0.01, 0.01}, {0.62, 0.55}}};

// The model window's run of lesson 10's 17-token sequence.
void modelRun(LessonState& s, bool predictsRepeat, int ablated, bool changed)
{
    s.publish({{"model.open", true}, {"model.loaded", true}, {"model.tokens", 17.0},
               {"model.top1", std::string(predictsRepeat ? "t19" : "t53")}, {"model.repeat_token", std::string("t19")},
               {"model.predicts_repeat", predictsRepeat}, {"model.ablated", ablated > 0},
               {"model.ablated_count", double(ablated)}, {"model.plain_top1", std::string("t19")},
               {"model.top1_changed", changed}});
}
// The playground after "Open head in playground": n × n, the tokens as labels.
void playgroundHead(LessonState& s, bool causal, long lastRowArgmax)
{
    const std::vector<std::string> labels{"t12", "t40", "t7", "t33", "t21", "t5", "t58", "t19", "t44",
                                          "t2",  "t12", "t40", "t7", "t33", "t21", "t5", "t58"};
    s.publish({{"playground.variant", std::string("scaled_dot")}, {"playground.causal", causal},
               {"playground.keys", 17.0}, {"playground.queries", 17.0}, {"playground.d_k", 16.0}},
              {{"playground.key_label",
                [labels](const std::vector<long>& ix) -> std::optional<Scalar> {
                    if (ix.size() != 1 || ix[0] >= long(labels.size())) return std::nullopt;
                    return labels[std::size_t(ix[0])];
                }},
               {"playground.row_argmax", [lastRowArgmax](const std::vector<long>& ix) -> std::optional<Scalar> {
                    if (ix.size() != 1 || ix[0] >= 17) return std::nullopt;
                    return ix[0] == 16 ? double(lastRowArgmax) : 0.0;
                }}});
}

}  // namespace

class TestLessonChecks : public QObject {
    Q_OBJECT

private slots:
    void the_course_has_ten_lessons();
    void induction_lesson_checks();
    void real_model_lesson_checks();
    void unpublished_names_are_refused();
};

void TestLessonChecks::the_course_has_ten_lessons()
{
    const std::vector<Lesson> course = shippedLessons();
    QVERIFY(course.size() >= 10);
    QCOMPARE(course[8].id, std::string("induction-heads"));
    QCOMPARE(course[9].id, std::string("real-model"));
    QCOMPARE(course[8].tasks.size(), std::size_t(4));
    QCOMPARE(course[9].tasks.size(), std::size_t(3));
    // Every name a shipped check reads is published by some window now.
    for (const ValueName& v : appVocabulary().values) QVERIFY2(v.published, v.name.c_str());
}

void TestLessonChecks::induction_lesson_checks()
{
    const Lesson lesson = shipped("induction-heads");
    LessonState s;
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));  // nothing open
    s.publish({{"lab.open", true}, {"lab.state", std::string("idle")}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));  // the Setup's state
    // Task 1's Show me: the default run has started (its first snapshot after step 0).
    labRun(s, 2, 3500);
    labSnapshot(s, 0, kPlateau);
    labTimeline(s, 0, kPlateau);
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));  // step 0: not started yet
    labSnapshot(s, 25, kPlateau);
    labTimeline(s, 25, kPlateau);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x..."));
    // Near misses of task 1: the wrong task, one layer, too few steps.
    s.publish({{"lab.task", std::string("copy")}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));
    labRun(s, 1, 3500);
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));
    labRun(s, 2, 1400);
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));
    labRun(s, 2, 3500);
    // Task 2: a layer-1 head passes 0.5 (the timeline follows the newest snapshot).
    labSnapshot(s, 875, Grid{{{0.01, 0.02}, {0.31, 0.45}}});
    labTimeline(s, 875, Grid{{{0.01, 0.02}, {0.31, 0.45}}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("x..."));
    labSnapshot(s, 975, Grid{{{0.55, 0.02}, {0.31, 0.45}}});  // 0.5 in layer 0 is not an induction head
    QCOMPARE(ticks(lesson, s), QStringLiteral("x..."));
    labSnapshot(s, 1000, kChanged);
    labTimeline(s, 1000, kChanged);
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));
    // Task 3: scrubbed back before the change.
    labTimeline(s, 850, kPlateau);  // not before step 800
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));
    labTimeline(s, 775, Grid{{{0.01, 0.01}, {0.35, 0.2}}});  // already 0.35: the change had begun
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));
    labTimeline(s, 700, kPlateau);
    QCOMPARE(ticks(lesson, s), QStringLiteral("xxx."));
    // ... but not in a run that has not changed yet (nothing to be before).
    labSnapshot(s, 725, kPlateau);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x..."));
    // Task 4: the comparison run; the two-layer model has changed, the one-layer has not.
    labRun(s, 2, 3500, true);
    labSnapshot(s, 3500, kChanged);
    labTimeline(s, 3500, kChanged);
    s.publish({{"lab.one_layer_step", 1000.0}, {"lab.one_layer_accuracy", 0.2}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));  // not past step 1500 yet
    s.publish({{"lab.one_layer_step", 1500.0}, {"lab.one_layer_accuracy", 0.4}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));  // a one-layer model that learned it
    s.publish({{"lab.one_layer_accuracy", 0.19}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.x"));
    s.publish({{"lab.compare", false}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("xx.."));
    // The lab closed: everything withdrawn.
    s.withdraw("lab.");
    QCOMPARE(ticks(lesson, s), QStringLiteral("...."));
}

void TestLessonChecks::real_model_lesson_checks()
{
    const Lesson lesson = shipped("real-model");
    LessonState s;
    s.publish({{"model.open", true}, {"model.loaded", true}, {"model.ablated", false}});
    QCOMPARE(ticks(lesson, s), QStringLiteral("..."));  // the Setup's state: a model, no run
    // Task 1: the plain run predicts the repeat.
    modelRun(s, true, 0, false);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x.."));
    modelRun(s, false, 0, false);  // a model that does not (or an input without a repeat)
    QCOMPARE(ticks(lesson, s), QStringLiteral("..."));
    // Task 2: one head off and the prediction fails.
    modelRun(s, true, 1, false);  // head 1.1 alone: still t19
    QCOMPARE(ticks(lesson, s), QStringLiteral("..."));
    modelRun(s, false, 2, true);  // two heads off: too easy
    QCOMPARE(ticks(lesson, s), QStringLiteral("..."));
    modelRun(s, false, 1, true);  // head 1.0
    QCOMPARE(ticks(lesson, s), QStringLiteral(".x."));
    // Task 3: the head in the playground, looking at t19 from the last t58.
    modelRun(s, true, 0, false);
    playgroundHead(s, true, 6);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x.."));
    playgroundHead(s, false, 7);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x.."));
    playgroundHead(s, true, 7);
    QCOMPARE(ticks(lesson, s), QStringLiteral("x.x"));
    s.withdraw("model.");  // the model window closed: its tokens are gone, so is the tie
    QCOMPARE(ticks(lesson, s), QStringLiteral("..."));
}

void TestLessonChecks::unpublished_names_are_refused()
{
    // A value named for a window that does not publish it yet is refused at load time.
    Vocabulary v = appVocabulary();
    for (ValueName& n : v.values)
        if (n.name == "lab.induction_score_max") n.published = false;
    try {
        parseCondition("lab.induction_score_max > 0.5", v);
        QFAIL("accepted");
    } catch (const ConditionError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not published yet")), e.what());
    }
    QVERIFY(evaluate(parseCondition("lab.induction_score_max > 0.5", appVocabulary()), LessonState()) == false);
}

QTEST_GUILESS_MAIN(TestLessonChecks)
#include "test_lesson_checks.moc"
