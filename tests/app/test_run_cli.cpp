// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz run` as a user runs it (the real executable), checked against the core's own run of
// the same checkpoint in this process: the JSON's ids, tokens, top K and probabilities; --ids
// without a tokenizer; --save-attentions read back by `attnviz inspect`; every bad input → exit
// 2 with one line.
#include "attnviz_process.hpp"

#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

namespace {

using namespace attnviz_test;
namespace hf = attnviz::hf;

// A random GPT-2 (2 layers × 2 heads × 16, 32 positions) with a byte-level BPE tokenizer
// (vocab.json + merges.txt), and the same without tokenizer files: written by
// tests/data/model_view/write_tiny_gpt2.py.
const QString kGpt2 = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2");
const QString kGpt2Ids = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2-ids");
// The core's masked-LM fixture (BERT with its prediction head, no tokenizer).
const QString kBert = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/hf/bert_mlm_f32");
const QString kSentence = QStringLiteral("The cat sat on the mat");

Run run(QStringList args)
{
    args.prepend(QStringLiteral("run"));
    return run_attnviz(args, {}, 60000);
}

// The CLI runs with --threads 1 and so does this process: one code path, so the top K and the
// probabilities compare exactly (the JSON prints each float's shortest decimal form, which
// reads back to the same float).
hf::RunResult core_run(const QString& folder, const std::vector<int>& ids, int top, bool all = false)
{
    hf::set_threads(1);
    const auto model = hf::Model::open(folder.toStdString());
    hf::RunOptions o;
    o.top_k = top;
    o.all_positions = all;
    return model->run(ids, o);
}

std::vector<int> ids_of(const QJsonArray& a)
{
    std::vector<int> v;
    for (const QJsonValue& x : a) v.push_back(x.toInt());
    return v;
}

void compare_top(const QJsonArray& json, const std::vector<hf::TopToken>& core)
{
    QCOMPARE(json.size(), static_cast<qsizetype>(core.size()));
    for (qsizetype k = 0; k < json.size(); ++k) {
        const QJsonObject e = json[k].toObject();
        QCOMPARE(e.value("id").toInt(), core[static_cast<std::size_t>(k)].id);
        // Exact: QCOMPARE on floats would be fuzzy.
        const float printed = static_cast<float>(e.value("probability").toDouble());
        QVERIFY2(printed == core[static_cast<std::size_t>(k)].probability,
                 qPrintable(QStringLiteral("%1 vs %2").arg(printed, 0, 'g', 9).arg(core[static_cast<std::size_t>(k)].probability, 0, 'g', 9)));
        QVERIFY(e.contains("token"));
    }
}

// A checkpoint folder in `dir` with `config` and a safetensors file holding the given tensors
// (all float32 zeros), for the bad-input cases.
void write_checkpoint(const QString& dir, const QByteArray& config,
                      const std::vector<std::pair<QByteArray, std::vector<int>>>& tensors)
{
    QDir().mkpath(dir);
    QFile c(dir + "/config.json");
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(config);
    c.close();
    QByteArray header = "{";
    qint64 offset = 0;
    for (const auto& [name, shape] : tensors) {
        qint64 count = 1;
        QByteArray dims;
        for (int d : shape) count *= d, dims += (dims.isEmpty() ? "" : ",") + QByteArray::number(d);
        if (header.size() > 1) header += ",";
        header += "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[" +
                  QByteArray::number(offset) + "," + QByteArray::number(offset + 4 * count) + "]}";
        offset += 4 * count;
    }
    header += "}";
    while (header.size() % 8) header += ' ';
    QFile w(dir + "/model.safetensors");
    QVERIFY(w.open(QIODevice::WriteOnly));
    const quint64 n = static_cast<quint64>(header.size());
    QByteArray length(8, 0);
    for (int i = 0; i < 8; ++i) length[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    w.write(length + header + QByteArray(static_cast<qsizetype>(offset), 0));
}

}  // namespace

class TestRunCli : public QObject {
    Q_OBJECT

private slots:
    void text_on_a_causal_lm_matches_the_core()
    {
        const Run r = run({"--model", kGpt2, "--text", kSentence, "--top", "3", "--threads", "1"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse_json_object(r.out);
        QCOMPARE(o.value("model_type").toString(), QStringLiteral("gpt2"));
        QCOMPARE(o.value("layers").toInt(), 2);
        QCOMPARE(o.value("heads").toInt(), 2);

        // The ids and tokens are the tokenizer's.
        const auto tokenizer = attnviz::tokenizers::Tokenizer::load(kGpt2.toStdString());
        const auto encoding = tokenizer.encode(kSentence.toStdString(), true);
        const std::vector<int> ids = ids_of(o.value("ids").toArray());
        QCOMPARE(ids, encoding.ids);
        QCOMPARE(ids.size(), std::size_t{6});  // The ␣cat ␣sat ␣on ␣the ␣mat: the fixture's merges
        const QJsonArray tokens = o.value("tokens").toArray();
        QCOMPARE(tokens.size(), 6);
        for (qsizetype i = 0; i < tokens.size(); ++i)
            QCOMPARE(tokens[i].toString().toStdString(), encoding.tokens[static_cast<std::size_t>(i)]);
        QCOMPARE(tokens[1].toString(), QStringLiteral("Ġcat"));

        // The next-token top 3 is the core's; a causal LM without --all-positions has no positions.
        const hf::RunResult core = core_run(kGpt2, ids, 3);
        compare_top(o.value("next").toArray(), core.next);
        QVERIFY(!o.contains("positions"));
        const QJsonArray next = o.value("next").toArray();
        QVERIFY(next[0].toObject().value("probability").toDouble() >= next[1].toObject().value("probability").toDouble());
        QVERIFY(o.value("timing").toObject().value("forward_seconds").toDouble() > 0);
    }

    void all_positions()
    {
        const Run r = run({"--model", kGpt2, "--ids", "5, 70,200,12", "--all-positions", "--top", "2", "--threads=1"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse_json_object(r.out);
        const QJsonArray positions = o.value("positions").toArray();
        QCOMPARE(positions.size(), 4);
        const hf::RunResult core = core_run(kGpt2, {5, 70, 200, 12}, 2, true);
        QCOMPARE(core.positions.size(), std::size_t{4});
        for (int i = 0; i < 4; ++i) compare_top(positions[i].toArray(), core.positions[static_cast<std::size_t>(i)]);
        compare_top(o.value("next").toArray(), core.next);
        // The last position's top K is the next token's.
        QCOMPARE(positions[3].toArray(), o.value("next").toArray());
        // With a tokenizer, ids are shown as its tokens.
        QCOMPARE(o.value("tokens").toArray()[0].toString(), QStringLiteral("&"));
    }

    void ids_without_tokenizer_are_their_own_tokens()
    {
        const Run r = run({"--model", kGpt2Ids, "--ids", "1,2,272", "--threads", "1", "--compact"});
        QCOMPARE(r.exit_code, 0);
        QCOMPARE(r.out.count('\n'), 1);  // --compact: one line
        const QJsonObject o = parse_json_object(r.out);
        QCOMPARE(o.value("tokens").toArray(), (QJsonArray{"1", "2", "272"}));
        const QJsonArray next = o.value("next").toArray();
        QCOMPARE(next.size(), 5);  // the default K
        compare_top(next, core_run(kGpt2Ids, {1, 2, 272}, 5).next);
        QCOMPARE(next[0].toObject().value("token").toString(),
                 QString::number(next[0].toObject().value("id").toInt()));
    }

    void masked_lm_has_every_position()
    {
        const Run r = run({"--model", kBert, "--ids", "2,7,3,11", "--top", "4", "--threads", "1"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse_json_object(r.out);
        QCOMPARE(o.value("model_type").toString(), QStringLiteral("bert"));
        QVERIFY(!o.contains("next"));
        const QJsonArray positions = o.value("positions").toArray();
        QCOMPARE(positions.size(), 4);
        const hf::RunResult core = core_run(kBert, {2, 7, 3, 11}, 4);
        for (int i = 0; i < 4; ++i) compare_top(positions[i].toArray(), core.positions[static_cast<std::size_t>(i)]);
    }

    void fill_mask_with_a_wordpiece_tokenizer()
    {
        const QString bert = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-bert-mlm");
        const Run r = run({"--model", bert, "--text", "The cat [MASK] on the mat", "--top", "3", "--threads", "1"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = parse_json_object(r.out);
        QCOMPARE(o.value("tokens").toArray(), (QJsonArray{"[CLS]", "the", "cat", "[MASK]", "on", "the", "mat", "[SEP]"}));
        const QJsonArray positions = o.value("positions").toArray();
        QCOMPARE(positions.size(), 8);
        const hf::RunResult core = core_run(bert, ids_of(o.value("ids").toArray()), 3);
        compare_top(positions[3].toArray(), core.positions[3]);
        const QJsonObject first = positions[3].toArray()[0].toObject();
        QCOMPARE(first.value("token").toString().toStdString(),
                 attnviz::tokenizers::Tokenizer::load(bert.toStdString()).token_text(first.value("id").toInt()));
    }

    void saved_attentions_open_in_inspect()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("run.safetensors");
        const Run r = run({"--model", kGpt2, "--text", kSentence, "--threads", "1", "--save-attentions", file});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(QFile::exists(file));
        const std::vector<int> ids = ids_of(parse_json_object(r.out).value("ids").toArray());

        const Run i = run_attnviz({"inspect", file, "--layer", "1", "--head", "1", "--compact"});
        QCOMPARE(i.exit_code, 0);
        const QJsonObject o = parse_json_object(i.out);
        QCOMPARE(o.value("format").toString(), QStringLiteral("safetensors"));
        QCOMPARE(o.value("layers").toInt(), 2);
        QCOMPARE(o.value("heads").toInt(), 2);
        QCOMPARE(o.value("queries").toInt(), 6);
        QCOMPARE(o.value("tokens").toArray(), parse_json_object(r.out).value("tokens").toArray());
        QCOMPARE(o.value("rows_not_summing_to_one").toObject().value("count").toInt(), 0);
        // The stored weights are the core's (float32 written and read back unchanged).
        const hf::RunResult core = core_run(kGpt2, ids, 5);
        const QJsonArray rows = o.value("attention").toArray();
        const int n = core.n;
        for (int q = 0; q < n; ++q)
            for (int k = 0; k < n; ++k) {
                const float expected = (*core.attentions)[static_cast<std::size_t>(((1 * core.heads + 1) * n + q) * n + k)];
                QVERIFY(static_cast<float>(rows[q].toArray()[k].toDouble()) == expected);  // exact
            }
        // Causal: nothing above the diagonal.
        QCOMPARE(rows[0].toArray()[5].toDouble(), 0.0);
    }

    void config_json_is_accepted_as_the_model()
    {
        const Run r = run({"--model", kGpt2 + "/config.json", "--ids", "1", "--threads", "1"});
        QCOMPARE(r.exit_code, 0);
        QCOMPARE(parse_json_object(r.out).value("n").toInt(), 1);
    }

    void bad_input_exits_2_with_one_line()
    {
        QTemporaryDir dir;
        // The folder.
        expect_bad_input(run({"--model", dir.path(), "--ids", "1"}), "config.json");
        expect_bad_input(run({"--model", dir.filePath("missing"), "--ids", "1"}), "missing");
        write_checkpoint(dir.filePath("t5"), R"({"model_type": "t5"})", {});
        const Run t5 = run({"--model", dir.filePath("t5"), "--ids", "1"});
        expect_bad_input(t5, "t5");
        QVERIFY2(t5.err.contains("gpt2") && t5.err.contains("llama"), t5.err.constData());  // lists the supported
        write_checkpoint(dir.filePath("no_tensors"),
                         R"({"model_type": "gpt2", "n_layer": 1, "n_head": 2, "n_embd": 4, "n_positions": 8, "vocab_size": 10})",
                         {{"wte.weight", {10, 4}}});
        expect_bad_input(run({"--model", dir.filePath("no_tensors"), "--ids", "1"}), "wpe");
        // The input.
        expect_bad_input(run({"--model", kGpt2, "--ids", "1,x"}), "--ids");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1,-3"}), "--ids");
        expect_bad_input(run({"--model", kGpt2, "--ids", ""}), "--ids");
        expect_bad_input(run({"--model", kGpt2, "--ids", "273"}), "vocabulary");
        QString longText;
        for (int i = 0; i < 40; ++i) longText += QStringLiteral(" cat");  // 40 tokens, 32 positions
        const Run tooLong = run({"--model", kGpt2, "--text", longText});
        expect_bad_input(tooLong, "limit of 32");
        QStringList ids;
        for (int i = 0; i < 33; ++i) ids << QStringLiteral("1");
        expect_bad_input(run({"--model", kGpt2, "--ids", ids.join(',')}), "limit of 32");
        expect_bad_input(run({"--model", kGpt2Ids, "--text", kSentence}), "tokenizer");
        expect_bad_input(run({"--model", kGpt2, "--text", ""}), "--text");
        // The options.
        expect_bad_input(run({"--model", kGpt2}), "--text");
        expect_bad_input(run({"--model", kGpt2, "--text", "a", "--ids", "1"}), "one of --text and --ids");
        expect_bad_input(run({"--text", "a"}), "--model");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1", "--top", "0"}), "--top");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1", "--threads", "0"}), "--threads");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1", "--save-attentions", dir.filePath("a.npy")}),
                         ".safetensors");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1", "--save-attentions", dir.filePath("no/such/a.safetensors")}),
                         "a.safetensors");
        expect_bad_input(run({"--model", kGpt2, "--ids", "1", "extra"}), "extra");
    }

    void help_names_every_field()
    {
        const Run r = run({"--help"});
        QCOMPARE(r.exit_code, 0);
        for (const char* word : {"--model", "--text", "--ids", "--top", "--all-positions", "--threads",
                                 "--save-attentions", "next", "positions", "forward_seconds"})
            QVERIFY2(r.out.contains(word), word);
        QVERIFY(run_attnviz({"--help"}).out.contains("run "));
    }
};

QTEST_GUILESS_MAIN(TestRunCli)
#include "test_run_cli.moc"
