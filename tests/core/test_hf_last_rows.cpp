// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf's trimmed last layer (ForwardState::final_rows): a causal LM's plain run needs the
// last layer's output at the positions whose logits it reports only, so after that layer's
// attention (kept whole: every row's weights are recorded) its output projection and MLP run on
// the last rows alone. The trimmed run must give what the whole forward gives:
//   - every attention weight bit for bit (the same code up to the trimmed part);
//   - the same logits at the positions asked for, to float32 rounding: one row goes through the
//     streaming matrix–vector kernel and the whole forward through the packed GEMM, which sum in
//     different orders (hf_test::kTolerance, 1e-5 relative; a wrong row or a skipped step errs
//     by 1e-2 or more);
//   - the same next-token ranking.
// For GPT-2 (Conv1D, biases, LayerNorm) and the Llama family (GQA, RMSNorm, SwiGLU, Qwen2's
// biases), float32 and a 16-bit checkpoint; with the default (the last row only) and with
// positions asked for (from the first of them on). Masked LMs and the logit lens read every row
// and are not trimmed: their results must not change either.
#include "attnviz/core/hf/model.hpp"
#include "hf_test_helpers.hpp"

#include <QTest>

#include <numeric>

using namespace attnviz;
using hf_test::fixture;

namespace {

// The logits of `position` in a run kept with keep_logits.
std::vector<float> logits_at(const hf::RunResult& r, int position)
{
    for (std::size_t i = 0; i < r.logit_positions.size(); ++i)
        if (r.logit_positions[i] == position) {
            const std::size_t V = r.logits.size() / r.logit_positions.size();
            return {r.logits.begin() + static_cast<std::ptrdiff_t>(i * V),
                    r.logits.begin() + static_cast<std::ptrdiff_t>((i + 1) * V)};
        }
    return {};
}

}  // namespace

class TestHfLastRows : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { hf::set_threads(1); }

    void trimmed_equals_whole_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gpt2 f32") << "gpt2_f32";
        QTest::newRow("gpt2 bf16") << "gpt2_bf16";
        QTest::newRow("llama gqa f32") << "llama_gqa_f32";
        QTest::newRow("qwen2 f16") << "qwen2_f16";
        QTest::newRow("bert mlm (not trimmed)") << "bert_mlm_f32";
    }
    void trimmed_equals_whole()
    {
        QFETCH(QString, name);
        const std::shared_ptr<const hf::Model> model = hf::Model::open(fixture(name.toStdString()));
        const int n = std::min(7, model->info().max_positions);  // the fixtures take 8
        const std::vector<int> ids = hf_test::spread_ids(model->info().vocab, n);

        hf::RunOptions whole;  // every position's logits: nothing trimmed
        whole.all_positions = true;
        whole.keep_logits = true;
        whole.top_k = 5;
        const hf::RunResult all = model->run(ids, whole);

        for (const std::vector<int>& asked : {std::vector<int>{}, std::vector<int>{5, 2}}) {
            hf::RunOptions options;
            options.keep_logits = true;
            options.top_k = 5;
            if (!asked.empty()) options.lm_positions = asked;
            const hf::RunResult part = model->run(ids, options);
            QVERIFY(*part.attentions == *all.attentions);
            std::vector<int> check = asked;
            if (model->info().causal) check.push_back(n - 1);
            for (int p : check) {
                const std::vector<float> want = logits_at(all, p), got = logits_at(part, p);
                QVERIFY2(!got.empty() && got.size() == want.size(), qPrintable(QString("position %1").arg(p)));
                const double err = hf_test::relative_error(got.data(), want);
                QVERIFY2(err < hf_test::kTolerance, qPrintable(QString("position %1: relative error %2").arg(p).arg(err)));
            }
            QCOMPARE(part.next.size(), all.next.size());
            for (std::size_t i = 0; i < part.next.size(); ++i) QCOMPARE(part.next[i].id, all.next[i].id);
        }
    }

    // The logit lens reads every row of every layer, the last included: a lens run's final
    // layer is the whole one (its last entry equals the model's own next-token ranking).
    void logit_lens_reads_every_row()
    {
        const std::shared_ptr<const hf::Model> model = hf::Model::open(fixture("gpt2_f32"));
        const std::vector<int> ids = hf_test::spread_ids(model->info().vocab, 7);
        hf::RunOptions lens;
        lens.logit_lens = true;
        lens.top_k = 3;
        const hf::RunResult r = model->run(ids, lens);
        hf::RunOptions whole;
        whole.all_positions = true;
        whole.top_k = 3;
        const hf::RunResult all = model->run(ids, whole);
        QCOMPARE(static_cast<int>(r.logit_lens.size()), model->info().layers);
        for (int p = 0; p < 7; ++p) {
            const auto& last = r.logit_lens.back()[static_cast<std::size_t>(p)];
            QCOMPARE(last.front().id, all.positions[static_cast<std::size_t>(p)].front().id);
        }
    }
};

QTEST_GUILESS_MAIN(TestHfLastRows)
#include "test_hf_last_rows.moc"
