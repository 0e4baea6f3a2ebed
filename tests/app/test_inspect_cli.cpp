// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz inspect` as a user runs it: the real executable, its stdout, stderr and exit status.
#include "attnviz_process.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

using namespace attnviz_test;

QJsonObject parse(const Run& r) { return parse_json_object(r.out); }

// `attnviz inspect ARGS...`.
Run run_inspect(QStringList args)
{
    args.prepend(QStringLiteral("inspect"));
    return run_attnviz(args, {}, 60000);
}

QString fixture(const char* name)
{
    return QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/") + QLatin1String(name);
}

}  // namespace

class TestInspectCli : public QObject {
    Q_OBJECT

private slots:
    void one_head()
    {
        const Run r = run_inspect({fixture("np_f32_c_v1.npy"), QStringLiteral("--layer"),
                                   QStringLiteral("1"), QStringLiteral("--head=2")});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse(r);
        QCOMPARE(o.value("format").toString(), QStringLiteral("npy"));
        QCOMPARE(o.value("layers").toInt(), 2);
        QCOMPARE(o.value("heads").toInt(), 3);
        QCOMPARE(o.value("file_shape").toArray(), (QJsonArray{2, 3, 4, 4}));
        QCOMPARE(o.value("tokens").toArray(), (QJsonArray{"0", "1", "2", "3"}));
        const QJsonArray a = o.value("attention").toArray();
        QCOMPARE(a.size(), 4);
        QCOMPARE(a[3].toArray()[1].toDouble(), 64.0 + 32 + 12 + 1);  // 64·l + 16·h + 4·i + j
        QCOMPARE(o.value("rows_not_summing_to_one").toObject().value("count").toInt(), 24);
    }

    void tokens_from_safetensors_and_statistics()
    {
        const Run r = run_inspect({fixture("st_series_bf16.safetensors"), QStringLiteral("--stats")});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse(r);
        QCOMPARE(o.value("tokens").toArray(), (QJsonArray{"[CLS]", "the", "cat", "[SEP]"}));
        QCOMPARE(o.value("dtype").toString(), QStringLiteral("bfloat16"));
        const QJsonArray stats = o.value("statistics").toArray();
        QCOMPARE(stats.size(), 6);
        QCOMPARE(stats[5].toObject().value("layer").toInt(), 1);
        QCOMPARE(stats[5].toObject().value("head").toInt(), 2);
        QVERIFY(stats[0].toObject().contains("entropy"));
    }

    void rollout_of_weights()
    {
        const Run r = run_inspect({fixture("cross.json"), QStringLiteral("--rollout")});
        expect_bad_input(r, "rollout needs self-attention");

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("w.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"tokens": ["a", "b"], "attention": [[[[1, 0], [0.5, 0.5]]],
                                                        [[[0.5, 0.5], [0, 1]]]]})");
        f.close();
        const QJsonObject o = parse(run_inspect({path, QStringLiteral("--rollout"),
                                                 QStringLiteral("--compact")}));
        const QJsonArray m = o.value("rollout").toArray();
        QCOMPARE(m[0].toArray()[0].toDouble(), 0.8125);
        QCOMPARE(m[1].toArray()[1].toDouble(), 0.75);
    }

    void batch_and_softmax()
    {
        const QJsonObject b = parse(run_inspect({fixture("np_f32_batch.npy"), QStringLiteral("--batch"),
                                                 QStringLiteral("1"), QStringLiteral("--head"),
                                                 QStringLiteral("0")}));
        QCOMPARE(b.value("batch").toInt(), 1);
        QCOMPARE(b.value("attention").toArray()[0].toArray()[0].toDouble(), 0.5);

        const QJsonObject s = parse(run_inspect({fixture("np_scores.npy"), QStringLiteral("--softmax"),
                                                 QStringLiteral("--head"), QStringLiteral("0")}));
        QCOMPARE(s.value("softmax_applied").toBool(), true);
        QCOMPARE(s.value("rows_not_summing_to_one").toObject().value("count").toInt(), 0);
        const double z = 1 + std::exp(1.0) + std::exp(2.0);
        QVERIFY(std::fabs(s.value("attention").toArray()[0].toArray()[2].toDouble() -
                          std::exp(2.0) / z) < 1e-6);
    }

    void bad_input_exits_2_with_one_line()
    {
        expect_bad_input(run_inspect({QStringLiteral("/nonexistent/a.npy")}), "/nonexistent/a.npy");
        expect_bad_input(run_inspect({fixture("np_f32_c_v1.npy"), QStringLiteral("--layer"),
                                      QStringLiteral("7")}),
                         "layer 7 out of range (expected 0..1)");
        expect_bad_input(run_inspect({fixture("np_f32_c_v1.npy"), QStringLiteral("--head"),
                                      QStringLiteral("x")}),
                         "--head: expected a non-negative integer");
        expect_bad_input(run_inspect({fixture("np_f32_c_v1.npy"), QStringLiteral("--batch"),
                                      QStringLiteral("1")}),
                         "no batch dimension");
        expect_bad_input(run_inspect({fixture("np_f32_c_v1.npy"), QStringLiteral("--bogus")}),
                         "unknown option --bogus");
        expect_bad_input(run_inspect({}), "no file given");

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cut.npy"));
        QFile in(fixture("np_f32_c_v1.npy"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.readAll().chopped(8));
        out.close();
        expect_bad_input(run_inspect({path}), "truncated");
    }

    void help()
    {
        const Run r = run_inspect({QStringLiteral("--help")});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.out.contains("--rollout"));
    }
};

QTEST_APPLESS_MAIN(TestInspectCli)
#include "test_inspect_cli.moc"
