// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz run`'s interventions (issue 13) as a user runs them: --ablate's distributions are the
// core's ablated run's (the core's ablation itself is checked against the numpy reference in
// test_hf_interventions); bad --ablate values exit 2 with one line; --logit-lens's lists are the
// core's.
#include "attnviz_process.hpp"

#include "attnviz/core/hf/model.hpp"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <vector>

namespace {

using namespace attnviz_test;
namespace hf = attnviz::hf;

// A random GPT-2 (2 layers × 2 heads × 16, 32 positions) without tokenizer files
// (tests/data/model_view/write_tiny_gpt2.py).
const QString kGpt2Ids = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/model_view/tiny-gpt2-ids");

Run run(QStringList args)
{
    args.prepend(QStringLiteral("run"));
    return run_attnviz(args, {}, 60000);
}

// Both sides run with one thread: one code path, so the printed probabilities (shortest decimal
// form, read back to the same float) compare exactly.
std::vector<hf::TopToken> core_next(const std::vector<int>& ids, std::vector<hf::HeadAblation> ablate)
{
    hf::set_threads(1);
    const auto model = hf::Model::open(kGpt2Ids.toStdString());
    hf::RunOptions o;
    o.top_k = 5;
    o.ablate = std::move(ablate);
    return model->run(ids, o).next;
}

void compare_top(const QJsonArray& json, const std::vector<hf::TopToken>& core)
{
    QCOMPARE(json.size(), static_cast<qsizetype>(core.size()));
    for (qsizetype k = 0; k < json.size(); ++k) {
        const QJsonObject e = json[k].toObject();
        QCOMPARE(e.value("id").toInt(), core[static_cast<std::size_t>(k)].id);
        QVERIFY(static_cast<float>(e.value("probability").toDouble()) == core[static_cast<std::size_t>(k)].probability);
    }
}

}  // namespace

class TestRunInterventionsCli : public QObject {
    Q_OBJECT

private slots:
    void ablate_reports_the_ablated_model()
    {
        const std::vector<int> ids{5, 70, 200, 12, 9};
        const Run r = run({"--model", kGpt2Ids, "--ids", "5,70,200,12,9", "--ablate", "0.1,1.0", "--threads", "1",
                           "--compact"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("ablated").toArray(), (QJsonArray{"0.1", "1.0"}));
        const auto ablated = core_next(ids, {{0, 1}, {1, 0}});
        compare_top(o.value("next").toArray(), ablated);
        // And it is not the plain run's distribution.
        const auto plain = core_next(ids, {});
        QVERIFY(plain.front().probability != ablated.front().probability);
        const Run p = run({"--model", kGpt2Ids, "--ids", "5,70,200,12,9", "--threads", "1", "--compact"});
        QCOMPARE(p.exit_code, 0);
        const QJsonObject po = QJsonDocument::fromJson(p.out).object();
        QVERIFY(!po.contains("ablated"));
        compare_top(po.value("next").toArray(), plain);
    }

    void bad_ablate_exits_2_with_one_line()
    {
        for (const char* bad : {"", "1", "x.1", "0.1,", "0.-1", "0.1.2"})
            expect_bad_input(run({"--model", kGpt2Ids, "--ids", "1,2", "--ablate", bad}), "--ablate");
        expect_bad_input(run({"--model", kGpt2Ids, "--ids", "1,2", "--ablate", "2.0"}), "2 layers × 2 heads");
        expect_bad_input(run({"--model", kGpt2Ids, "--ids", "1,2", "--ablate", "0.0,1.2"}), "1.2");
    }

    // --logit-lens: layers × positions × K, the core's lists; the last layer's is the prediction.
    void logit_lens()
    {
        const Run r = run({"--model", kGpt2Ids, "--ids", "5,70,200", "--logit-lens", "--top", "3", "--threads", "1",
                           "--compact"});
        QCOMPARE(r.exit_code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray lens = o.value("logit_lens").toArray();
        hf::set_threads(1);
        const auto model = hf::Model::open(kGpt2Ids.toStdString());
        hf::RunOptions opt;
        opt.top_k = 3;
        opt.logit_lens = true;
        const hf::RunResult core = model->run(std::vector<int>{5, 70, 200}, opt);
        QCOMPARE(lens.size(), qsizetype{2});
        for (qsizetype l = 0; l < 2; ++l) {
            const QJsonArray positions = lens[l].toArray();
            QCOMPARE(positions.size(), qsizetype{3});
            for (qsizetype p = 0; p < 3; ++p)
                compare_top(positions[p].toArray(),
                            core.logit_lens[static_cast<std::size_t>(l)][static_cast<std::size_t>(p)]);
        }
        // The last layer's lens at the last position is the prediction. The lens's head product runs
        // over 3 rows and `next`'s over 1, whose kernels may round differently: the ids agree and
        // the probabilities to float32 rounding (1e-6).
        const QJsonArray last = lens[1].toArray()[2].toArray();
        for (qsizetype k = 0; k < 3; ++k) {
            QCOMPARE(last[k].toObject().value("id").toInt(), core.next[static_cast<std::size_t>(k)].id);
            QVERIFY(std::abs(last[k].toObject().value("probability").toDouble() -
                             core.next[static_cast<std::size_t>(k)].probability) < 1e-6);
        }
        const Run plain = run({"--model", kGpt2Ids, "--ids", "5", "--compact"});
        QVERIFY(!QJsonDocument::fromJson(plain.out).object().contains("logit_lens"));
        // A checkpoint without an LM head is refused by name.
        expect_bad_input(run({"--model", ATTNVIZ_TEST_DATA_DIR "/hf/bert_base_f32", "--ids", "1,2", "--logit-lens"}),
                         "BERT");
    }

    void help_names_ablate()
    {
        const Run r = run({"--help"});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.out.contains("--ablate") && r.out.contains("ablated"));
        QVERIFY(r.out.contains("--logit-lens") && r.out.contains("logit_lens"));
    }
};

QTEST_GUILESS_MAIN(TestRunInterventionsCli)
#include "test_run_interventions_cli.moc"
