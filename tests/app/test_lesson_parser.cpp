// SPDX-License-Identifier: GPL-3.0-or-later
// Lessons as data (issue 14), without a window: every shipped lesson parses; checks evaluate as
// documented against hand-made published values; each kind of bad lesson file is refused with a
// message that names the file, the line and what is wrong.
#include "lessons/condition.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lesson_parser.hpp"
#include "lessons/lesson_state.hpp"
#include "lessons/vocabulary.hpp"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <set>

using namespace attnviz::lessons;

namespace {

// A hand-made state: scalars by name, and one 2 × 3 weight table.
class FakeSource : public ValueSource {
public:
    std::map<std::string, Scalar> scalars;
    std::vector<std::vector<double>> weights{{0.1, 0.2, 0.7}, {0.95, 0.05, 0.0}};

    std::optional<Scalar> lookup(const std::string& name, const std::vector<long>& ix) const override
    {
        if (name == "playground.weight") {
            if (ix.size() != 2 || ix[0] >= long(weights.size()) || ix[1] >= long(weights[0].size())) return std::nullopt;
            return weights[std::size_t(ix[0])][std::size_t(ix[1])];
        }
        const auto it = scalars.find(name);
        return it == scalars.end() ? std::nullopt : std::optional<Scalar>(it->second);
    }
};

bool holds(const std::string& check, const ValueSource& source)
{
    return evaluate(parseCondition(check, appVocabulary()), source);
}

// A minimal lesson that parses; the bad cases below each change one thing.
const char* const kGood =
    "title: A lesson\n"
    "text:\n"
    "  Some words.\n"
    "setup: preset tf-tutorial\n"
    "task: Do it.\n"
    "hint: Like this.\n"
    "show: temperature 0.5\n"
    "check: playground.temperature <= 0.5\n";

}  // namespace

class TestLessonParser : public QObject {
    Q_OBJECT

private slots:
    void every_shipped_lesson_loads();
    void good_file_parses();
    void text_keeps_paragraphs_and_formulas();
    void checks_evaluate();
    void unpublished_values_are_false();
    void numbers_compare_within_a_relative_tolerance();
    void bad_checks_are_refused_data();
    void bad_checks_are_refused();
    void bad_files_are_refused_data();
    void bad_files_are_refused();
    void file_errors_name_the_file();
    void ids_come_from_file_names();
    void state_publishes_and_signals();
};

void TestLessonParser::every_shipped_lesson_loads()
{
    const QStringList files = shippedLessonFiles();
    QVERIFY2(files.size() >= 10, qPrintable(files.join(", ")));
    std::vector<Lesson> lessons;
    try {
        lessons = shippedLessons();
    } catch (const LessonError& e) {
        QFAIL(e.what());
    }
    QCOMPARE(int(lessons.size()), int(files.size()));
    std::set<std::string> ids;
    for (const Lesson& l : lessons) {
        QVERIFY2(ids.insert(l.id).second, l.id.c_str());
        QVERIFY(!l.title.empty());
        QVERIFY(!l.setup.empty());
        QVERIFY2(countWords(l.text) <= kMaxTextWords, l.id.c_str());
        QVERIFY(!l.tasks.empty() && int(l.tasks.size()) <= kMaxTasks);
        for (const Task& t : l.tasks) QVERIFY(!t.hint.empty() && !t.show.empty() && !t.checkSource.empty());
    }
    QCOMPARE(lessons.front().id, std::string("dot-product"));
}

void TestLessonParser::good_file_parses()
{
    const Lesson l = parseLesson(kGood, "x/07-good.lesson", appVocabulary());
    QCOMPARE(l.id, std::string("good"));
    QCOMPARE(l.title, std::string("A lesson"));
    QCOMPARE(l.setup.size(), std::size_t(1));
    QCOMPARE(l.setup[0].verb, std::string("preset"));
    QCOMPARE(l.tasks.size(), std::size_t(1));
    QCOMPARE(l.tasks[0].show[0].toString(), std::string("temperature 0.5"));
    QCOMPARE(l.tasks[0].line, 5);
    QVERIFY(!l.cumulative);
}

void TestLessonParser::text_keeps_paragraphs_and_formulas()
{
    const std::string file = "title: T\ntext: First\n  line.\n\n  = a · b\n  Last.\ntask: t\nhint: h\n  more hint\n"
                             "show: press seq2seq.train\nshow: translate \"the cat .\"\ncheck: seq2seq.trained\n";
    const Lesson l = parseLesson(file, "t.lesson", appVocabulary());
    QCOMPARE(l.text, std::string("First\nline.\n\n= a · b\nLast."));
    QCOMPARE(l.tasks[0].hint, std::string("h more hint"));
    QCOMPARE(l.tasks[0].show[1].args, std::vector<std::string>{"the cat ."});
    QCOMPARE(countWords(l.text), 7);
}

void TestLessonParser::checks_evaluate()
{
    FakeSource s;
    s.scalars = {{"playground.variant", std::string("scaled_dot")}, {"playground.temperature", 0.2},
                 {"playground.mask", std::string("causal")}, {"seq2seq.step", 3.0},
                 {"seq2seq.emitted", std::string(".")}, {"seq2seq.trained", true}, {"seq2seq.epoch", 25.0}};
    QVERIFY(holds("playground.variant == \"scaled_dot\"", s));
    QVERIFY(!holds("playground.variant != \"scaled_dot\"", s));
    QVERIFY(holds("playground.weight[1][0] >= 0.9", s));
    QVERIFY(!holds("playground.weight[0][0] >= 0.9", s));  // a hand-made state that fails stays unticked
    QVERIFY(holds("playground.temperature <= 0.2", s));
    QVERIFY(!holds("playground.temperature < 0.2", s));
    QVERIFY(holds("playground.mask == \"causal\" and seq2seq.step == 3", s));
    QVERIFY(holds("seq2seq.emitted == \".\"", s));
    QVERIFY(holds("seq2seq.trained and seq2seq.epoch >= 20", s));
    QVERIFY(!holds("seq2seq.trained and seq2seq.epoch >= 30", s));
    QVERIFY(holds("seq2seq.epoch >= 30 or seq2seq.trained", s));
    QVERIFY(holds("not (seq2seq.epoch >= 30)", s));
    QVERIFY(holds("all(seq2seq.trained, seq2seq.step > 2, playground.weight[0][2] > 0.5)", s));
    QVERIFY(!holds("all(seq2seq.trained, seq2seq.step > 3)", s));
    QVERIFY(holds("any(seq2seq.step > 3, playground.weight[0][2] > 0.5)", s));
    QVERIFY(holds("0.5 < playground.weight[0][2]", s));  // a literal on the left
    QVERIFY(holds("seq2seq.trained == true", s));
}

void TestLessonParser::unpublished_values_are_false()
{
    FakeSource s;  // nothing but the weight table
    QVERIFY(!holds("seq2seq.trained", s));
    QVERIFY(!holds("seq2seq.epoch >= 0", s));
    QVERIFY(!holds("seq2seq.epoch != 3", s));
    QVERIFY(holds("not seq2seq.trained", s));
    QVERIFY(!holds("playground.weight[5][0] >= 0", s));  // past the matrix
    s.scalars["seq2seq.epoch"] = std::string("oops");    // a wrongly typed value is never true
    QVERIFY(!holds("seq2seq.epoch >= 0", s));
}

void TestLessonParser::numbers_compare_within_a_relative_tolerance()
{
    FakeSource s;
    s.scalars["playground.temperature"] = 0.1 + 0.2;  // 0.30000000000000004
    QVERIFY(holds("playground.temperature == 0.3", s));
    QVERIFY(holds("playground.temperature <= 0.3", s));
    QVERIFY(!holds("playground.temperature > 0.3", s));
    s.scalars["playground.temperature"] = 0.3001;
    QVERIFY(!holds("playground.temperature == 0.3", s));
}

void TestLessonParser::bad_checks_are_refused_data()
{
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown value") << "playground.wieght[0][0] > 0.5" << "unknown value name 'playground.wieght'";
    QTest::newRow("bad operator =") << "playground.temperature = 0.5" << "bad operator '='";
    QTest::newRow("bad operator =>") << "playground.temperature => 0.5" << "bad operator '=>'";
    QTest::newRow("bad operator <>") << "playground.temperature <> 0.5" << "bad operator '<>'";
    QTest::newRow("order on text") << "playground.variant < \"dot\"" << "bad operator '<' for text";
    QTest::newRow("type mismatch") << "playground.variant == 3" << "compares text with a number";
    QTest::newRow("unknown choice") << "playground.variant == \"scaled-dot\"" << "is never \"scaled-dot\"";
    QTest::newRow("missing index") << "playground.weight[1] > 0.5" << "takes 2 index(es)";
    QTest::newRow("negative index") << "playground.weight[-1][0] > 0.5" << "whole number from 0";
    QTest::newRow("lone number") << "playground.temperature" << "alone is not a check";
    QTest::newRow("bare word") << "trained" << "unknown word 'trained'";
    QTest::newRow("unclosed") << "(seq2seq.trained" << "expected ')'";
    QTest::newRow("trailing") << "seq2seq.trained seq2seq.trained" << "after a complete check";
    QTest::newRow("empty") << "" << "empty check";
    QTest::newRow("two literals") << "1 < 2" << "two fixed values";
    QTest::newRow("unterminated text") << "seq2seq.emitted == \"." << "unterminated text";
}

void TestLessonParser::bad_checks_are_refused()
{
    QFETCH(QString, check);
    QFETCH(QString, message);
    try {
        parseCondition(check.toStdString(), appVocabulary());
        QFAIL("accepted");
    } catch (const ConditionError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
    }
}

void TestLessonParser::bad_files_are_refused_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    const QString good = QString::fromUtf8(kGood);
    auto replaced = [&](const char* from, const char* to) { return QString(good).replace(QString::fromUtf8(from), QString::fromUtf8(to)); };
    QTest::newRow("missing title") << replaced("title: A lesson\n", "") << 0 << "no title";
    QTest::newRow("empty title") << replaced("title: A lesson", "title:") << 1 << "the title is empty";
    QTest::newRow("two titles") << good + "title: again\n" << 9 << "a second title (the first is on line 1)";
    QTest::newRow("missing text") << replaced("text:\n  Some words.\n", "") << 0 << "no text";
    QTest::newRow("no task") << good.left(good.indexOf("task:")) << 0 << "no task";
    QTest::newRow("unknown key") << replaced("hint:", "hnit:") << 6 << "unknown key \"hnit\"";
    QTest::newRow("not a key line") << replaced("hint: Like this.", "Like this.") << 6 << "expected \"key: value\"";
    QTest::newRow("unknown value name") << replaced("playground.temperature <=", "playground.temp <=") << 8
                                        << "check: unknown value name 'playground.temp'";
    QTest::newRow("bad operator") << replaced("<= 0.5", "=< 0.5") << 8 << "check: bad operator '=<'";
    QTest::newRow("unknown setup name") << replaced("setup: preset", "setup: presett") << 4 << "unknown setup name \"presett\"";
    QTest::newRow("unknown preset") << replaced("tf-tutorial", "tf-tutorail") << 4 << "unknown preset \"tf-tutorail\"";
    QTest::newRow("unknown variant") << replaced("show: temperature 0.5", "show: variant scaled-dot") << 7
                                     << "unknown variant \"scaled-dot\"";
    QTest::newRow("bad number") << replaced("temperature 0.5", "temperature warm") << 7 << "expected a number, got \"warm\"";
    QTest::newRow("zero temperature") << replaced("temperature 0.5", "temperature 0") << 7 << "must be above 0";
    QTest::newRow("wrong arity") << replaced("show: temperature 0.5", "show: cell Q 1 2") << 7 << "cell takes 4 word(s)";
    QTest::newRow("task without hint") << replaced("hint: Like this.\n", "") << 5 << "has no hint";
    QTest::newRow("task without show") << replaced("show: temperature 0.5\n", "") << 5 << "has no \"show:\" line";
    QTest::newRow("task without check") << replaced("check: playground.temperature <= 0.5\n", "") << 5 << "has no check";
    QTest::newRow("two checks") << good + "check: seq2seq.trained\n" << 9 << "a second check";
    QTest::newRow("hint before task") << replaced("setup: preset tf-tutorial\n", "setup: preset tf-tutorial\nhint: early\n")
                                      << 5 << "hint before any task";
    QTest::newRow("setup after task") << good + "setup: variant dot\n" << 9 << "setup after the first task";
    QString five = good;
    for (int i = 0; i < 4; ++i) five += QStringLiteral("task: more\nhint: h\nshow: temperature 2\ncheck: playground.temperature > 1\n");
    QTest::newRow("too many tasks") << five << 21 << "too many tasks: a lesson has at most 4";
    QString longText = QStringLiteral("title: T\ntext:\n");
    for (int i = 0; i < 21; ++i) longText += QStringLiteral("  one two three four five six seven eight nine ten\n");
    longText += good.mid(good.indexOf("setup:"));
    QTest::newRow("text over 200 words") << longText << 2 << "the text has 210 words; a lesson's text has at most 200";
    QTest::newRow("indented nothing") << QStringLiteral("  stray\n") + good << 1 << "an indented line continues nothing";
    QTest::newRow("bad cumulative") << QStringLiteral("cumulative: maybe\n") + good << 1 << "expected yes or no";
    QTest::newRow("not utf-8") << good + QString::fromLatin1("# caf\xe9\n") << 0 << "not UTF-8";  // replaced below
}

void TestLessonParser::bad_files_are_refused()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(QString, message);
    QByteArray bytes = text.toUtf8();
    if (QByteArray(QTest::currentDataTag()) == "not utf-8") {
        bytes = QByteArray(kGood) + "# caf\xe9\n";  // Latin-1 é: line 9
        line = 9;
    }
    try {
        parseLesson(std::string_view(bytes.constData(), std::size_t(bytes.size())), "lessons/bad.lesson", appVocabulary());
        QFAIL("accepted");
    } catch (const LessonError& e) {
        QCOMPARE(e.file(), std::string("lessons/bad.lesson"));
        QVERIFY2(QString::fromStdString(e.message()).contains(message), e.what());
        QCOMPARE(e.line(), line);
        // what() is the one line a dialog shows: file, line, message.
        const std::string where = line > 0 ? "lessons/bad.lesson:" + std::to_string(line) + ": " : "lessons/bad.lesson: ";
        QVERIFY2(std::string(e.what()).rfind(where, 0) == 0, e.what());
    }
}

void TestLessonParser::file_errors_name_the_file()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("missing.lesson"));
    try {
        loadLessonFile(missing);
        QFAIL("accepted");
    } catch (const LessonError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("missing.lesson: no such file")), e.what());
    }
    try {
        loadLessonFile(dir.path());
        QFAIL("accepted a directory");
    } catch (const LessonError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not a regular file")), e.what());
    }
    const QString big = dir.filePath(QStringLiteral("big.lesson"));
    {
        std::ofstream out(big.toStdString());
        out << std::string(std::size_t(kMaxLessonFileBytes) + 1, '#');
    }
    try {
        loadLessonFile(big);
        QFAIL("accepted a huge file");
    } catch (const LessonError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("a lesson has at most")), e.what());
    }
    const QString good = dir.filePath(QStringLiteral("03-mine.lesson"));
    {
        std::ofstream out(good.toStdString());
        out << kGood;
    }
    QCOMPARE(loadLessonFile(good).id, std::string("mine"));
}

void TestLessonParser::ids_come_from_file_names()
{
    QCOMPARE(lessonIdFromFileName("resources/lessons/01-dot-product.lesson"), std::string("dot-product"));
    QCOMPARE(lessonIdFromFileName("C:\\course\\mine.lesson"), std::string("mine"));
    QCOMPARE(lessonIdFromFileName("2024.lesson"), std::string("2024"));
}

void TestLessonParser::state_publishes_and_signals()
{
    LessonState state;
    QSignalSpy spy(&state, &LessonState::changed);
    state.publish({{"seq2seq.step", 3.0}});
    QCOMPARE(spy.count(), 1);
    state.publish({{"seq2seq.step", 3.0}});  // the same value: no change
    QCOMPARE(spy.count(), 1);
    QVERIFY(evaluate(parseCondition("seq2seq.step == 3", appVocabulary()), state));
    state.publish({}, {{"playground.weight", [](const std::vector<long>& ix) -> std::optional<Scalar> {
                            if (ix == std::vector<long>{1, 2}) return 0.95;
                            return std::nullopt;
                        }}});
    QCOMPARE(spy.count(), 2);
    QVERIFY(evaluate(parseCondition("playground.weight[1][2] >= 0.9", appVocabulary()), state));
    QVERIFY(!evaluate(parseCondition("playground.weight[0][0] >= 0", appVocabulary()), state));
    state.withdraw("seq2seq.");
    QCOMPARE(spy.count(), 3);
    QVERIFY(!evaluate(parseCondition("seq2seq.step == 3", appVocabulary()), state));
    QVERIFY(evaluate(parseCondition("playground.weight[1][2] >= 0.9", appVocabulary()), state));
}

QTEST_GUILESS_MAIN(TestLessonParser)
#include "test_lesson_parser.moc"
