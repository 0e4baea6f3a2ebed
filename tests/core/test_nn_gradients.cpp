// SPDX-License-Identifier: GPL-3.0-or-later
// Every backward pass the Transformer kit added to nn/ against central finite differences in
// double: LayerNorm, RMSNorm, the activations, both MLPs, rotary embedding and multi-head
// self-attention in the configurations GPT-2, BERT, Llama, Mistral and Qwen2 use (including
// the head gates). The loss is Σ y ⊙ G for a fixed random G, so ∂loss/∂y = G. (The layers moved
// from seq2seq — Linear, Embedding, GRU, AdditiveAttention, cross-entropy — keep their checks in
// test_seq2seq_gradients; the shared softmax's are in test_nn_softmax.)
#include "nn_test_helpers.hpp"

#include "attnviz/core/nn/activation.hpp"
#include "attnviz/core/nn/mlp.hpp"
#include "attnviz/core/nn/norm.hpp"
#include "attnviz/core/nn/rotary.hpp"
#include "attnviz/core/nn/self_attention.hpp"

#include <QTest>

using namespace attnviz;
using namespace attnviz::nn;
using nn_test::check_gradient;
using nn_test::M;
using nn_test::random_matrix;

namespace {

template <class Layer>
void randomise(Layer& layer, Rng& rng, double scale = 0.6)
{
    for (auto* p : layer.parameters()) p->value = random_matrix(p->value.rows(), p->value.cols(), rng, scale);
}

template <class Layer>
void zero_grads(Layer& layer)
{
    for (auto* p : layer.parameters()) p->zero_grad();
}

}  // namespace

class TestNnGradients : public QObject {
    Q_OBJECT

private slots:
    void check_gradient_catches_a_wrong_gradient();
    void layer_norm_backward_data();
    void layer_norm_backward();
    void rms_norm_backward();
    void activation_backward_data();
    void activation_backward();
    void mlp_backward_data();
    void mlp_backward();
    void gated_mlp_backward_data();
    void gated_mlp_backward();
    void rotary_backward();
    void self_attention_backward_data();
    void self_attention_backward();
    void head_gate_gradient_is_head_importance();
};

void TestNnGradients::check_gradient_catches_a_wrong_gradient()
{
    // The checker itself: f = Σ x², whose gradient is 2x; a 1% error must be caught.
    Rng rng(1);
    M x = random_matrix(3, 4, rng);
    auto f = [&] { return x.squaredNorm(); };
    QVERIFY(check_gradient(x, 2 * x, f, "x"));
    QVERIFY(!check_gradient(x, 2.02 * x, f, "x (expected to fail)"));
}

void TestNnGradients::layer_norm_backward_data()
{
    QTest::addColumn<bool>("bias");
    QTest::newRow("with bias (GPT-2, BERT)") << true;
    QTest::newRow("without bias") << false;
}

void TestNnGradients::layer_norm_backward()
{
    QFETCH(bool, bias);
    Rng rng(2);
    LayerNorm<double> ln("ln", 7, 1e-5, bias);
    randomise(ln, rng, 1.5);
    M x = random_matrix(5, 7, rng, 3.0), y(5, 7), dx(5, 7);
    x.row(2) *= 1e-3;  // a nearly constant row, where 1/σ is large
    const M g = random_matrix(5, 7, rng);
    NormCache<double> cache;
    auto f = [&] {
        ln.forward(x, y, cache);
        return nn_test::dot(y, g);
    };
    f();
    ln.backward(g, dx, cache);
    for (auto* p : ln.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name), p->name.c_str());
    QVERIFY(check_gradient(x, dx, f, "x"));
}

void TestNnGradients::rms_norm_backward()
{
    Rng rng(3);
    RMSNorm<double> norm("norm", 6, 1e-6);
    randomise(norm, rng, 1.5);
    M x = random_matrix(4, 6, rng, 2.0), y(4, 6), dx(4, 6);
    const M g = random_matrix(4, 6, rng);
    NormCache<double> cache;
    auto f = [&] {
        norm.forward(x, y, cache);
        return nn_test::dot(y, g);
    };
    f();
    norm.backward(g, dx, cache);
    QVERIFY(check_gradient(norm.weight.value, norm.weight.grad, f, "weight"));
    QVERIFY(check_gradient(x, dx, f, "x"));
}

void TestNnGradients::activation_backward_data()
{
    QTest::addColumn<int>("act");
    QTest::newRow("gelu_new (tanh)") << int(Activation::GeluTanh);
    QTest::newRow("gelu (erf)") << int(Activation::GeluErf);
    QTest::newRow("silu") << int(Activation::Silu);
    QTest::newRow("relu") << int(Activation::Relu);
}

void TestNnGradients::activation_backward()
{
    QFETCH(int, act);
    Rng rng(4);
    M x = random_matrix(6, 9, rng, 4.0), y(6, 9), dx(6, 9);
    x(0, 0) = -40.0;  // far tails, where e^{−x} overflows in silu's σ
    x(0, 1) = 30.0;
    if (Activation(act) == Activation::Relu)  // keep clear of the kink, where ε would straddle it
        for (Eigen::Index i = 0; i < x.size(); ++i)
            if (std::abs(x.data()[i]) < 1e-3) x.data()[i] = 0.5;
    const M g = random_matrix(6, 9, rng);
    auto f = [&] {
        activation_forward<double>(Activation(act), x, y);
        return nn_test::dot(y, g);
    };
    f();
    nn::activation_backward<double>(Activation(act), x, g, dx);
    QVERIFY(check_gradient(x, dx, f, std::string(activation_name(Activation(act)))));
    // In place on the gradient gives the same numbers.
    M d = g;
    nn::activation_backward<double>(Activation(act), x, d, d);
    QVERIFY(d == dx);
}

void TestNnGradients::mlp_backward_data()
{
    QTest::addColumn<int>("act");
    QTest::addColumn<bool>("bias");
    QTest::newRow("GPT-2: gelu_new, biases") << int(Activation::GeluTanh) << true;
    QTest::newRow("BERT: gelu, biases") << int(Activation::GeluErf) << true;
    QTest::newRow("relu, no biases") << int(Activation::Relu) << false;
}

void TestNnGradients::mlp_backward()
{
    QFETCH(int, act);
    QFETCH(bool, bias);
    Rng rng(5);
    Mlp<double> mlp("fc", "proj", 5, 12, Activation(act), bias);
    randomise(mlp, rng);
    M x = random_matrix(4, 5, rng, 1.5), y(4, 5), dx(4, 5);
    const M g = random_matrix(4, 5, rng);
    MlpCache<double> cache;
    auto f = [&] {
        mlp.forward(x, y, cache);
        return nn_test::dot(y, g);
    };
    f();
    mlp.backward(g, dx, cache);
    for (auto* p : mlp.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name), p->name.c_str());
    QVERIFY(check_gradient(x, dx, f, "x"));
}

void TestNnGradients::gated_mlp_backward_data()
{
    QTest::addColumn<int>("act");
    QTest::addColumn<bool>("bias");
    QTest::newRow("Llama: SwiGLU, no biases") << int(Activation::Silu) << false;
    QTest::newRow("GeGLU with biases") << int(Activation::GeluTanh) << true;
}

void TestNnGradients::gated_mlp_backward()
{
    QFETCH(int, act);
    QFETCH(bool, bias);
    Rng rng(6);
    GatedMlp<double> mlp("gate_proj", "up_proj", "down_proj", 6, 10, Activation(act), bias);
    randomise(mlp, rng);
    M x = random_matrix(3, 6, rng, 1.5), y(3, 6), dx(3, 6);
    const M g = random_matrix(3, 6, rng);
    MlpCache<double> cache;
    auto f = [&] {
        mlp.forward(x, y, cache);
        return nn_test::dot(y, g);
    };
    f();
    mlp.backward(g, dx, cache);
    for (auto* p : mlp.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name), p->name.c_str());
    QVERIFY(check_gradient(x, dx, f, "x"));
}

void TestNnGradients::rotary_backward()
{
    Rng rng(7);
    for (Eigen::Index rotary_dim : {0, 4}) {  // full (Llama) and partial (the first 4 of 6)
        const RotaryEmbedding<double> rope(6, 500.0, rotary_dim);
        const int positions[] = {0, 3, 4, 11, 2};
        RotaryTable<double> table;
        rope.table(positions, 5, table);
        M x = random_matrix(5, 3 * 6, rng), y(5, 18);
        const M g = random_matrix(5, 18, rng);
        auto f = [&] {
            y = x;
            rope.apply(y, 3, table);
            return nn_test::dot(y, g);
        };
        M dx = g;
        rope.apply_backward(dx, 3, table);
        QVERIFY(check_gradient(x, dx, f, "x"));
    }
}

void TestNnGradients::self_attention_backward_data()
{
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("kv_heads");
    QTest::addColumn<int>("head_dim");
    QTest::addColumn<bool>("causal");
    QTest::addColumn<bool>("fused");
    QTest::addColumn<bool>("qkv_bias");
    QTest::addColumn<bool>("out_bias");
    QTest::addColumn<int>("rotary_dim");  // -1: no rotary; 0: all of head_dim
    QTest::addColumn<bool>("key_mask");
    QTest::addColumn<bool>("hooks");
    //                              H  Hkv  d  causal fused  qkv_b  out_b  rotary mask  hooks
    QTest::newRow("GPT-2: fused c_attn, causal")
        << 2 << 2 << 0 << true << true << true << true << -1 << false << false;
    QTest::newRow("BERT: separate, bidirectional, padding mask")
        << 3 << 3 << 0 << false << false << true << true << -1 << true << false;
    QTest::newRow("Llama: grouped-query 4/2, rotary, causal")
        << 4 << 2 << 2 << true << false << false << false << 0 << false << false;
    QTest::newRow("Qwen2: q/k/v biases, rotary, causal")
        << 2 << 1 << 4 << true << false << true << false << 0 << false << false;
    QTest::newRow("multi-query, head_dim 4, partial rotary, fused")
        << 3 << 1 << 4 << true << true << false << true << 2 << false << false;
    QTest::newRow("head gates and a replaced row")
        << 2 << 2 << 2 << false << false << true << true << 0 << true << true;
}

void TestNnGradients::self_attention_backward()
{
    QFETCH(int, heads);
    QFETCH(int, kv_heads);
    QFETCH(int, head_dim);
    QFETCH(bool, causal);
    QFETCH(bool, fused);
    QFETCH(bool, qkv_bias);
    QFETCH(bool, out_bias);
    QFETCH(int, rotary_dim);
    QFETCH(bool, key_mask);
    QFETCH(bool, hooks);
    SelfAttentionConfig cfg;
    cfg.embed = 6;
    cfg.heads = heads;
    cfg.kv_heads = kv_heads;
    cfg.head_dim = head_dim;
    cfg.causal = causal;
    cfg.fused_qkv = fused;
    cfg.qkv_bias = qkv_bias;
    cfg.out_bias = out_bias;
    cfg.rotary = rotary_dim >= 0;
    cfg.rotary_dim = std::max(rotary_dim, 0);
    cfg.rope_theta = 100.0;  // angles that differ visibly over 5 positions
    SelfAttention<double> att("attn", cfg);
    Rng rng(8);
    randomise(att, rng, 0.7);
    const Eigen::Index B = 2, n = 5;
    M x = random_matrix(B * n, 6, rng, 1.5), y(B * n, 6), dx(B * n, 6);
    const M g = random_matrix(B * n, 6, rng);
    M mask = M::Zero(B, n);
    mask(1, 3) = mask(1, 4) = -std::numeric_limits<double>::infinity();  // sequence 1: 2 padding keys
    mask(0, 1) = -0.75;                                                    // an additive bias
    AttentionHooks h;
    h.head_gate = {0.5, -1.25};
    h.overrides.push_back({1, 0, 2, {0.1, 0.2, 0.3, 0.4, 0.0}});
    const int positions[] = {3, 4, 5, 6, 7};
    SelfAttentionCache<double> cache;
    auto f = [&] {
        att.forward(x, B, n, y, cache, positions, key_mask ? &mask : nullptr, hooks ? &h : nullptr);
        return nn_test::dot(y, g);
    };
    f();
    zero_grads(att);
    att.backward(g, dx, cache);
    for (auto* p : att.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name), p->name.c_str());
    QVERIFY(check_gradient(x, dx, f, "x"));
}

void TestNnGradients::head_gate_gradient_is_head_importance()
{
    // ∂loss/∂gate_h from the backward against the finite difference in the gate.
    SelfAttentionConfig cfg;
    cfg.embed = 6;
    cfg.heads = 3;
    cfg.causal = true;
    SelfAttention<double> att("attn", cfg);
    Rng rng(9);
    randomise(att, rng, 0.7);
    M x = random_matrix(4, 6, rng), y(4, 6), dx(4, 6);
    const M g = random_matrix(4, 6, rng);
    AttentionHooks h;
    h.head_gate = {1.0, 0.0, 0.3};  // head 1 ablated: its importance is still measured
    SelfAttentionCache<double> cache;
    auto f = [&] {
        att.forward(x, 1, 4, y, cache, nullptr, nullptr, &h);
        return nn_test::dot(y, g);
    };
    f();
    att.backward(g, dx, cache);
    M gates(1, 3), analytic(1, 3);
    for (int k = 0; k < 3; ++k) {
        gates(0, k) = h.head_gate[k];
        analytic(0, k) = cache.gate_grad[k];
    }
    auto fg = [&] {
        for (int k = 0; k < 3; ++k) h.head_gate[k] = gates(0, k);
        return f();
    };
    QVERIFY(check_gradient(gates, analytic, fg, "gate"));
    QVERIFY(std::abs(analytic(0, 1)) > 1e-6);  // an ablated head's importance is not 0
}

QTEST_APPLESS_MAIN(TestNnGradients)
#include "test_nn_gradients.moc"
