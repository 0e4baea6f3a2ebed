// SPDX-License-Identifier: GPL-3.0-or-later
// Forward values of the Transformer kit's layers against hand-computed and closed-form numbers:
// the activations (reference values from Python's math module, written down here), LayerNorm
// and RMSNorm, both MLPs against plain loops, the rotary embedding's pairing convention and its
// two properties (norms kept, q·k a function of the position difference), AdamW against
// PyTorch's update rule, and the refusals of bad sizes.
#include "nn_test_helpers.hpp"

#include "attnviz/core/nn/activation.hpp"
#include "attnviz/core/nn/embedding.hpp"
#include "attnviz/core/nn/gru.hpp"
#include "attnviz/core/nn/mlp.hpp"
#include "attnviz/core/nn/norm.hpp"
#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/nn/rotary.hpp"
#include "attnviz/core/nn/self_attention.hpp"

#include <QTest>

#include <cmath>

using namespace attnviz;
using namespace attnviz::nn;
using nn_test::M;
using nn_test::random_matrix;

namespace {

double gelu_erf(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double silu(double x) { return x / (1 + std::exp(-x)); }

}  // namespace

class TestNnLayers : public QObject {
    Q_OBJECT

private slots:
    void activations_known_values();
    void activation_names();
    void layer_norm_by_hand();
    void rms_norm_by_hand();
    void float_norms_agree_with_double();
    void mlp_matches_loops();
    void gated_mlp_matches_loops();
    void rotary_pairs_half_dimensions();
    void rotary_keeps_norms_and_relative_positions();
    void adamw_matches_pytorch_update();
    void adam_is_adamw_without_decay();
    void weight_decay_flags();
    void bad_sizes_are_refused();
};

void TestNnLayers::activations_known_values()
{
    // Python: 0.5*x*(1+math.tanh(math.sqrt(2/math.pi)*(x+0.044715*x**3))), 0.5*x*(1+math.erf(x/math.sqrt(2))),
    // x/(1+math.exp(-x)).
    struct Row {
        double x, gelu_tanh, gelu_erf, silu;
    };
    const Row rows[] = {
        {1.0, 0.8411919906082768, 0.8413447460685429, 0.7310585786300049},
        {-1.0, -0.15880800939172324, -0.15865525393145707, -0.2689414213699951},
        {2.5, 2.484915733910001, 2.4844758366855597, 2.3103545499468914},
        {-0.5, -0.15428599017485606, -0.15426876936299344, -0.1887703343990727},
    };
    M x(1, 4), y(1, 4);
    for (int j = 0; j < 4; ++j) x(0, j) = rows[j].x;
    const std::pair<Activation, double Row::*> cases[] = {
        {Activation::GeluTanh, &Row::gelu_tanh}, {Activation::GeluErf, &Row::gelu_erf}, {Activation::Silu, &Row::silu}};
    for (const auto& [act, field] : cases) {
        activation_forward<double>(act, x, y);
        Mat<float> yf(1, 4);
        activation_forward<float>(act, x.cast<float>(), yf);
        for (int j = 0; j < 4; ++j) {
            // A few ulp: tanh, erf and exp are not correctly rounded, and the formulas round twice more.
            QVERIFY2(std::abs(y(0, j) - rows[j].*field) < 4e-16 * 4, activation_name(act).data());
            QVERIFY2(std::abs(yf(0, j) - rows[j].*field) < 1e-6, activation_name(act).data());
        }
    }
    activation_forward<double>(Activation::Relu, x, y);
    QVERIFY((y.array() == x.array().max(0.0)).all());
    // Far tails: silu(−800) is −0 (e^{800} overflows), silu(−40) ≈ −1.7e-16, gelu(−40) is 0;
    // nothing is NaN.
    M tails(1, 3);
    tails << -800.0, -40.0, 40.0;
    for (Activation a : {Activation::GeluTanh, Activation::GeluErf, Activation::Silu}) {
        activation_forward<double>(a, tails, y.leftCols(3));
        QVERIFY(y.leftCols(3).allFinite());
        QVERIFY(std::abs(y(0, 0)) < 1e-300 && std::abs(y(0, 1)) < 2e-16);
        QCOMPARE(y(0, 2), 40.0);
    }
}

void TestNnLayers::activation_names()
{
    QCOMPARE(*activation_from_name("gelu_new"), Activation::GeluTanh);
    QCOMPARE(*activation_from_name("gelu_pytorch_tanh"), Activation::GeluTanh);
    QCOMPARE(*activation_from_name("gelu"), Activation::GeluErf);
    QCOMPARE(*activation_from_name("silu"), Activation::Silu);
    QCOMPARE(*activation_from_name("swish"), Activation::Silu);
    QVERIFY(!activation_from_name("quick_gelu"));
    for (Activation a : {Activation::GeluTanh, Activation::GeluErf, Activation::Silu, Activation::Relu})
        QCOMPARE(*activation_from_name(activation_name(a)), a);
}

void TestNnLayers::layer_norm_by_hand()
{
    LayerNorm<double> ln("ln", 4, 1e-5);
    ln.weight.value << 1, 2, 0.5, -1;
    ln.bias.value << 0, 1, 0, 0.5;
    M x(2, 4), y(2, 4);
    x << 1, 2, 3, 4,  //  μ = 2.5, biased σ² = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
        7, 7, 7, 7;   //  constant: x − μ = 0, so y = bias exactly
    NormCache<double> cache;
    ln.forward(x, y, cache);
    const double r = 1 / std::sqrt(1.25 + 1e-5);
    const double expect[4] = {-1.5 * r * 1, -0.5 * r * 2 + 1, 0.5 * r * 0.5, 1.5 * r * -1 + 0.5};
    for (int j = 0; j < 4; ++j) QVERIFY(std::abs(y(0, j) - expect[j]) < 1e-15);
    QVERIFY(y.row(1) == ln.bias.value.row(0));
    QCOMPARE(cache.mean(0), 2.5);
    // The unbiased variance (5/3) would give 0.866 · these: PyTorch's is the biased one.
    QVERIFY(std::abs(y(0, 0) - (-1.5 / std::sqrt(5.0 / 3.0))) > 0.1);
}

void TestNnLayers::rms_norm_by_hand()
{
    RMSNorm<double> norm("norm", 2, 1e-6);
    norm.weight.value << 2, -1;
    M x(1, 2), y(1, 2);
    x << 3, 4;  // mean(x²) = 12.5
    NormCache<double> cache;
    norm.forward(x, y, cache);
    const double r = 1 / std::sqrt(12.5 + 1e-6);
    QVERIFY(std::abs(y(0, 0) - 6 * r) < 1e-15);
    QVERIFY(std::abs(y(0, 1) + 4 * r) < 1e-15);
}

void TestNnLayers::float_norms_agree_with_double()
{
    Rng rng(1);
    const M x = random_matrix(3, 64, rng, 5.0);
    LayerNorm<double> ld("ln", 64);
    LayerNorm<float> lf("ln", 64);
    RMSNorm<double> rd("rms", 64);
    RMSNorm<float> rf("rms", 64);
    ld.weight.value = random_matrix(1, 64, rng);
    lf.weight.value = ld.weight.value.cast<float>();
    rd.weight.value = lf.weight.value.cast<double>();
    rf.weight.value = lf.weight.value;
    M yd(3, 64), zd(3, 64);
    Mat<float> yf(3, 64), zf(3, 64);
    NormCache<double> cd;
    NormCache<float> cf;
    ld.forward(x, yd, cd);
    lf.forward(x.cast<float>(), yf, cf);
    rd.forward(x, zd, cd);
    rf.forward(x.cast<float>(), zf, cf);
    // Statistics in double either way: the float results are the double ones rounded, plus
    // float's rounding of x and of the products (a few 1e-7 relative on values of order 1).
    QVERIFY((yf.cast<double>() - yd).cwiseAbs().maxCoeff() < 2e-6);
    QVERIFY((zf.cast<double>() - zd).cwiseAbs().maxCoeff() < 2e-6);
}

void TestNnLayers::mlp_matches_loops()
{
    Rng rng(2);
    Mlp<double> mlp("c_fc", "c_proj", 3, 5, Activation::GeluErf);
    for (auto* p : mlp.parameters()) p->value = random_matrix(p->value.rows(), p->value.cols(), rng);
    const M x = random_matrix(2, 3, rng);
    M y(2, 3);
    MlpCache<double> cache;
    mlp.forward(x, y, cache);
    for (int i = 0; i < 2; ++i)
        for (int o = 0; o < 3; ++o) {
            double s = mlp.proj.bias.value(0, o);
            for (int k = 0; k < 5; ++k) {
                double h = mlp.fc.bias.value(0, k);
                for (int e = 0; e < 3; ++e) h += mlp.fc.weight.value(k, e) * x(i, e);
                s += mlp.proj.weight.value(o, k) * gelu_erf(h);
            }
            QVERIFY(std::abs(y(i, o) - s) < 1e-14);
        }
}

void TestNnLayers::gated_mlp_matches_loops()
{
    Rng rng(3);
    GatedMlp<double> mlp("gate_proj", "up_proj", "down_proj", 4, 6);
    QVERIFY(!mlp.gate.has_bias && !mlp.up.has_bias && !mlp.down.has_bias);  // Llama's default
    for (auto* p : mlp.parameters()) p->value = random_matrix(p->value.rows(), p->value.cols(), rng);
    const M x = random_matrix(3, 4, rng);
    M y(3, 4);
    MlpCache<double> cache;
    mlp.forward(x, y, cache);
    for (int i = 0; i < 3; ++i)
        for (int o = 0; o < 4; ++o) {
            double s = 0;
            for (int k = 0; k < 6; ++k) {
                double g = 0, u = 0;
                for (int e = 0; e < 4; ++e) {
                    g += mlp.gate.weight.value(k, e) * x(i, e);
                    u += mlp.up.weight.value(k, e) * x(i, e);
                }
                s += mlp.down.weight.value(o, k) * silu(g) * u;
            }
            QVERIFY(std::abs(y(i, o) - s) < 1e-14);
        }
}

void TestNnLayers::rotary_pairs_half_dimensions()
{
    // head_dim 4, theta 10000: frequencies 1 and 10000^(−2/4) = 0.01. Dimension 0 pairs with 2
    // and 1 with 3 (HF rotate_half), not 0 with 1 (GPT-J's interleaved pairs).
    const RotaryEmbedding<double> rope(4, 10000.0);
    const int positions[] = {0, 1, 7};
    RotaryTable<double> t;
    rope.table(positions, 3, t);
    M x(3, 8);  // two heads
    for (int i = 0; i < 3; ++i) x.row(i) << 1, 2, 3, 4, -1, 0.5, 2, -3;
    M y = x;
    rope.apply(y, 2, t);
    QVERIFY(y.row(0) == x.row(0));  // position 0: cos 0 = 1, sin 0 = 0 exactly
    for (int i = 1; i < 3; ++i) {
        const double p = positions[i];
        for (int h = 0; h < 2; ++h) {
            const auto v = x.row(i).segment(4 * h, 4);
            const auto r = y.row(i).segment(4 * h, 4);
            QVERIFY(std::abs(r(0) - (v(0) * std::cos(p) - v(2) * std::sin(p))) < 1e-15 * 8);
            QVERIFY(std::abs(r(2) - (v(2) * std::cos(p) + v(0) * std::sin(p))) < 1e-15 * 8);
            QVERIFY(std::abs(r(1) - (v(1) * std::cos(0.01 * p) - v(3) * std::sin(0.01 * p))) < 1e-15 * 8);
            QVERIFY(std::abs(r(3) - (v(3) * std::cos(0.01 * p) + v(1) * std::sin(0.01 * p))) < 1e-15 * 8);
        }
    }
    // Partial rotary (the first 2 of 4): dimensions 2 and 3 pass through untouched.
    const RotaryEmbedding<double> partial(4, 10000.0, 2);
    RotaryTable<double> tp;
    partial.table(positions, 3, tp);
    M z = x;
    partial.apply(z, 2, tp);
    QVERIFY(z.col(2) == x.col(2) && z.col(3) == x.col(3) && z.col(6) == x.col(6) && z.col(7) == x.col(7));
    QVERIFY(std::abs(z(2, 0) - (std::cos(7.0) - 2 * std::sin(7.0))) < 1e-14);  // pairs 0 with 1 now
}

void TestNnLayers::rotary_keeps_norms_and_relative_positions()
{
    Rng rng(4);
    const RotaryEmbedding<double> rope(8, 10000.0);
    const M q = random_matrix(1, 8, rng), k = random_matrix(1, 8, rng);
    auto rotated = [&](const M& v, int position) {
        RotaryTable<double> t;
        rope.table(&position, 1, t);
        M r = v;
        rope.apply(r, 1, t);
        return r;
    };
    // ‖R_p x‖ = ‖x‖ (a rotation), and the backward undoes the forward.
    for (int p : {0, 1, 5, 1000}) {
        const M r = rotated(q, p);
        QVERIFY(std::abs(r.norm() - q.norm()) < 1e-14);
        RotaryTable<double> t;
        rope.table(&p, 1, t);
        M back = r;
        rope.apply_backward(back, 1, t);
        QVERIFY((back - q).cwiseAbs().maxCoeff() < 1e-14);
    }
    // (R_i q)·(R_j k) depends on j − i only: R_iᵀ R_j = R_{j−i}. Angles of up to 1000 radians
    // carry ~1e-13 of rounding into cos and sin.
    for (int gap : {0, 3, -2}) {
        const double ref = rotated(q, 10).row(0).dot(rotated(k, 10 + gap).row(0));
        for (int i : {20, 37, 500})
            QVERIFY(std::abs(rotated(q, i).row(0).dot(rotated(k, i + gap).row(0)) - ref) < 1e-12);
    }
    // ... and does depend on it.
    QVERIFY(std::abs(rotated(q, 10).row(0).dot(rotated(k, 13).row(0)) - rotated(q, 10).row(0).dot(rotated(k, 14).row(0))) > 1e-3);
}

void TestNnLayers::adamw_matches_pytorch_update()
{
    // torch.optim.AdamW: p ← p(1 − lr λ); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²;
    // p ← p − lr · m̂ / (√v̂ + eps). The bias (weight_decay off) takes the plain Adam step.
    Param<double> w("w", 1, 2), b("b", 1, 1);
    w.value << 1.0, -2.0;
    b.value << 0.5;
    b.weight_decay = false;
    const double lr = 0.1, wd = 0.2;
    AdamW<double> opt({&w, &b}, lr, wd);
    double x[3] = {1.0, -2.0, 0.5}, m[3] = {}, v[3] = {};
    const double grads[3][3] = {{0.5, -1.0, 0.25}, {-0.25, 2.0, 0.0}, {1.0, 1.0, -3.0}};
    for (int step = 1; step <= 3; ++step) {
        w.grad << grads[step - 1][0], grads[step - 1][1];
        b.grad << grads[step - 1][2];
        opt.step();
        for (int i = 0; i < 3; ++i) {
            const double g = grads[step - 1][i];
            if (i < 2) x[i] *= 1 - lr * wd;
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            const double mh = m[i] / (1 - std::pow(0.9, step)), vh = v[i] / (1 - std::pow(0.999, step));
            x[i] -= lr * mh / (std::sqrt(vh) + 1e-8);
        }
        QVERIFY(std::abs(w.value(0, 0) - x[0]) < 1e-12);
        QVERIFY(std::abs(w.value(0, 1) - x[1]) < 1e-12);
        QVERIFY(std::abs(b.value(0, 0) - x[2]) < 1e-12);
    }
    QCOMPARE(opt.steps(), 3LL);
}

void TestNnLayers::adam_is_adamw_without_decay()
{
    // Bit for bit, in float as the seq2seq model trains: Adam, AdamW with λ = 0, and AdamW with
    // λ > 0 on parameters whose weight_decay is off all take the same steps.
    Rng rng(5);
    const M start = random_matrix(4, 5, rng);
    Param<float> a("a", 4, 5), b("b", 4, 5), c("c", 4, 5);
    a.value = b.value = c.value = start.cast<float>();
    c.weight_decay = false;
    Adam<float> adam({&a}, 0.005);
    AdamW<float> zero({&b}, 0.005, 0.0);
    AdamW<float> off({&c}, 0.005, 0.1);
    for (int step = 0; step < 5; ++step) {
        const Mat<float> g = random_matrix(4, 5, rng).cast<float>();
        a.grad = b.grad = c.grad = g;
        adam.step();
        zero.step();
        off.step();
    }
    QVERIFY(a.value == b.value);
    QVERIFY(a.value == c.value);
    QVERIFY(a.value != start.cast<float>());
    // With decay on, the weights shrink: a different result.
    Param<float> d("d", 4, 5);
    d.value = start.cast<float>();
    AdamW<float> on({&d}, 0.005, 0.1);
    d.grad = a.grad;
    on.step();
    QVERIFY(d.value != start.cast<float>());
}

void TestNnLayers::weight_decay_flags()
{
    // Biases and normalisation weights are not decayed (GPT-2, BERT, Llama practice).
    Linear<float> lin("l", 3, 2, true);
    QVERIFY(lin.weight.weight_decay && !lin.bias.weight_decay);
    LayerNorm<float> ln("ln", 3);
    QVERIFY(!ln.weight.weight_decay && !ln.bias.weight_decay);
    RMSNorm<float> rms("rms", 3);
    QVERIFY(!rms.weight.weight_decay);
    Embedding<float> emb("wte", 5, 3);
    QVERIFY(emb.weight.weight_decay);
    GRULayer<float> gru("rnn", 0, 3, 2);
    QVERIFY(gru.weight_ih.weight_decay && !gru.bias_ih.weight_decay && !gru.bias_hh.weight_decay);
}

void TestNnLayers::bad_sizes_are_refused()
{
    NN_EXPECT_REFUSAL(LayerNorm<double>("ln_f", 4, 0.0), "ln_f", "eps");
    NN_EXPECT_REFUSAL(RMSNorm<double>("norm", 0), "norm", "dimension");
    NN_EXPECT_REFUSAL(RotaryEmbedding<double>(6, 10000.0, 3), "rotary_dim 3", "head_dim 6");
    NN_EXPECT_REFUSAL(RotaryEmbedding<double>(4, -1.0), "theta");
    NN_EXPECT_REFUSAL(AdamW<double>({}, 0.1, -0.5), "weight decay");
    NN_EXPECT_REFUSAL(Mlp<double>("fc", "proj", 4, 0, Activation::GeluTanh), "fc", "inner 0");
    {
        LayerNorm<double> ln("ln", 4);
        M x(2, 3), y(2, 3);
        NormCache<double> c;
        NN_EXPECT_REFUSAL(ln.forward(x, y, c), "ln.weight input", "expected 2x4, got 2x3");
    }
    {
        const RotaryEmbedding<double> rope(4);
        const int positions[] = {0, -3};
        RotaryTable<double> t;
        NN_EXPECT_REFUSAL(rope.table(positions, 2, t), "position -3", "row 1");
    }
    SelfAttentionConfig cfg;
    cfg.embed = 8;
    cfg.heads = 4;
    cfg.kv_heads = 3;
    NN_EXPECT_REFUSAL(SelfAttention<double>("h.0.attn", cfg), "h.0.attn", "kv_heads 3 does not divide heads 4");
    cfg.kv_heads = 0;
    cfg.heads = 3;
    NN_EXPECT_REFUSAL(SelfAttention<double>("h.0.attn", cfg), "embed 8 is not divisible by heads 3");
    cfg.heads = 2;
    SelfAttention<double> att("attn", cfg);
    SelfAttentionCache<double> c;
    M x(6, 8), y(6, 8), wrong(6, 7);
    x.setZero();
    NN_EXPECT_REFUSAL(att.forward(wrong, 2, 3, y, c), "attn.o_proj.weight input", "expected 6x8, got 6x7");
    NN_EXPECT_REFUSAL(att.forward(x, 3, 3, y, c), "expected 9x8, got 6x8");
    const M mask = M::Zero(3, 3);
    NN_EXPECT_REFUSAL(att.forward(x, 2, 3, y, c, nullptr, &mask), "key mask", "expected 2x3, got 3x3");
    AttentionHooks hooks;
    hooks.head_gate = {1.0};
    NN_EXPECT_REFUSAL(att.forward(x, 2, 3, y, c, nullptr, nullptr, &hooks), "expected 2 head gates, got 1");
    hooks.head_gate.clear();
    hooks.overrides.push_back({0, 2, 0, {1.0, 0.0, 0.0}});
    NN_EXPECT_REFUSAL(att.forward(x, 2, 3, y, c, nullptr, nullptr, &hooks), "head 2", "2 heads");
}

QTEST_APPLESS_MAIN(TestNnLayers)
#include "test_nn_layers.moc"
