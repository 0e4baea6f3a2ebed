// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf against an independent reference: tests/data/hf/* are small random checkpoints in
// the Hugging Face layout (every family, F32/F16/BF16, prefixed and bare names, old gamma/beta,
// tied and untied heads, GQA/MQA, Qwen2 biases, a sharded Mistral, Llama 3 rope_scaling) with the attentions and
// logits that tests/data/hf_reference_forward.py computes in numpy float64 from transformers'
// modelling definitions (regenerate: /usr/bin/python3 tests/data/hf_reference_forward.py
// generate tests/data/hf).
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "hf_test_helpers.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

using namespace attnviz;
namespace fs = std::filesystem;

namespace {

using hf_test::fixture;
using hf_test::kTolerance;
using hf_test::relative_error;

}  // namespace

class TestHfReference : public QObject {
    Q_OBJECT

private slots:
    void matches_reference_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("architecture");
        for (const char* n : {"gpt2_f32", "gpt2_f16", "gpt2_bf16", "gpt2_plain_f32"}) QTest::newRow(n) << n << "GPT-2";
        for (const char* n : {"bert_mlm_f32", "bert_mlm_f16", "bert_mlm_bf16", "bert_base_f32", "bert_mlm_decoder_f32"})
            QTest::newRow(n) << n << "BERT";
        for (const char* n : {"llama_gqa_f32", "llama_gqa_f16", "llama_gqa_bf16", "llama_tied_f32", "qwen2_f32",
                              "qwen2_f16", "qwen2_bf16", "mistral_sharded_bf16", "llama3_scaled_f32"})
            QTest::newRow(n) << n << "Llama";
    }
    void matches_reference()
    {
        QFETCH(QString, name);
        QFETCH(QString, architecture);
        const fs::path folder = fixture(name.toStdString());
        const io::SafetensorsFile ref(folder / "reference.safetensors");
        std::vector<int> ids;
        for (float f : ref.read_float("ids")) ids.push_back(static_cast<int>(f));
        const auto model = hf::Model::open(folder);
        const hf::ModelInfo& info = model->info();
        QCOMPARE(QString::fromStdString(info.architecture), architecture);

        hf::RunOptions options;
        options.keep_logits = true;
        std::vector<int> all(ids.size());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
        options.lm_positions = all;
        const hf::RunResult r = model->run(ids, options);

        const std::vector<float> attentions = ref.read_float("attentions");
        QCOMPARE(r.attentions->size(), attentions.size());
        const double att_err = relative_error(r.attentions->data(), attentions);
        QVERIFY2(att_err <= kTolerance, qPrintable(QString("attention error %1").arg(att_err)));

        if (ref.header().find("logits")) {
            QVERIFY(info.has_lm_head);
            const std::vector<float> logits = ref.read_float("logits");
            QCOMPARE(r.logits.size(), logits.size());
            QCOMPARE(r.logit_positions, all);
            const double logit_err = relative_error(r.logits.data(), logits);
            QVERIFY2(logit_err <= kTolerance, qPrintable(QString("logit error %1").arg(logit_err)));
            // Top 1 at each position is the reference's arg max.
            const std::size_t V = static_cast<std::size_t>(info.vocab);
            for (std::size_t i = 0; i < ids.size(); ++i) {
                const auto best = std::max_element(logits.begin() + i * V, logits.begin() + (i + 1) * V);
                QCOMPARE(r.positions[i].front().id, static_cast<int>(best - (logits.begin() + i * V)));
            }
        } else {
            QVERIFY(!info.has_lm_head);
            QVERIFY(r.logits.empty());
        }
    }

    // Causal models: above the diagonal exactly 0; every row sums to 1.
    void causal_rows()
    {
        const auto model = hf::Model::open(fixture("llama_gqa_f32"));
        const hf::RunResult r = model->run(std::vector<int>{1, 2, 3, 4, 5});
        const int n = r.n;
        for (int lh = 0; lh < r.layers * r.heads; ++lh)
            for (int i = 0; i < n; ++i) {
                double sum = 0;
                for (int j = 0; j < n; ++j) {
                    const float a = (*r.attentions)[static_cast<std::size_t>((lh * n + i) * n + j)];
                    if (j > i) QCOMPARE(a, 0.0f);
                    sum += a;
                }
                QVERIFY(std::abs(sum - 1.0) < 1e-5);
            }
        // Causal defaults: the next token only, no positions.
        QCOMPARE(r.next.size(), std::size_t{5});
        QVERIFY(r.positions.empty());
        QVERIFY(r.next[0].probability >= r.next[1].probability);
    }

    void info_fields()
    {
        const auto m = hf::Model::open(fixture("llama_gqa_bf16") / "config.json");  // config.json itself
        const hf::ModelInfo& i = m->info();
        QCOMPARE(i.model_type, std::string("llama"));
        QCOMPARE(i.layers, 2);
        QCOMPARE(i.heads, 4);
        QCOMPARE(i.kv_heads, 2);
        QCOMPARE(i.head_dim, 4);
        QCOMPARE(i.hidden, 8);
        QCOMPARE(i.vocab, 20);
        QCOMPARE(i.max_positions, 16);
        QCOMPARE(i.weight_dtype, std::string("bfloat16"));
        QVERIFY(i.causal);
        const auto b = hf::Model::open(fixture("bert_base_f32"));
        QVERIFY(!b->info().causal);
        QVERIFY(!b->info().has_lm_head);
        const auto s = hf::Model::open(fixture("mistral_sharded_bf16"));
        QCOMPARE(s->info().model_type, std::string("mistral"));
    }

    // Masked LMs give every position's top K by default; lm_positions picks (the [MASK] ones).
    void masked_lm_positions()
    {
        const auto m = hf::Model::open(fixture("bert_mlm_f32"));
        hf::RunOptions o;
        o.top_k = 3;
        const hf::RunResult all = m->run(std::vector<int>{2, 5, 7, 1}, o);
        QCOMPARE(all.positions.size(), std::size_t{4});
        for (const auto& p : all.positions) QCOMPARE(p.size(), std::size_t{3});
        QVERIFY(all.next.empty());
        o.lm_positions = std::vector<int>{2};
        const hf::RunResult one = m->run(std::vector<int>{2, 5, 7, 1}, o);
        QVERIFY(one.positions[0].empty() && !one.positions[2].empty());
        QCOMPARE(one.positions[2][0].id, all.positions[2][0].id);
        QCOMPARE(one.positions[2][0].probability, all.positions[2][0].probability);
    }

    void progress_and_cancel()
    {
        const auto m = hf::Model::open(fixture("gpt2_f32"));
        std::vector<int> seen;
        hf::RunOptions o;
        o.progress = [&](int done) { seen.push_back(done); };
        m->run(std::vector<int>{1, 2}, o);
        QCOMPARE(seen, (std::vector<int>{1, 2}));
        std::atomic<bool> cancel{false};
        o.cancel = &cancel;
        o.progress = [&](int) { cancel = true; };  // cancelled after the first layer
        QVERIFY_THROWS_EXCEPTION(hf::Cancelled, m->run(std::vector<int>{1, 2}, o));
    }

    // The run as the inspector's stack, and saved in the inspector's file format.
    void attention_stack_and_file()
    {
        const auto m = hf::Model::open(fixture("qwen2_f32"));
        const hf::RunResult r = m->run(std::vector<int>{3, 1, 4, 1});
        const std::vector<std::string> tokens{"a", "b", "c", "d"};
        const auto stack = hf::to_attention_stack(r, tokens, "run");
        QCOMPARE(stack->layers(), Index{2});
        QCOMPARE(stack->heads(), Index{4});
        QCOMPARE(stack->key_tokens(), tokens);
        QVERIFY(stack->row_sums().all_rows_sum_to_one());
        QCOMPARE(stack->head(1, 3)(2, 1), (*r.attentions)[static_cast<std::size_t>(((1 * 4 + 3) * 4 + 2) * 4 + 1)]);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "run.safetensors";
        hf::save_attentions(r, tokens, file);
        const inspect::AttentionStack loaded = inspect::load_attention(file);
        QCOMPARE(loaded.layers(), Index{2});
        QCOMPARE(loaded.heads(), Index{4});
        QCOMPARE(loaded.key_tokens(), tokens);
        for (Index l = 0; l < 2; ++l)
            for (Index h = 0; h < 4; ++h)
                QVERIFY(loaded.head(l, h).matrix() == stack->head(l, h).matrix());
    }

    // float32 weights are used in place; the weight file is not read into memory.
    void runs_are_repeatable()
    {
        const auto m = hf::Model::open(fixture("llama_gqa_f16"));
        const std::vector<int> ids{1, 2, 3};
        const hf::RunResult a = m->run(ids), b = m->run(ids);
        QVERIFY(*a.attentions == *b.attentions);
        QCOMPARE(a.next[0].id, b.next[0].id);
    }
};

QTEST_GUILESS_MAIN(TestHfReference)
#include "test_hf_reference.moc"
