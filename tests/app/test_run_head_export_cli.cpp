// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz run --export-head L.H SESSION.json` as a user runs it (issue 13 items 5 and 6): the
// session it writes is one the playground loads (`attnviz compute` runs it through the same
// compute_session as the playground), and its weights are the run's own attention for that head
// (`run --save-attentions` read back by `attnviz inspect`). `--generate N`: the JSON's shape, greedy
// generation is the core's Generation's and repeats, sampling repeats from its seed. Every bad
// value exits 2 with one line.
#include "attnviz_process.hpp"

#include "attnviz/core/hf/generate.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

using namespace attnviz_test;

// A random GPT-2 (2 layers × 2 heads × 16, 32 positions) with a byte-level BPE tokenizer, and a
// random BERT masked LM with a WordPiece vocabulary (tests/data/model_view/).
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
const QString kGpt2Ids = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2-ids");
const QString kBert = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-bert-mlm");
const QString kSentence = QStringLiteral("The cat sat on the mat");

Run run(QStringList args)
{
    args.prepend(QStringLiteral("run"));
    return run_attnviz(args, {}, 60000);
}

QJsonObject read_json_file(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The session's weights (attnviz compute) against the saved attention of that head (attnviz
// inspect). The run computes in float32, the playground in double from the same float Q, K, V:
// they differ by float roundings (~1e-7); 1e-5 fails on a wrong head, slice, scale or mask.
double max_weight_difference(const QString& session, const QString& attentions, int layer, int head)
{
    const Run c = run_attnviz({"compute", session, "--compact"});
    if (c.exit_code != 0) qWarning("compute: %s", c.err.constData());
    const QJsonArray weights = parse_json_object(c.out).value("weights").toArray();
    const Run i = run_attnviz({"inspect", attentions, "--layer", QString::number(layer), "--head",
                               QString::number(head), "--compact"});
    const QJsonArray rows = parse_json_object(i.out).value("attention").toArray();
    if (weights.isEmpty() || weights.size() != rows.size()) return 1e9;
    double err = 0.0;
    for (qsizetype q = 0; q < rows.size(); ++q) {
        const QJsonArray w = weights[q].toArray(), a = rows[q].toArray();
        if (w.size() != a.size()) return 1e9;
        for (qsizetype k = 0; k < a.size(); ++k) err = std::max(err, std::abs(w[k].toDouble() - a[k].toDouble()));
    }
    return err;
}

}  // namespace

class TestRunHeadExportCli : public QObject {
    Q_OBJECT

private slots:
    void export_head_recomputes_the_run_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QStringList>("input");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("head");
        QTest::addColumn<bool>("causal");
        QTest::newRow("gpt2") << kGpt2 << QStringList{"--text", kSentence} << 1 << 0 << true;
        QTest::newRow("gpt2 ids") << kGpt2Ids << QStringList{"--ids", "5,70,200,12,9"} << 0 << 1 << true;
        QTest::newRow("bert") << kBert << QStringList{"--text", "the cat [MASK] on the mat"} << 1 << 1 << false;
    }
    void export_head_recomputes_the_run()
    {
        QFETCH(QString, model);
        QFETCH(QStringList, input);
        QFETCH(int, layer);
        QFETCH(int, head);
        QFETCH(bool, causal);
        QTemporaryDir dir;
        const QString session = dir.filePath("head.json"), saved = dir.filePath("run.safetensors");
        const QString ref = QString::number(layer) + "." + QString::number(head);
        const Run r = run(QStringList{"--model", model} + input +
                          QStringList{"--threads", "1", "--export-head", ref, session, "--save-attentions", saved,
                                      "--compact"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject out = parse_json_object(r.out);
        const QJsonObject exported = out.value("exported_head").toObject();
        QCOMPARE(exported.value("head").toString(), ref);
        QCOMPARE(exported.value("session").toString(), session);
        QCOMPARE(exported.value("kv_head").toInt(), head);  // GPT-2 and BERT: no grouped-query attention

        const QJsonObject s = read_json_file(session);
        QCOMPARE(s.value("format").toString(), QStringLiteral("attnviz-session"));
        QCOMPARE(s.value("variant").toString(), QStringLiteral("scaled_dot"));
        const qsizetype n = out.value("ids").toArray().size();
        QCOMPARE(s.value("queries").toArray().size(), n);
        QCOMPARE(s.value("query_tokens").toArray().size(), n);
        QCOMPARE(s.value("key_tokens").toArray(), s.value("query_tokens").toArray());
        QCOMPARE(s.value("mask").toObject().value("causal").toBool(), causal);

        const double err = max_weight_difference(session, saved, layer, head);
        QVERIFY2(err < 1e-5, qPrintable(QStringLiteral("weights differ by %1").arg(err)));
        // And not those of the other head (the comparison tells heads apart).
        QVERIFY(max_weight_difference(session, saved, layer, 1 - head) > 1e-3);
    }

    // The labels are the tokens as text (" cat", not the byte-level piece "Ġcat").
    void labels_are_the_tokens_text()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("head.json");
        const Run r = run({"--model", kGpt2, "--text", kSentence, "--export-head", "0.0", session, "--compact"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonArray labels = read_json_file(session).value("query_tokens").toArray();
        const QJsonArray pieces = parse_json_object(r.out).value("tokens").toArray();
        QCOMPARE(labels.size(), pieces.size());
        for (qsizetype i = 0; i < labels.size(); ++i)
            QCOMPARE(labels[i].toString(), pieces[i].toString().replace(QChar(0x120), QLatin1Char(' ')));
    }

    // With --ablate, the exported head is the ablated model's: head 1.0 after 0.0 and 0.1 are
    // off attends differently, and the session still equals that run's saved attention.
    void export_head_with_ablate()
    {
        QTemporaryDir dir;
        const QString session = dir.filePath("head.json"), saved = dir.filePath("run.safetensors"),
                      plain = dir.filePath("plain.safetensors");
        const Run r = run({"--model", kGpt2Ids, "--ids", "5,70,200,12,9", "--threads", "1", "--ablate", "0.0,0.1",
                           "--export-head", "1.0", session, "--save-attentions", saved});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        QVERIFY(max_weight_difference(session, saved, 1, 0) < 1e-5);
        QCOMPARE(run({"--model", kGpt2Ids, "--ids", "5,70,200,12,9", "--threads", "1", "--save-attentions", plain})
                     .exit_code,
                 0);
        QVERIFY(max_weight_difference(session, plain, 1, 0) > 1e-3);
    }

    void bad_export_head_exits_2_with_one_line()
    {
        QTemporaryDir dir;
        const QString ok = dir.filePath("h.json");
        const QStringList base{"--model", kGpt2Ids, "--ids", "1,2,3"};
        for (const char* bad : {"x.1", "1", "0.1,1.0", "0.-1", "-1.0", "0.1.2"})
            expect_bad_input(run(base + QStringList{"--export-head", bad, ok}), "--export-head");
        expect_bad_input(run(base + QStringList{"--export-head", "2.0", ok}), "2 layers × 2 heads");
        expect_bad_input(run(base + QStringList{"--export-head", "0.2", ok}), "0.2");
        expect_bad_input(run(base + QStringList{"--export-head", "0.1"}), "SESSION.json");
        expect_bad_input(run(base + QStringList{"--export-head", "0.1", dir.filePath("h.txt")}), ".json");
        expect_bad_input(run(base + QStringList{"--export-head", "0.1", dir.filePath("no/such/h.json")}), "h.json");
        expect_bad_input(run(base + QStringList{"--export-head", "0.1", ok, "extra"}), "'extra'");
        expect_bad_input(run(base + QStringList{ok}), "unexpected argument");
        QVERIFY(!QFile::exists(ok));
    }

    // --generate's JSON: generated {ids, tokens, text, steps [{id, token, probability, top}]}, and
    // timing's generate_tokens_per_second. Greedy is the core's Generation's choice, twice alike.
    void generate_greedy()
    {
        const QStringList args{"--model", kGpt2Ids, "--ids", "5,70,200", "--generate", "6", "--top", "3",
                               "--threads", "1", "--compact"};
        const Run r = run(args);
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QJsonObject o = parse_json_object(r.out);
        const QJsonObject g = o.value("generated").toObject();
        const QJsonArray ids = g.value("ids").toArray(), tokens = g.value("tokens").toArray(),
                         steps = g.value("steps").toArray();
        QCOMPARE(ids.size(), qsizetype{6});
        QCOMPARE(tokens.size(), qsizetype{6});
        QCOMPARE(steps.size(), qsizetype{6});
        QVERIFY(g.value("text").isString());
        QVERIFY(o.value("timing").toObject().value("generate_tokens_per_second").toDouble() > 0);
        QCOMPARE(o.value("n").toInt(), 3);  // the other fields describe the input's forward

        namespace hf = attnviz::hf;
        hf::set_threads(1);
        std::shared_ptr<const hf::Model> model = hf::Model::open(kGpt2Ids.toStdString());
        hf::Generation core(model, std::vector<int>{5, 70, 200}, hf::SamplingOptions{}, 3, 9);
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const hf::GeneratedToken& t = core.step();
            const QJsonObject step = steps[i].toObject();
            QCOMPARE(ids[i].toInt(), t.id);
            QCOMPARE(step.value("id").toInt(), t.id);
            QCOMPARE(tokens[i].toString(), QString::number(t.id));  // no tokenizer: the ids as text
            QCOMPARE(step.value("token").toString(), QString::number(t.id));
            QVERIFY(static_cast<float>(step.value("probability").toDouble()) == t.probability);  // shortest form
            const QJsonArray top = step.value("top").toArray();
            QCOMPARE(top.size(), qsizetype{3});
            QCOMPARE(top[0].toObject().value("id").toInt(), t.id);  // greedy: the most probable
            for (qsizetype k = 0; k < 3; ++k) {
                QCOMPARE(top[k].toObject().value("id").toInt(), t.top[static_cast<std::size_t>(k)].id);
                QVERIFY(top[k].toObject().contains("token") && top[k].toObject().contains("probability"));
            }
        }
        const Run again = run(args);
        QCOMPARE(parse_json_object(again.out).value("generated").toObject().value("ids").toArray(), ids);
    }

    // Sampling repeats from its seed; another seed gives other tokens (at temperature 2 over a
    // random model's flat distributions, 12 equal draws in a row would be a broken sampler).
    void generate_sampled_is_reproducible()
    {
        auto sampled = [](const char* seed) {
            const Run r = run({"--model", kGpt2Ids, "--ids", "5,70", "--generate", "12", "--temperature", "2", "--top-k",
                               "50", "--seed", seed, "--compact"});
            return parse_json_object(r.out).value("generated").toObject().value("ids").toArray();
        };
        const QJsonArray a = sampled("7");
        QCOMPARE(a.size(), qsizetype{12});
        QCOMPARE(sampled("7"), a);
        QVERIFY(sampled("8") != a);
    }

    // With --save-attentions, the whole sequence's attention: input and generated tokens.
    void generate_saves_the_whole_sequence()
    {
        QTemporaryDir dir;
        const QString saved = dir.filePath("gen.safetensors");
        const Run r = run({"--model", kGpt2, "--text", kSentence, "--generate", "4", "--save-attentions", saved});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const Run i = run_attnviz({"inspect", saved, "--layer", "0", "--head", "0", "--compact"});
        QCOMPARE(i.exit_code, 0);
        QCOMPARE(parse_json_object(i.out).value("queries").toInt(), 10);
    }

    void bad_generate_exits_2_with_one_line()
    {
        const QStringList base{"--model", kGpt2Ids, "--ids", "1,2,3"};
        expect_bad_input(run(base + QStringList{"--generate", "0"}), "--generate");
        expect_bad_input(run(base + QStringList{"--generate", "-2"}), "--generate");
        expect_bad_input(run(base + QStringList{"--generate", "x"}), "--generate");
        expect_bad_input(run(base + QStringList{"--generate", "30"}), "32 positions");  // 3 + 30 > 32
        QCOMPARE(run(base + QStringList{"--generate", "29"}).exit_code, 0);            // 3 + 29 = 32
        expect_bad_input(run(base + QStringList{"--generate", "2", "--temperature", "-0.5"}), "--temperature");
        expect_bad_input(run(base + QStringList{"--generate", "2", "--temperature", "nan"}), "--temperature");
        expect_bad_input(run(base + QStringList{"--generate", "2", "--top-k", "-1"}), "--top-k");
        expect_bad_input(run(base + QStringList{"--generate", "2", "--seed", "-1"}), "--seed");
        expect_bad_input(run(base + QStringList{"--temperature", "1"}), "needs --generate");
        expect_bad_input(run(base + QStringList{"--seed", "1"}), "needs --generate");
        expect_bad_input(run(base + QStringList{"--generate", "2", "--ablate", "0.0"}), "--ablate");
        expect_bad_input(run({"--model", kBert, "--text", "the cat", "--generate", "2"}), "masked language model");
    }
};

QTEST_GUILESS_MAIN(TestRunHeadExportCli)
#include "test_run_head_export_cli.moc"
