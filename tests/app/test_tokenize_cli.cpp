// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz tokenize` as a user runs it: JSON lines on standard output, --lines, and bad input
// ending with exit status 2 and one line.
#include "attnviz_process.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

using namespace attnviz_test;

Run run_tokenize(QStringList args, const QByteArray& stdin_data = {})
{
    args.prepend(QStringLiteral("tokenize"));
    return run_attnviz(args, stdin_data, 60000);
}

QString fixture(const char* name)
{
    return QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/tokenizers/") + QLatin1String(name);
}

QList<QJsonObject> json_lines(const QByteArray& out)
{
    QList<QJsonObject> objects;
    for (const QByteArray& line : out.split('\n'))
        if (!line.isEmpty()) objects << parse_json_object(line);
    return objects;
}

}  // namespace

class TestTokenizeCli : public QObject {
    Q_OBJECT

private slots:
    void one_line_per_text()
    {
        const Run r = run_tokenize({QStringLiteral("--tokenizer"), fixture("bert_wordpiece.json"),
                                    QStringLiteral("Hello, WORLD!"), QStringLiteral("-unaffable")});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.err.isEmpty());
        const auto lines = json_lines(r.out);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].value("ids").toArray(), (QJsonArray{2, 5, 7, 6, 8, 3}));
        QCOMPARE(lines[0].value("tokens").toArray(), (QJsonArray{"[CLS]", "hello", ",", "world", "!", "[SEP]"}));
        // "-" is a text, not an option; it is not in the vocabulary.
        QCOMPARE(lines[1].value("tokens").toArray(), (QJsonArray{"[CLS]", "[UNK]", "un", "##aff", "##able", "[SEP]"}));
    }

    void lines_from_a_file_and_stdin()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(QStringLiteral("texts.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello world\r\n\nt9\n");
        f.close();
        Run r = run_tokenize({QStringLiteral("--tokenizer"), fixture("word_level.json"), QStringLiteral("--lines"),
                              f.fileName()});
        QCOMPARE(r.exit_code, 0);
        auto lines = json_lines(r.out);
        QCOMPARE(lines.size(), 3);  // the empty line is a text too
        QCOMPARE(lines[1].value("ids").toArray(), (QJsonArray{1}));
        QCOMPARE(lines[2].value("ids").toArray(), (QJsonArray{1, 0}));
        r = run_tokenize({QStringLiteral("--tokenizer"), fixture("llama2_byte_fallback.json"), QStringLiteral("--lines"),
                          QStringLiteral("-"), QStringLiteral("--no-special")},
                         "hello world\n");
        QCOMPARE(r.exit_code, 0);
        lines = json_lines(r.out);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines[0].value("ids").toArray(), (QJsonArray{268, 276}));
        QCOMPARE(lines[0].value("tokens").toArray(), (QJsonArray{"\u2581hello", "\u2581world"}));
    }

    void gpt2_folder()
    {
        const QString dir = QStringLiteral(ATTNVIZ_SHARED_DATA_DIR "/gpt2-bpe");
        if (!QFile::exists(dir + QStringLiteral("/vocab.json"))) {
            if (qEnvironmentVariableIntValue("ATTNVIZ_REQUIRE_SHARED_DATA") == 1) QFAIL("missing ../shared/data/gpt2-bpe");
            QSKIP("shared data absent (../shared/data/gpt2-bpe)");
        }
        const Run r = run_tokenize({QStringLiteral("--tokenizer"), dir, QStringLiteral("Hello\n\nworld")});
        QCOMPARE(r.exit_code, 0);
        QCOMPARE(json_lines(r.out).value(0).value("ids").toArray(), (QJsonArray{15496, 198, 198, 6894}));
    }

    void bad_input()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString broken = dir.filePath(QStringLiteral("tokenizer.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        f.close();
        expect_bad_input(run_tokenize({QStringLiteral("--tokenizer"), broken, QStringLiteral("x")}),
                         "model \"Unigram\" is not supported (supported: BPE, WordPiece, WordLevel)");
        expect_bad_input(run_tokenize({QStringLiteral("--tokenizer"), dir.filePath(QStringLiteral("none.json")),
                                       QStringLiteral("x")}),
                         "none.json");
        expect_bad_input(run_tokenize({QStringLiteral("--tokenizer"), fixture("word_level.json")}), "no text given");
        expect_bad_input(run_tokenize({QStringLiteral("--tokenizer"), fixture("word_level.json"), QStringLiteral("--lines"),
                                       QStringLiteral("-"), QStringLiteral("t0")}),
                         "not both");
        expect_bad_input(run_tokenize({QStringLiteral("x")}), "--tokenizer");
        QTemporaryDir empty;
        QVERIFY(empty.isValid());
        expect_bad_input(run_tokenize({QStringLiteral("--tokenizer"), empty.path(), QStringLiteral("x")}),
                         "no tokenizer files");
    }
};

QTEST_GUILESS_MAIN(TestTokenizeCli)
#include "test_tokenize_cli.moc"
