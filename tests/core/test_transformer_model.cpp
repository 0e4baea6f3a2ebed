// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's GPT-2 model: names and shapes as save_pretrained writes them, the whole model's
// gradient against central finite differences in double, the tied head, and a training loop
// (nn::train_loop, unchanged) that allocates nothing after its first step.
#include "attnviz/core/nn/activation.hpp"
#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/nn/train_loop.hpp"
#include "attnviz/core/transformer/gpt.hpp"
#include "attnviz/core/transformer/tasks.hpp"
#include "nn_test_helpers.hpp"

#include <QTest>

#include <cstdlib>

using namespace attnviz;
using namespace attnviz::transformer;
using Index = Eigen::Index;

#include "allocation_counter.hpp"  // one definition of malloc & co. for this executable

namespace {

GptConfig tiny_config()
{
    GptConfig c;
    c.layers = 2;
    c.heads = 2;
    c.embd = 8;
    c.positions = 6;
    c.vocab = 7;
    c.init_std = 0.3;  // large enough that every path (attention, MLP, norms) carries gradient
    return c;
}

TokenBatch tiny_batch(Index B, Index n, Rng& rng, int vocab)
{
    TokenBatch b;
    b.B = B;
    b.n = n;
    for (Index i = 0; i < B * n; ++i) {
        b.inputs.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(vocab))));
        b.targets.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(vocab))));
    }
    return b;
}

// An endless source of induction sequences for nn::train_loop.
class InductionBatches {
public:
    InductionBatches(const Task& task, int B) : task_(task)
    {
        batch_.B = B;
        batch_.n = task.ctx() - 1;
        batch_.inputs.resize(static_cast<std::size_t>(B * batch_.n));
        batch_.targets.resize(batch_.inputs.size());
    }
    void start_epoch(Rng&) {}
    bool next(Rng& rng)
    {
        const Index n = batch_.n;
        for (Index b = 0; b < batch_.B; ++b) {
            task_.sample_into(rng, seq_, scored_, repeat_);
            for (Index t = 0; t < n; ++t) {
                batch_.inputs[b * n + t] = seq_[t];
                batch_.targets[b * n + t] = seq_[t + 1];
            }
        }
        return true;
    }
    const TokenBatch& batch() const { return batch_; }
    long long tokens() const { return batch_.B * batch_.n; }

private:
    const Task& task_;
    TokenBatch batch_;
    std::vector<int> seq_;
    std::vector<char> scored_;
    int repeat_ = 0;
};

}  // namespace

class TestTransformerModel : public QObject {
    Q_OBJECT
private slots:
    void names_and_shapes_are_gpt2s();
    void whole_model_gradient_matches_finite_differences();
    void head_is_tied_and_causal();
    void refuses_bad_input();
    void training_loop_does_not_allocate();
    void float_gelu_matches_double();
};

void TestTransformerModel::names_and_shapes_are_gpt2s()
{
    GptConfig c = tiny_config();
    Gpt<float> m(c, 1);
    const std::vector<std::pair<std::string, std::pair<Index, Index>>> want = {
        {"transformer.wte.weight", {7, 8}},
        {"transformer.wpe.weight", {6, 8}},
        {"transformer.h.0.ln_1.weight", {1, 8}},
        {"transformer.h.0.ln_1.bias", {1, 8}},
        {"transformer.h.0.attn.c_attn.weight", {24, 8}},  // nn::Linear (out × in); Conv1D on disk is 8 × 24
        {"transformer.h.0.attn.c_attn.bias", {1, 24}},
        {"transformer.h.0.attn.c_proj.weight", {8, 8}},
        {"transformer.h.0.attn.c_proj.bias", {1, 8}},
        {"transformer.h.0.ln_2.weight", {1, 8}},
        {"transformer.h.0.ln_2.bias", {1, 8}},
        {"transformer.h.0.mlp.c_fc.weight", {32, 8}},
        {"transformer.h.0.mlp.c_fc.bias", {1, 32}},
        {"transformer.h.0.mlp.c_proj.weight", {8, 32}},
        {"transformer.h.0.mlp.c_proj.bias", {1, 8}},
    };
    auto params = m.parameters();
    QCOMPARE(params.size(), std::size_t(2 + 12 * 2 + 2));
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(params[i]->name, want[i].first);
        QCOMPARE(params[i]->value.rows(), want[i].second.first);
        QCOMPARE(params[i]->value.cols(), want[i].second.second);
    }
    QCOMPARE(params[14]->name, std::string("transformer.h.1.ln_1.weight"));
    QCOMPARE(params[params.size() - 2]->name, std::string("transformer.ln_f.weight"));
    QCOMPARE(params.back()->name, std::string("transformer.ln_f.bias"));
    // Decay on matrices and embeddings only.
    for (auto* p : params) QCOMPARE(p->weight_decay, p->value.rows() > 1);
    // The same seed, the same model.
    Gpt<float> again(c, 1);
    QVERIFY(again.find("transformer.h.1.mlp.c_fc.weight")->value == m.find("transformer.h.1.mlp.c_fc.weight")->value);
}

void TestTransformerModel::whole_model_gradient_matches_finite_differences()
{
    Gpt<double> m(tiny_config(), 3);
    Rng rng(5);
    // Non-trivial norms and biases, so that their gradients are checked away from 1 and 0.
    for (auto* p : m.parameters())
        if (p->value.rows() == 1) p->value += nn_test::random_matrix(1, p->value.cols(), rng, 0.3);
    const TokenBatch batch = tiny_batch(2, 5, rng, 7);
    const double rows = 10.0;
    for (auto* p : m.parameters()) p->zero_grad();
    const double sum = m.loss_and_grad(batch, nullptr);
    QVERIFY(std::isfinite(sum) && sum > 0);
    for (auto* p : m.parameters()) {
        const nn_test::M analytic = p->grad;
        QVERIFY2(analytic.norm() > 0, p->name.c_str());
        QVERIFY(nn_test::check_gradient(p->value, analytic, [&] { return m.loss(batch) / rows; }, p->name, 200));
    }
}

void TestTransformerModel::head_is_tied_and_causal()
{
    Gpt<double> m(tiny_config(), 2);
    const int ids[5] = {1, 2, 3, 4, 5};
    const nn_test::M logits = m.forward(ids, 1, 5);
    // Changing the last token leaves every earlier position's logits unchanged (causal).
    const int ids2[5] = {1, 2, 3, 4, 0};
    const nn_test::M logits2 = m.forward(ids2, 1, 5);
    QVERIFY(logits.topRows(4) == logits2.topRows(4));
    QVERIFY(logits.row(4) != logits2.row(4));
    // Tied head: scaling row v of wte changes logit v.
    m.find("transformer.wte.weight")->value.row(6) *= 2.0;
    const nn_test::M logits3 = m.forward(ids, 1, 5);
    QVERIFY(std::abs(logits3(0, 6) - logits(0, 6)) > 1e-9);
    QCOMPARE(logits3(0, 5), logits(0, 5));
    // Attention rows sum to 1 and are causal.
    const auto A = m.attention(1).middleRows(0, 5);
    for (Index i = 0; i < 5; ++i) {
        QVERIFY(std::abs(A.row(i).sum() - 1.0) < 1e-12);
        for (Index j = i + 1; j < 5; ++j) QCOMPARE(A(i, j), 0.0);
    }
    QCOMPARE(m.attention_stack(0).size(), std::size_t(2 * 2 * 5 * 5));
}

void TestTransformerModel::refuses_bad_input()
{
    GptConfig c = tiny_config();
    c.heads = 3;
    NN_EXPECT_REFUSAL(Gpt<float>(c, 1), "embd 8", "heads 3");
    Gpt<float> m(tiny_config(), 1);
    const int ids[7] = {0, 1, 2, 3, 4, 5, 6};
    NN_EXPECT_REFUSAL(m.forward(ids, 1, 7), "1 … 6 tokens", "1 × 7");
    const int bad[2] = {0, 7};
    NN_EXPECT_REFUSAL(m.forward(bad, 1, 2), "token id 7", "[0, 7)");
}

void TestTransformerModel::training_loop_does_not_allocate()
{
#if defined(ATTNVIZ_ASAN)
    QSKIP("allocation counting interposes malloc, which AddressSanitizer owns: checked in unsanitized builds");
#elif !defined(ATTNVIZ_COUNTS_ALLOCATIONS)
    QSKIP("allocation counting needs glibc");
#else
    GptConfig c;
    c.layers = 2;
    c.heads = 4;
    c.embd = 32;
    c.positions = 16;
    c.vocab = 12;
    Gpt<float> m(c, 1);
    const Task task(TaskKind::Induction, 12, 16);
    InductionBatches source(task, 24);
    nn::AdamW<float> opt(m.parameters(), 1e-3, 0.1);
    long long counted_from = -1, allocations = 0;
    nn::TrainCallbacks cb;
    cb.on_step = [&](const nn::StepStats& s) {
        if (s.step == 1) counted_from = g_allocations;  // after the first step: workspaces at size
        if (s.step == 4) allocations = g_allocations - counted_from;
    };
    nn::TrainLoopOptions o;
    o.max_steps = 4;
    const nn::TrainResult r = nn::train_loop(m, source, opt, o, nullptr, cb);
    QCOMPARE(r.steps, 4LL);
    QVERIFY(counted_from >= 0);
    QCOMPARE(allocations, 0LL);
#endif
}

// The float GELU (tanh) forward and backward take a vectorised exp form (nn/activation.cpp); the
// double ones, which the gradient checks use, the exact tanh. They must agree.
void TestTransformerModel::float_gelu_matches_double()
{
    const int n = 601;
    nn_test::M x(2, n), y(2, n), dy(2, n), dx(2, n);
    for (int j = 0; j < n; ++j) {
        x(0, j) = -6.0 + 12.0 * j / (n - 1);  // the working range, step 0.02
        x(1, j) = j % 2 ? 40.0 + j : -40.0 - j;  // far tails
    }
    dy.setConstant(0.75);
    nn::activation_forward<double>(nn::Activation::GeluTanh, x, y);
    nn::activation_backward<double>(nn::Activation::GeluTanh, x, dy, dx);
    const Mat<float> xf = x.cast<float>(), dyf = dy.cast<float>();
    Mat<float> yf(2, n), dxf(2, n);
    nn::activation_forward<float>(nn::Activation::GeluTanh, xf, yf);
    nn::activation_backward<float>(nn::Activation::GeluTanh, xf, dyf, dxf);
    QVERIFY(yf.allFinite() && dxf.allFinite());
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < n; ++j) {
            // float rounding of x and of the result: a few 1e-7 relative, 1e-6 absolute near 0.
            const double ty = 1e-6 + 1e-6 * std::abs(y(i, j)), tdx = 1e-6;
            if (!(std::abs(yf(i, j) - y(i, j)) <= ty) || !(std::abs(dxf(i, j) - dx(i, j)) <= tdx))
                QFAIL(qPrintable(QString("x %1: gelu %2 vs %3, gradient %4 vs %5")
                                     .arg(x(i, j)).arg(yf(i, j)).arg(y(i, j)).arg(dxf(i, j)).arg(dx(i, j))));
        }
}

QTEST_APPLESS_MAIN(TestTransformerModel)
#include "test_transformer_model.moc"
