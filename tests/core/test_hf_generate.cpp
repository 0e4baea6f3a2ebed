// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf generation with a key/value cache (generate.hpp, issue 13 item 1): each step feeds
// one token through the layers over the cached keys and values. A step must give what the full
// forward over the whole sequence gives: the new token's attention row in every layer and head,
// and the next-token distribution. Greedy picks the full forward's argmax; a seed fixes the
// sampled tokens; sample_token's frequencies follow softmax(logits / T) over the top K.
//
// Tolerance 1e-5 (hf_test::kTolerance, relative to the values' scale): the cached step computes
// the same formulas over the same float32 inputs as the full forward, but one row at a time
// instead of a block, so the sums may round differently (a few float32 ulps per layer).
#include "attnviz/core/hf/generate.hpp"
#include "attnviz/core/hf/model.hpp"
#include "allocation_counter.hpp"  // one definition of malloc & co. for this executable
#include "hf_test_helpers.hpp"

#include <QTest>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <vector>

using namespace attnviz;
using hf_test::fixture;

namespace {

std::shared_ptr<const hf::Model> open_model(const std::string& name)
{
    return std::shared_ptr<const hf::Model>(hf::Model::open(fixture(name)));
}

std::vector<int> prompt_for(const hf::ModelInfo& info, int n)
{
    std::vector<int> ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = (7 * i + 3) % info.vocab;
    return ids;
}

// softmax of one row of logits in double.
std::vector<double> softmax(const float* logits, int V)
{
    double top = -std::numeric_limits<double>::infinity(), sum = 0.0;
    for (int j = 0; j < V; ++j) top = std::max(top, static_cast<double>(logits[j]));
    std::vector<double> p(static_cast<std::size_t>(V));
    for (int j = 0; j < V; ++j) sum += p[static_cast<std::size_t>(j)] = std::exp(logits[j] - top);
    for (double& x : p) x /= sum;
    return p;
}

int argmax_lowest(const float* logits, int V)
{
    int best = 0;
    for (int j = 1; j < V; ++j)
        if (logits[j] > logits[best]) best = j;
    return best;
}

// The full forward's last row of logits (1 × V) over ids.
hf::RunResult full_forward(const hf::Model& model, std::span<const int> ids)
{
    hf::RunOptions options;
    options.keep_logits = true;
    return model.run(ids, options);
}

}  // namespace

class TestHfGenerate : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { hf::set_threads(1); }

    void cached_steps_equal_full_forward_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gpt2") << "gpt2_f32";
        QTest::newRow("llama_gqa") << "llama_gqa_f32";
        QTest::newRow("qwen2") << "qwen2_f32";
        QTest::newRow("llama3_scaled") << "llama3_scaled_f32";
        QTest::newRow("llama_gqa_bf16") << "llama_gqa_bf16";
        QTest::newRow("gpt2_bf16") << "gpt2_bf16";
    }
    // Greedy to the capacity (the model's max_positions): at every length, the new token's rows,
    // the distribution after it and the greedy choice against the full forward.
    void cached_steps_equal_full_forward()
    {
        QFETCH(QString, name);
        const auto model = open_model(name.toStdString());
        const hf::ModelInfo& info = model->info();
        const int V = info.vocab, L = info.layers, H = info.heads;
        const std::vector<int> prompt = prompt_for(info, 3);
        hf::Generation gen(model, prompt, {}, V);  // report_top = V: the whole distribution
        QCOMPARE(gen.capacity(), info.max_positions);

        // The prompt's result is the full forward's.
        const hf::RunResult first = full_forward(*model, prompt);
        QCOMPARE(gen.prompt_result().attentions->size(), first.attentions->size());
        QVERIFY(hf_test::relative_error(gen.prompt_result().attentions->data(), *first.attentions) < hf_test::kTolerance);

        while (gen.length() < gen.capacity()) {
            const std::vector<int> before(gen.ids().begin(), gen.ids().end());
            const hf::RunResult ref_before = full_forward(*model, before);
            const hf::GeneratedToken& t = gen.step();
            QCOMPARE(t.position, static_cast<int>(before.size()));
            // Greedy: the full forward's argmax (ties to the lowest id), with its probability.
            QCOMPARE(t.id, argmax_lowest(ref_before.logits.data(), V));
            const std::vector<double> p_before = softmax(ref_before.logits.data(), V);
            QVERIFY(std::abs(t.probability - p_before[static_cast<std::size_t>(t.id)]) < hf_test::kTolerance);

            // The new token's row in every layer and head: row n − 1 of the full forward's stack.
            const std::vector<int> now(gen.ids().begin(), gen.ids().end());
            const auto n = static_cast<std::size_t>(now.size());
            const hf::RunResult ref = full_forward(*model, now);
            QCOMPARE(t.attention.size(), static_cast<std::size_t>(L) * H * n);
            std::vector<float> expected;
            for (std::size_t lh = 0; lh < static_cast<std::size_t>(L * H); ++lh)
                for (std::size_t j = 0; j < n; ++j) expected.push_back((*ref.attentions)[lh * n * n + (n - 1) * n + j]);
            const double err = hf_test::relative_error(t.attention.data(), expected);
            if (!(err < hf_test::kTolerance)) qWarning("length %zu: attention row error %g", n, err);
            QVERIFY(err < hf_test::kTolerance);

            // The distribution after it (next()), every id.
            const std::vector<double> p = softmax(ref.logits.data(), V);
            QCOMPARE(static_cast<int>(gen.next().size()), V);
            for (const hf::TopToken& tt : gen.next())
                QVERIFY2(std::abs(tt.probability - p[static_cast<std::size_t>(tt.id)]) < hf_test::kTolerance,
                         qPrintable(QString("length %1, id %2: %3 vs %4").arg(n).arg(tt.id).arg(tt.probability).arg(p[static_cast<std::size_t>(tt.id)])));
        }
        QCOMPARE(static_cast<int>(gen.generated().size()), info.max_positions - 3);

        // The whole stack and the RunResult equal the full forward's.
        const std::vector<int> all(gen.ids().begin(), gen.ids().end());
        const hf::RunResult ref = full_forward(*model, all);
        const auto stack = gen.attentions();
        QCOMPARE(stack->size(), ref.attentions->size());
        QVERIFY(hf_test::relative_error(stack->data(), *ref.attentions) < hf_test::kTolerance);
        const hf::RunResult r = gen.as_result();
        QCOMPARE(r.n, static_cast<int>(all.size()));
        QCOMPARE(r.layers, L);
        QCOMPARE(r.heads, H);
        QVERIFY(r.ids == all);
        QVERIFY(*r.attentions == *stack);
        QCOMPARE(r.next.size(), gen.next().size());
        // Exact zeros above the diagonal, as the full forward's.
        for (std::size_t lh = 0; lh < static_cast<std::size_t>(L * H); ++lh)
            for (std::size_t i = 0; i < all.size(); ++i)
                for (std::size_t j = i + 1; j < all.size(); ++j)
                    QCOMPARE((*stack)[lh * all.size() * all.size() + i * all.size() + j], 0.0f);
        QVERIFY(gen.tokens_per_second() > 0.0);
    }

    // The same seed gives the same tokens; another seed other tokens.
    void sampled_generation_follows_its_seed()
    {
        const auto model = open_model("llama_gqa_f32");
        auto run = [&](std::uint64_t seed) {
            hf::SamplingOptions s;
            s.temperature = 1.5;
            s.seed = seed;
            hf::Generation gen(model, std::vector<int>{5}, s);
            while (gen.length() < gen.capacity()) gen.step();
            return std::vector<int>(gen.ids().begin(), gen.ids().end());
        };
        const std::vector<int> a = run(42), b = run(42), c = run(43);
        QCOMPARE(a.size(), std::size_t{16});
        QVERIFY(a == b);
        QVERIFY(a != c);  // 15 draws at T = 1.5 over 20 ids: all equal by chance is negligible
        // Top-k 1 is greedy whatever the temperature and seed.
        hf::SamplingOptions k1;
        k1.temperature = 3.0;
        k1.top_k = 1;
        k1.seed = 7;
        hf::Generation greedy(model, std::vector<int>{5}, {}), top1(model, std::vector<int>{5}, k1);
        for (int i = 0; i < 10; ++i) QCOMPARE(top1.step().id, greedy.step().id);
    }

    // 20,000 draws: each id's frequency within 5 binomial standard deviations of softmax(l / T)
    // (σ = √(p(1 − p)/N) ≤ 0.0036; a correct sampler fails this with probability < 1e-6 per id,
    // while a wrong temperature or an off-by-one in the cumulative sum moves some frequency by
    // > 0.03, i.e. > 8σ). The seed is fixed, so the test is deterministic.
    void sample_token_frequencies_follow_softmax()
    {
        const std::vector<float> logits{1.0f, 2.0f, 0.5f, -1.0f, 3.0f, 2.0f};
        const int N = 20000;
        for (const double T : {0.7, 1.0, 2.5})
            for (const int K : {0, 3}) {
                hf::SamplingOptions s;
                s.temperature = T;
                s.top_k = K;
                hf::SamplerState rng = hf::seed_sampler(123);
                std::vector<int> count(logits.size(), 0);
                for (int i = 0; i < N; ++i) ++count[static_cast<std::size_t>(hf::sample_token(logits, s, rng))];
                // Top 3: ids 4 (3.0), 1 (2.0), 5 (2.0, the tie at the boundary goes to the lower id
                // first, but both 1 and 5 are inside the top 3).
                const std::set<int> allowed = K == 0 ? std::set<int>{0, 1, 2, 3, 4, 5} : std::set<int>{4, 1, 5};
                double sum = 0.0;
                std::vector<double> p(logits.size(), 0.0);
                for (int j : allowed) sum += p[static_cast<std::size_t>(j)] = std::exp(logits[static_cast<std::size_t>(j)] / T);
                for (std::size_t j = 0; j < logits.size(); ++j) {
                    p[j] /= sum;
                    const double f = static_cast<double>(count[j]) / N;
                    if (!allowed.count(static_cast<int>(j))) QCOMPARE(count[j], 0);
                    const double sigma = std::sqrt(p[j] * (1.0 - p[j]) / N);
                    QVERIFY2(std::abs(f - p[j]) <= 5.0 * sigma + 1e-12,
                             qPrintable(QString("T %1 K %2 id %3: %4 vs %5").arg(T).arg(K).arg(j).arg(f).arg(p[j])));
                }
            }
        // Top-k at the boundary tie: K = 2 over {3.0, 2.0, 2.0} keeps ids 4 and 1 (the lower id).
        hf::SamplingOptions s;
        s.temperature = 1.0;
        s.top_k = 2;
        hf::SamplerState rng = hf::seed_sampler(5);
        for (int i = 0; i < 2000; ++i) {
            const int id = hf::sample_token(logits, s, rng);
            QVERIFY(id == 4 || id == 1);
        }
    }

    void greedy_ties_and_bad_options()
    {
        hf::SamplerState rng = hf::seed_sampler(1);
        const std::vector<float> tied{1.0f, 3.0f, 0.0f, 3.0f};
        QCOMPARE(hf::sample_token(tied, {}, rng), 1);
        // The same seed gives the same generator; the state advances with each draw.
        hf::SamplerState a = hf::seed_sampler(9), b = hf::seed_sampler(9);
        QVERIFY(std::equal(std::begin(a.s), std::end(a.s), std::begin(b.s)));
        const hf::SamplerState c = hf::seed_sampler(10);
        QVERIFY(!std::equal(std::begin(a.s), std::end(a.s), std::begin(c.s)));
        auto refused = [&](double T, int K, const char* needle) {
            hf::SamplingOptions s;
            s.temperature = T;
            s.top_k = K;
            try {
                hf::sample_token(tied, s, rng);
            } catch (const std::invalid_argument& e) {
                QVERIFY2(QString(e.what()).contains(needle), e.what());
                return;
            }
            QFAIL("not refused");
        };
        refused(-0.5, 0, "temperature -0.5");
        refused(std::numeric_limits<double>::infinity(), 0, "temperature inf");
        refused(std::numeric_limits<double>::quiet_NaN(), 0, "temperature");
        refused(1.0, -2, "top-k -2");
        const auto model = open_model("gpt2_f32");
        hf::SamplingOptions bad;
        bad.temperature = -1.0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, hf::Generation(model, std::vector<int>{1}, bad));
    }

    void bert_is_refused()
    {
        const auto model = open_model("bert_mlm_f32");
        try {
            hf::Generation gen(model, std::vector<int>{1, 2}, {});
            QFAIL("BERT accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("generation needs a causal language model"), e.what());
        }
    }

    void capacity_is_checked()
    {
        const auto model = open_model("gpt2_f32");  // n_positions 8
        auto message = [&](std::vector<int> prompt, int capacity) -> QString {
            try {
                hf::Generation gen(model, prompt, {}, 5, capacity);
            } catch (const std::invalid_argument& e) {
                return e.what();
            }
            return {};
        };
        QVERIFY2(message({1}, 9).contains("generation capacity 9 is outside 1 … 8"), qPrintable(message({1}, 9)));
        QVERIFY(message({1}, -1).contains("capacity -1"));
        QVERIFY2(message({1, 2, 3}, 2).contains("the prompt has 3 tokens; this generation holds at most 2"),
                 qPrintable(message({1, 2, 3}, 2)));
        QVERIFY(message({}, 0).contains("no tokens"));
        QVERIFY(message({1, 20}, 0).contains("token id 20 at position 1 is outside the vocabulary"));
        QVERIFY(message(std::vector<int>(9, 1), 0).contains("the prompt has 9 tokens"));

        hf::Generation gen(model, std::vector<int>{1, 2}, {}, 5, 4);
        gen.step();
        gen.step();
        QCOMPARE(gen.length(), 4);
        try {
            gen.step();
            QFAIL("stepped past the capacity");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("reached the limit of 4 positions"), e.what());
        }
        QCOMPARE(gen.length(), 4);
    }

    // After the first step (which sizes the step's temporaries), a step allocates only what it
    // returns: the token's attention row and its top-K list. Float32 and bfloat16 weights (the
    // latter read in place too).
    void steps_allocate_only_their_result_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gpt2") << "gpt2_f32";
        QTest::newRow("llama_gqa_bf16") << "llama_gqa_bf16";
        QTest::newRow("qwen2") << "qwen2_f32";
    }
    void steps_allocate_only_their_result()
    {
#ifndef ATTNVIZ_COUNTS_ALLOCATIONS
        QSKIP("allocations are not counted here (AddressSanitizer or not glibc)");
#else
        QFETCH(QString, name);
        const auto model = open_model(name.toStdString());
        hf::SamplingOptions s;
        s.temperature = 0.8;
        s.top_k = 5;
        hf::Generation gen(model, std::vector<int>{1, 2}, s);
        gen.step();
        while (gen.length() < gen.capacity()) {
            const long long before = g_allocations;
            gen.step();
            const long long used = g_allocations - before;  // before the message allocates
            QVERIFY2(used <= 2, qPrintable(QString("length %1: %2 allocations").arg(gen.length()).arg(used)));
        }
#endif
    }

    // A cancelled step leaves the generation as it was: the next step gives what it would have.
    void cancel_leaves_the_generation_unchanged()
    {
        const auto model = open_model("qwen2_f32");
        hf::SamplingOptions s;
        s.temperature = 1.0;
        s.seed = 11;
        hf::Generation plain(model, std::vector<int>{3, 4}, s), cancelled(model, std::vector<int>{3, 4}, s);
        plain.step();
        cancelled.step();
        const std::atomic<bool> stop{true};
        QVERIFY_THROWS_EXCEPTION(hf::Cancelled, cancelled.step(&stop));
        QCOMPARE(cancelled.length(), 3);
        QCOMPARE(cancelled.generated().size(), std::size_t{1});
        for (int i = 0; i < 8; ++i) {
            const hf::GeneratedToken& a = plain.step();
            const hf::GeneratedToken& b = cancelled.step();
            QCOMPARE(b.id, a.id);
            QVERIFY(b.attention == a.attention);
        }
        QVERIFY(*plain.attentions() == *cancelled.attentions());
    }
};

QTEST_GUILESS_MAIN(TestHfGenerate)
#include "test_hf_generate.moc"
