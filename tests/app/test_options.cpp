// SPDX-License-Identifier: GPL-3.0-or-later
// The shell's one option parser (app/shell/options.hpp): every value kind in both spellings,
// the limits, the messages, --help over everything, `--` and `-`, and the help it writes.
#include "shell/options.hpp"

#include <QTest>

#include <optional>

using attnviz::shell::IntRange;
using attnviz::shell::OptionParser;
using attnviz::shell::RealRange;

namespace {

// The options of a made-up command, one of each kind, filling `v`.
struct Values {
    bool compact = false;
    QString model, palette = QStringLiteral("light"), out;
    int beam = 0;
    std::optional<long long> layer;
    double lr = 0.005;
    QSize size{1600, 1000};
};

OptionParser parserFor(Values& v)
{
    OptionParser p({QStringLiteral("demo"), QStringLiteral("attnviz demo"), QStringLiteral("attnviz demo [options] FILE"),
                    QStringLiteral("Does nothing, carefully.\n"), QStringLiteral("Exit status: 0.\n")});
    p.flag(QStringLiteral("--compact"), &v.compact, QStringLiteral("one line"))
        .text(QStringLiteral("--model"), QStringLiteral("MODEL"), &v.model, QStringLiteral("the model"))
        .choice(QStringLiteral("--palette"), QStringLiteral("P"), {QStringLiteral("light"), QStringLiteral("dark")},
                &v.palette, QStringLiteral("light or dark"))
        .integer(QStringLiteral("--beam"), QStringLiteral("K"), &v.beam, {1, 8}, QStringLiteral("beam width"))
        .integer(QStringLiteral("--layer"), QStringLiteral("L"), &v.layer, {0}, QStringLiteral("the layer\nsecond line"))
        .real(QStringLiteral("--lr"), QStringLiteral("X"), &v.lr, RealRange{0, 1, true, false}, QStringLiteral("rate"))
        .size(QStringLiteral("--size"), QStringLiteral("WxH"), &v.size, QSize(10, 10), QSize(8192, 8192),
              QStringLiteral("pixels"))
        .text(QStringLiteral("--out"), QStringLiteral("F.png"), &v.out, QStringLiteral("the image"))
        .required();
    return p;
}

// Parses `args` for the demo command; the problem when it is bad input, else empty.
QString problemOf(const QStringList& args)
{
    Values v;
    const OptionParser::Result r = parserFor(v).parse(args);
    return r.outcome == OptionParser::Outcome::BadInput ? r.problem : QString();
}

}  // namespace

class TestOptions : public QObject {
    Q_OBJECT

private slots:
    void everyKindInBothSpellings()
    {
        for (const bool withEquals : {false, true}) {
            auto opt = [&](const char* name, const char* value) {
                return withEquals ? QStringList{QStringLiteral("%1=%2").arg(name, value)}
                                  : QStringList{QString::fromLatin1(name), QString::fromLatin1(value)};
            };
            Values v;
            const QStringList args = QStringList{QStringLiteral("--compact")} + opt("--model", "m.st") +
                                     opt("--palette", "dark") + opt("--beam", "8") + opt("--layer", "0") +
                                     opt("--lr", "1") + opt("--size", "800x600") + opt("--out", "a.png") +
                                     QStringList{QStringLiteral("file.json")};
            const OptionParser::Result r = parserFor(v).parse(args);
            QVERIFY2(r.outcome == OptionParser::Outcome::Run, qPrintable(r.problem));
            QCOMPARE(v.compact, true);
            QCOMPARE(v.model, QStringLiteral("m.st"));
            QCOMPARE(v.palette, QStringLiteral("dark"));
            QCOMPARE(v.beam, 8);
            QCOMPARE(v.layer, std::optional<long long>(0));
            QCOMPARE(v.lr, 1.0);
            QCOMPARE(v.size, QSize(800, 600));
            QCOMPARE(v.out, QStringLiteral("a.png"));
            QCOMPARE(r.positionals, QStringList{QStringLiteral("file.json")});
            QVERIFY(r.wasGiven(QStringLiteral("--beam")));
        }
    }

    void defaultsStayWhenNotGiven()
    {
        Values v;
        const OptionParser::Result r = parserFor(v).parse({QStringLiteral("--out"), QStringLiteral("x.png")});
        QVERIFY(r.outcome == OptionParser::Outcome::Run);
        QCOMPARE(v.layer, std::optional<long long>());
        QCOMPARE(v.size, QSize(1600, 1000));
        QCOMPARE(v.palette, QStringLiteral("light"));
        QVERIFY(!r.wasGiven(QStringLiteral("--beam")));
    }

    void messages_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("problem");
        const QStringList out{QStringLiteral("--out"), QStringLiteral("x.png")};
        QTest::newRow("unknown") << (out + QStringList{"--bogus"}) << "unknown option --bogus (see attnviz demo --help)";
        QTest::newRow("unknown with value") << (out + QStringList{"--bogus=1"}) << "unknown option --bogus (see attnviz demo --help)";
        QTest::newRow("single dash") << (out + QStringList{"-x"}) << "unknown option -x (see attnviz demo --help)";
        QTest::newRow("missing value") << QStringList{"--out", "x.png", "--model"} << "--model needs a value";
        QTest::newRow("empty value") << QStringList{"--out=", "--model=m"} << "--out needs a value";
        QTest::newRow("choice hint") << (out + QStringList{"--palette"}) << "--palette needs a value (light or dark)";
        QTest::newRow("choice") << (out + QStringList{"--palette", "grey"}) << "--palette: expected light or dark, got 'grey'";
        QTest::newRow("not an integer") << (out + QStringList{"--layer", "x"}) << "--layer: expected a non-negative integer, got 'x'";
        QTest::newRow("negative") << (out + QStringList{"--layer", "-1"}) << "--layer: expected a non-negative integer, got '-1'";
        QTest::newRow("below range") << (out + QStringList{"--beam", "0"}) << "--beam: expected an integer from 1 to 8, got '0'";
        QTest::newRow("over limit") << (out + QStringList{"--beam", "9"}) << "--beam: 9 is over the limit of 8";
        QTest::newRow("over long long") << (out + QStringList{"--beam", "99999999999999999999"})
                                        << "--beam: 99999999999999999999 is over the limit of 8";
        QTest::newRow("real range") << (out + QStringList{"--lr", "0"}) << "--lr: expected a number in (0, 1], got '0'";
        QTest::newRow("real nan") << (out + QStringList{"--lr", "nan"}) << "--lr: expected a number in (0, 1], got 'nan'";
        QTest::newRow("size syntax") << (out + QStringList{"--size", "big"}) << "--size: expected WxH such as 1600x1000, got 'big'";
        QTest::newRow("size limit") << (out + QStringList{"--size", "30000x30000"}) << "--size: 30000x30000 is over the limit of 8192x8192";
        QTest::newRow("size one side") << (out + QStringList{"--size", "100x9000"}) << "--size: 100x9000 is over the limit of 8192x8192";
        QTest::newRow("size small") << (out + QStringList{"--size", "5x500"}) << "--size: expected at least 10x10, got '5x500'";
        QTest::newRow("flag value") << (out + QStringList{"--compact=yes"}) << "--compact takes no value";
        QTest::newRow("required") << QStringList{"--compact"} << "--out F.png is required";
        QTest::newRow("first problem wins") << QStringList{"--beam", "9", "--bogus"} << "--beam: 9 is over the limit of 8";
    }

    void messages()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, problem);
        QCOMPARE(problemOf(args), problem);
    }

    void helpWinsOverEverything()
    {
        for (const QStringList& args : {QStringList{"--bogus", "--help"}, QStringList{"--beam", "99", "-h"},
                                        QStringList{"-h"}}) {
            Values v;
            QVERIFY(parserFor(v).parse(args).outcome == OptionParser::Outcome::Help);
        }
        // A value is always the next argument, even "--help".
        Values v;
        const OptionParser::Result r =
            parserFor(v).parse({QStringLiteral("--model"), QStringLiteral("--help"), QStringLiteral("--out=o.png")});
        QVERIFY(r.outcome == OptionParser::Outcome::Run);
        QCOMPARE(v.model, QStringLiteral("--help"));
    }

    void positionals()
    {
        Values v;
        OptionParser p = parserFor(v);
        OptionParser::Result r = p.parse({"-", "--out", "o.png", "a", "--", "--compact", "-x"});
        QVERIFY2(r.outcome == OptionParser::Outcome::Run, qPrintable(r.problem));
        QCOMPARE(r.positionals, (QStringList{"-", "a", "--compact", "-x"}));
        QCOMPARE(v.compact, false);  // after "--" it is a word, not the flag

        p.dashWordsArePositional();
        r = p.parse({"--out", "o.png", "-5 degrees", "-x"});
        QVERIFY2(r.outcome == OptionParser::Outcome::Run, qPrintable(r.problem));
        QCOMPARE(r.positionals, (QStringList{"-5 degrees", "-x"}));
        QCOMPARE(p.parse({"--out", "o.png", "--x"}).outcome, OptionParser::Outcome::BadInput);

        p.noPositionals();
        QCOMPARE(p.parse({"--out", "o.png", "stray"}).problem,
                 QStringLiteral("unexpected argument 'stray' (see attnviz demo --help)"));
    }

    void choiceWithNoun()
    {
        QString panel;
        OptionParser p({QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --open F"), {}, {}, {}});
        p.choice(QStringLiteral("--panel"), QStringLiteral("NAME"), {QStringLiteral("window"), QStringLiteral("model")},
                 &panel, QStringLiteral("which"), QStringLiteral("panel"));
        const OptionParser::Result r = p.parse({QStringLiteral("--panel"), QStringLiteral("nope")});
        QCOMPARE(r.problem, QStringLiteral("--panel: unknown panel 'nope' (known: window, model)"));
        QCOMPARE(p.parse({QStringLiteral("--bogus")}).problem,
                 QStringLiteral("unknown option --bogus (see attnviz screenshot --open F --help)"));
    }

    void helpListsEveryOptionInAColumn()
    {
        Values v;
        const QString help = parserFor(v).helpText();
        QVERIFY2(help.startsWith(QStringLiteral("Usage: attnviz demo [options] FILE\n\nDoes nothing, carefully.\n\nOptions:\n")),
                 qPrintable(help));
        QVERIFY(help.endsWith(QStringLiteral("\nExit status: 0.\n")));
        // The widest label is "--model MODEL" (13 characters): every help line starts at column 17.
        QVERIFY2(help.contains(QStringLiteral("\n  --compact      one line\n")), qPrintable(help));
        QVERIFY(help.contains(QStringLiteral("\n  --model MODEL  the model\n")));
        QVERIFY(help.contains(QStringLiteral("\n  --beam K       beam width\n")));
        QVERIFY(help.contains(QStringLiteral("\n  --layer L      the layer\n                 second line\n")));
        QVERIFY(help.contains(QStringLiteral("\n  --out F.png    the image\n")));
        QVERIFY(help.contains(QStringLiteral("\n  -h, --help     show this text\n")));
    }
};

QTEST_APPLESS_MAIN(TestOptions)
#include "test_options.moc"
