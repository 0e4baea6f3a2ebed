// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf head ablation against the independent numpy reference: tests/data/hf/{gpt2_f32,
// llama_gqa_f32}/ablation.safetensors hold the attentions and logits of
// tests/data/hf_reference_forward.py with the heads named in its "heads" metadata zeroed
// ("zero.*") or replaced by their mean over the sequence ("mean.*") before the output
// projection (regenerate: /usr/bin/python3 tests/data/hf_reference_forward.py
// generate-ablations tests/data/hf). The Llama fixture is GQA (4 query heads over 2 KV heads):
// ablation acts on query heads, not on the shared key/value heads. Also: attention row overrides
// (an unchanged row changes nothing, a one-hot row gives the value vector) and the logit lens.
#include "attnviz/core/hf/interventions.hpp"
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "architecture.hpp"  // core/hf/src: the per-layer steps, to look at a head's output
#include "hf_test_helpers.hpp"

#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

using namespace attnviz;
namespace fs = std::filesystem;

namespace {

using hf_test::fixture;
using hf_test::kTolerance;
using hf_test::relative_error;

}  // namespace

class TestHfInterventions : public QObject {
    Q_OBJECT

private slots:
    void ablation_matches_reference_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("mode");
        for (const char* n : {"gpt2_f32", "llama_gqa_f32"})
            for (const char* m : {"zero", "mean"}) QTest::newRow((std::string(n) + "/" + m).c_str()) << n << m;
    }
    void ablation_matches_reference()
    {
        QFETCH(QString, name);
        QFETCH(QString, mode);
        const fs::path folder = fixture(name.toStdString());
        const io::SafetensorsFile ref(folder / "reference.safetensors");
        const io::SafetensorsFile abl(folder / "ablation.safetensors");
        std::vector<int> ids;
        for (float f : ref.read_float("ids")) ids.push_back(static_cast<int>(f));
        const auto heads = abl.metadata().at("heads");
        const auto m = mode == "zero" ? hf::AblationMode::Zero : hf::AblationMode::Mean;
        const auto model = hf::Model::open(folder);

        hf::RunOptions o;
        o.keep_logits = true;
        std::vector<int> all(ids.size());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
        o.lm_positions = all;
        o.ablate = hf::parse_ablations(heads, m);
        QVERIFY(o.ablate.size() >= 2);
        const hf::RunResult r = model->run(ids, o);
        const std::string p = mode.toStdString() + ".";
        const double att = relative_error(r.attentions->data(), abl.read_float(p + "attentions"));
        const double lg = relative_error(r.logits.data(), abl.read_float(p + "logits"));
        QVERIFY2(att <= kTolerance, qPrintable(QString("attention error %1").arg(att)));
        QVERIFY2(lg <= kTolerance, qPrintable(QString("logit error %1").arg(lg)));
        // The ablation changes the logits (else the test would guard nothing).
        const double plain = relative_error(r.logits.data(), ref.read_float("logits"));
        QVERIFY2(plain > 1e-3, qPrintable(QString("ablated logits equal the plain ones (%1)").arg(plain)));
    }

    void no_ablation_is_the_plain_run()
    {
        const auto model = hf::Model::open(fixture("gpt2_f32"));
        const std::vector<int> ids{1, 2, 3, 4};
        hf::RunOptions o;
        o.keep_logits = true;
        const hf::RunResult a = model->run(ids, o);
        o.ablate = {};
        const hf::RunResult b = model->run(ids, o);
        QVERIFY(*a.attentions == *b.attentions);  // the same code path: exact
        QVERIFY(a.logits == b.logits);
    }

    // The lens after the last layer reads the same rows through the same finish() and lm_head()
    // with the same number of rows (every position) as the model's own prediction: finish() is
    // row-wise and the head's product is over the same m rows, so the top K compare exactly.
    void logit_lens_last_layer_is_the_prediction_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n : {"gpt2_f32", "llama_gqa_f32", "qwen2_bf16", "bert_mlm_f32"}) QTest::newRow(n) << n;
    }
    void logit_lens_last_layer_is_the_prediction()
    {
        QFETCH(QString, name);
        const auto model = hf::Model::open(fixture(name.toStdString()));
        const std::vector<int> ids{3, 1, 4, 1, 5, 9};
        hf::RunOptions o;
        o.top_k = 4;
        o.all_positions = true;
        o.logit_lens = true;
        const hf::RunResult r = model->run(ids, o);
        const int L = model->info().layers;
        QCOMPARE(r.logit_lens.size(), static_cast<std::size_t>(L));
        QCOMPARE(r.logit_lens_positions, (std::vector<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(r.positions.size(), ids.size());
        for (std::size_t p = 0; p < ids.size(); ++p) {
            const auto& lens = r.logit_lens.back()[p];
            QCOMPARE(lens.size(), std::size_t{4});
            for (std::size_t k = 0; k < 4; ++k) {
                QCOMPARE(lens[k].id, r.positions[p][k].id);
                QVERIFY(lens[k].probability == r.positions[p][k].probability);
            }
        }
        // The first layer reads something else: some position's list differs.
        bool differs = false;
        for (std::size_t p = 0; p < ids.size(); ++p)
            for (std::size_t k = 0; k < 4; ++k)
                differs |= r.logit_lens.front()[p][k].id != r.positions[p][k].id ||
                           r.logit_lens.front()[p][k].probability != r.positions[p][k].probability;
        QVERIFY(differs);
        // Chosen positions: the same lists, in the order asked.
        o.logit_lens_positions = {5, 2};
        const hf::RunResult some = model->run(ids, o);
        QCOMPARE(some.logit_lens.size(), static_cast<std::size_t>(L));
        QCOMPARE(some.logit_lens[0].size(), std::size_t{2});
        QCOMPARE(some.logit_lens[0][0].front().id, r.logit_lens[0][5].front().id);
        QCOMPARE(some.logit_lens[0][1].front().id, r.logit_lens[0][2].front().id);
    }

    void logit_lens_refusals()
    {
        const auto bare = hf::Model::open(fixture("bert_base_f32"));  // no MLM head
        hf::RunOptions o;
        o.logit_lens = true;
        try {
            bare->run(std::vector<int>{1, 2}, o);
            QFAIL("a logit lens without an LM head was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("BERT") != std::string::npos, e.what());
        }
        const auto gpt2 = hf::Model::open(fixture("gpt2_f32"));
        o.logit_lens_positions = {2};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, gpt2->run(std::vector<int>{1, 2}, o));
        // Without the option nothing is computed.
        QVERIFY(gpt2->run(std::vector<int>{1, 2}).logit_lens.empty());
    }

    // An override equal to the original row changes nothing beyond rounding: the row is divided
    // by its sum (1 to within ~1e-7) and the head's output re-summed in double instead of the
    // kernel's float order, so attentions and logits agree to 1e-6 relative.
    void override_with_the_original_row_changes_nothing()
    {
        for (const char* name : {"gpt2_f32", "llama_gqa_f32", "bert_mlm_f32"}) {
            const auto model = hf::Model::open(fixture(name));
            const std::vector<int> ids{3, 1, 4, 1, 5};
            const int n = 5, H = model->info().heads;
            hf::RunOptions o;
            o.keep_logits = true;
            o.all_positions = true;
            const hf::RunResult plain = model->run(ids, o);
            const int l = 0, h = H - 1, i = 3;
            const float* row = plain.attentions->data() + ((l * H + h) * n + i) * n;
            o.override_rows = {{l, h, i, std::vector<float>(row, row + n)}};
            const hf::RunResult same = model->run(ids, o);
            const double att = relative_error(same.attentions->data(), *plain.attentions);
            const double lg = relative_error(same.logits.data(), plain.logits);
            QVERIFY2(att < 1e-6 && lg < 1e-6, qPrintable(QString("%1: %2 %3").arg(name).arg(att).arg(lg)));
            // A different row does change the prediction (the override is applied at all).
            std::vector<float> other(n, 0.0f);
            other[0] = 1.0f;
            o.override_rows = {{l, h, i, other}};
            const hf::RunResult changed = model->run(ids, o);
            QVERIFY(relative_error(changed.logits.data(), plain.logits) > 1e-4);
        }
    }

    // A one-hot row on key j makes the head's output at that query (before the output projection)
    // exactly v_j of its key/value head: 1.0 × v in double, rounded once, is v.
    void one_hot_override_gives_the_value_vector()
    {
        for (const char* name : {"gpt2_f32", "llama_gqa_f32"}) {
            const auto model = hf::Model::open(fixture(name));
            const hf::Architecture& arch = model->architecture();
            const hf::ModelInfo& info = model->info();
            const std::vector<int> ids{3, 1, 4, 1, 5, 9};
            const int n = 6, H = info.heads, d = info.head_dim, h = H - 1, i = 4, j = 2;
            std::vector<float> hot(n, 0.0f);
            hot[j] = 2.5f;  // renormalised to 1
            const std::vector<hf::AttentionOverride> overrides{{0, h, i, hot}};
            std::vector<float> attentions(static_cast<std::size_t>(info.layers) * H * n * n);
            hf::ForwardState s;
            s.n = n;
            s.attentions = attentions.data();
            s.overrides = &overrides;
            arch.embed(ids, s);
            arch.layer(0, s);
            // The layer's values: GPT-2's (n × 3E) q | k | v, Llama's (n × H_kv·d) v.
            const int g = h / (H / info.kv_heads);
            const Eigen::RowVectorXf v = info.model_type == "gpt2"
                                             ? Eigen::RowVectorXf(s.qkv.row(j).segment(2 * info.hidden + g * d, d))
                                             : Eigen::RowVectorXf(s.v.row(j).segment(g * d, d));
            const Eigen::RowVectorXf out = s.context.row(i).segment(h * d, d);
            QVERIFY2(out == v, name);
            for (int k = 0; k < n; ++k)
                QCOMPARE(attentions[static_cast<std::size_t>(((0 * H + h) * n + i) * n + k)], k == j ? 1.0f : 0.0f);
        }
    }

    void override_refusals()
    {
        const auto model = hf::Model::open(fixture("gpt2_f32"));  // 2 layers × 2 heads, causal
        const std::vector<int> ids{1, 2, 3};
        auto refused = [&](hf::AttentionOverride o, const char* part) {
            hf::RunOptions opt;
            opt.override_rows = {std::move(o)};
            try {
                model->run(ids, opt);
                return false;
            } catch (const std::invalid_argument& e) {
                return std::string(e.what()).find(part) != std::string::npos;
            }
        };
        QVERIFY(refused({2, 0, 0, {1, 0, 0}}, "outside"));
        QVERIFY(refused({0, 2, 0, {1, 0, 0}}, "outside"));
        QVERIFY(refused({0, 0, 3, {1, 0, 0}}, "outside"));
        QVERIFY(refused({0, 0, 2, {1, 0}}, "2 weights for 3 keys"));
        QVERIFY(refused({0, 0, 2, {0, 0, 0}}, "all 0"));
        QVERIFY(refused({0, 0, 2, {1, -1, 0}}, "negative"));
        QVERIFY(refused({0, 0, 2, {1, NAN, 0}}, "not finite"));
        QVERIFY(refused({0, 0, 1, {1, 0, 1}}, "causal"));
    }

    void parse_and_check()
    {
        using hf::HeadAblation;
        QCOMPARE(hf::parse_ablations("0.3"), (std::vector<HeadAblation>{{0, 3}}));
        QCOMPARE(hf::parse_ablations("1.0,11.7", hf::AblationMode::Mean),
                 (std::vector<HeadAblation>{{1, 0, hf::AblationMode::Mean}, {11, 7, hf::AblationMode::Mean}}));
        for (const char* bad : {"", "1", "1.", ".1", "a.b", "1.2,", "1.2,,3.4", "-1.0", "1.+2", "1.2.3", "1 .2",
                                "99999999999.0"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, hf::parse_ablations(bad));
        const auto model = hf::Model::open(fixture("llama_gqa_f32"));  // 2 layers × 4 heads
        for (const HeadAblation& bad : {HeadAblation{2, 0}, HeadAblation{0, 4}, HeadAblation{-1, 0}}) {
            hf::RunOptions o;
            o.ablate = {bad};
            try {
                model->run(std::vector<int>{1, 2}, o);
                QFAIL("an ablation out of range was accepted");
            } catch (const std::invalid_argument& e) {
                QVERIFY2(std::string(e.what()).find("2 layers × 4 heads") != std::string::npos, e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHfInterventions)
#include "test_hf_interventions.moc"
