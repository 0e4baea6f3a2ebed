// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz train` and `attnviz translate` as a user runs them: the real executable, its stdout,
// stderr and exit status.
#include "attnviz_process.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using namespace attnviz_test;

QJsonObject parse_line(const QByteArray& line) { return parse_json_object(line); }

}  // namespace

class TestSeq2SeqCli : public QObject {
    Q_OBJECT

private slots:
    void train_then_translate()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("reverse.safetensors"));
        const Run t = run_attnviz({"train", "--data", "reverse", "--examples", "300", "--epochs", "3", "--seed", "4",
                                   "--save", model});
        QCOMPARE(t.exit_code, 0);
        QVERIFY2(t.err.contains("epoch 3/3"), t.err.constData());
        QCOMPARE(t.out.count('\n'), 1);
        const QJsonObject o = parse_line(t.out.trimmed());
        QCOMPARE(o.value("epochs").toInt(), 3);
        QCOMPARE(o.value("train_pairs").toInt(), 270);
        QCOMPARE(o.value("held_out_pairs").toInt(), 30);
        QCOMPARE(o.value("src_vocab").toInt(), 16);  // 12 symbols + 4 reserved
        for (const char* key : {"seconds", "tokens_per_second", "final_loss", "bleu"})
            QVERIFY2(o.value(key).isDouble(), key);
        QVERIFY(QFile::exists(model));

        const Run tr = run_attnviz({"translate", "--model", model, "a b c", "c b a ."});
        QCOMPARE(tr.exit_code, 0);
        const QList<QByteArray> lines = tr.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = parse_line(lines[0]);
        QCOMPARE(first.value("sentence").toString(), QStringLiteral("a b c"));
        QCOMPARE(first.value("source_tokens").toArray(), (QJsonArray{"a", "b", "c", "<eos>"}));
        const QJsonArray steps = first.value("steps").toArray();
        QVERIFY(!steps.isEmpty());
        for (const auto& s : steps) {
            const QJsonObject step = s.toObject();
            QCOMPARE(step.value("attention").toArray().size(), 4);
            QCOMPARE(step.value("top").toArray().size(), 5);
            QVERIFY(step.value("probability").toDouble() > 0.0);
        }
        const QJsonObject second = parse_line(lines[1]);
        QCOMPARE(second.value("unknown").toArray(), (QJsonArray{"."}));
        QCOMPARE(second.value("source_tokens").toArray(), (QJsonArray{"c", "b", "a", "<unk>", "<eos>"}));

        const Run beam = run_attnviz({"translate", "--model", model, "--beam", "4", "a b c"});
        QCOMPARE(beam.exit_code, 0);
        QVERIFY(parse_line(beam.out.trimmed()).value("steps").toArray().size() > 0);

        expect_bad_input(run_attnviz({"translate", "--model", model, "--beam", "9", "a"}), "--beam");
        expect_bad_input(run_attnviz({"translate", "--model", model, "a", "   "}), "empty");
    }

    void bad_input()
    {
        expect_bad_input(run_attnviz({"train"}), "--data");
        expect_bad_input(run_attnviz({"train", "--data", "/nonexistent/fra.txt"}), "/nonexistent/fra.txt");
        expect_bad_input(run_attnviz({"train", "--data", "dates", "--epochs", "-1"}), "--epochs");
        expect_bad_input(run_attnviz({"train", "--data", "dates", "--held-out", "1"}), "--held-out");
        expect_bad_input(run_attnviz({"translate", "go ."}), "--model");
        expect_bad_input(run_attnviz({"translate", "--model", "/nonexistent.safetensors", "go ."}), "nonexistent");
    }

    void help()
    {
        for (const char* cmd : {"train", "translate"}) {
            const Run r = run_attnviz({cmd, "--help"});
            QCOMPARE(r.exit_code, 0);
            QVERIFY(r.out.startsWith("Usage: attnviz "));
        }
        const Run r = run_attnviz({"--help"});
        QVERIFY(r.out.contains("train") && r.out.contains("translate"));
    }
};

QTEST_APPLESS_MAIN(TestSeq2SeqCli)
#include "test_seq2seq_cli.moc"
