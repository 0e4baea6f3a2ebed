// SPDX-License-Identifier: GPL-3.0-or-later
// nn::SelfAttention's forward against two references written apart from it: the playground's
// multi_head variant (core/attention, its own code, column-major double) on the same weights,
// and plain loops for what the playground lacks (grouped-query heads, rotary). Then the
// structural facts: GQA = MHA with repeated key/value heads, fused = separate projections,
// causal weights above the diagonal exactly 0, padding = a shorter sequence, a batch = its
// sequences one by one, rotary attention depends on position gaps only, and the hooks.
#include "nn_test_helpers.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/core/nn/self_attention.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace attnviz;
using namespace attnviz::nn;
using nn_test::M;
using nn_test::random_matrix;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

SelfAttentionConfig config(Eigen::Index E, int H, int Hkv = 0, bool causal = false)
{
    SelfAttentionConfig c;
    c.embed = E;
    c.heads = H;
    c.kv_heads = Hkv;
    c.causal = causal;
    return c;
}

template <class S>
void randomise(SelfAttention<S>& att, Rng& rng)
{
    for (auto* p : att.parameters()) p->value = random_matrix(p->value.rows(), p->value.cols(), rng, 0.8).template cast<S>();
}

struct Run {
    M y;
    SelfAttentionCache<double> cache;
};

Run run(const SelfAttention<double>& att, const M& x, Eigen::Index B, const int* positions = nullptr,
        const M* key_mask = nullptr, const AttentionHooks* hooks = nullptr)
{
    Run r;
    r.y.resize(x.rows(), x.cols());
    att.forward(x, B, x.rows() / B, r.y, r.cache, positions, key_mask, hooks);
    return r;
}

double max_diff(const M& a, const M& b) { return (a - b).cwiseAbs().maxCoeff(); }

// softmax of a row vector with −inf entries giving 0, in plain loops.
std::vector<double> softmax(const std::vector<double>& s)
{
    double mx = kNegInf;
    for (double v : s) mx = std::max(mx, v);
    std::vector<double> p(s.size());
    double sum = 0;
    for (std::size_t j = 0; j < s.size(); ++j) sum += p[j] = s[j] == kNegInf ? 0.0 : std::exp(s[j] - mx);
    for (double& v : p) v /= sum;
    return p;
}

}  // namespace

class TestNnAttention : public QObject {
    Q_OBJECT

private slots:
    void matches_playground_multi_head_data();
    void matches_playground_multi_head();
    void grouped_query_rotary_matches_loops();
    void gqa_equals_mha_with_repeated_heads_data();
    void gqa_equals_mha_with_repeated_heads();
    void fused_equals_separate();
    void causal_weights_above_the_diagonal_are_zero();
    void padding_equals_a_shorter_sequence();
    void rotary_attention_sees_position_gaps_only();
    void head_gate_ablates_a_head();
    void row_override_replaces_a_row();
    void float_agrees_with_double();
};

void TestNnAttention::matches_playground_multi_head_data()
{
    QTest::addColumn<bool>("causal");
    QTest::addColumn<bool>("biases");
    QTest::addColumn<int>("valid");  // keys ≥ valid masked for every query (0: none)
    QTest::newRow("bidirectional, no biases") << false << false << 0;
    QTest::newRow("causal, biases") << true << true << 0;
    QTest::newRow("padding: 5 valid keys of 7") << false << true << 5;
}

void TestNnAttention::matches_playground_multi_head()
{
    QFETCH(bool, causal);
    QFETCH(bool, biases);
    QFETCH(int, valid);
    const Eigen::Index n = 7, E = 6;
    const int H = 3;
    SelfAttentionConfig cfg = config(E, H, 0, causal);
    cfg.qkv_bias = cfg.out_bias = biases;
    SelfAttention<double> att("attn", cfg);
    Rng rng(1);
    randomise(att, rng);
    const M x = random_matrix(n, E, rng, 2.0);
    M key_mask = M::Zero(1, n);
    for (Eigen::Index j = valid; valid > 0 && j < n; ++j) key_mask(0, j) = kNegInf;
    const Run r = run(att, x, 1, nullptr, valid > 0 ? &key_mask : nullptr);

    // The playground: Q = K = V = x, parameters in the same nn.Linear layout.
    MultiHeadParams p;
    p.num_heads = H;
    p.W_q = att.q_proj->weight.value;
    p.W_k = att.k_proj->weight.value;
    p.W_v = att.v_proj->weight.value;
    p.W_o = att.o_proj.weight.value;
    if (biases) {
        p.b_q = att.q_proj->bias.value;
        p.b_k = att.k_proj->bias.value;
        p.b_v = att.v_proj->bias.value;
        p.b_o = att.o_proj.bias.value;
    }
    MaskSpec mask;
    mask.causal = causal;
    if (valid > 0) mask.valid_len = {valid};
    const Matrix X = x;
    const AttentionResult ref = multi_head_attention(X, X, X, p, mask, 1.0);
    // Both compute in double with different blockings and orders of summation: 1e-12 on values
    // of order 1 is ~1e4 ulp, far below any difference a wrong index would make.
    QVERIFY(max_diff(r.y, M(ref.output)) < 1e-12);
    for (int h = 0; h < H; ++h) QVERIFY(max_diff(r.cache.head_weights(0, h), M(ref.heads[h].weights)) < 1e-12);
}

void TestNnAttention::grouped_query_rotary_matches_loops()
{
    // Llama-style: 4 query heads over 2 key/value heads, rotary (theta 500), causal, q/k/v
    // biases (Qwen2), positions 2 … 7, two sequences. The loops below follow the HF definitions.
    SelfAttentionConfig cfg = config(8, 4, 2, true);
    cfg.rotary = true;
    cfg.rope_theta = 500.0;
    cfg.qkv_bias = true;
    SelfAttention<double> att("attn", cfg);
    Rng rng(2);
    randomise(att, rng);
    const Eigen::Index B = 2, n = 6, d = 2;
    const M x = random_matrix(B * n, 8, rng, 2.0);
    const int positions[] = {2, 3, 4, 5, 6, 7};
    const Run r = run(att, x, B, positions);
    const auto lin = [&](const Linear<double>& l, const M& in) {
        M out = in * l.weight.value.transpose();
        if (l.has_bias) out.rowwise() += l.bias.value.row(0);
        return out;
    };
    M q = lin(*att.q_proj, x), k = lin(*att.k_proj, x), v = lin(*att.v_proj, x);
    const auto rope = [&](M& m, int heads) {  // rotate_half with one frequency (d = 2)
        for (Eigen::Index row = 0; row < m.rows(); ++row) {
            const double a = positions[row % n] * 1.0;  // inv_freq = 500^(0/2) = 1
            for (int h = 0; h < heads; ++h) {
                const double x0 = m(row, h * d), x1 = m(row, h * d + 1);
                m(row, h * d) = x0 * std::cos(a) - x1 * std::sin(a);
                m(row, h * d + 1) = x1 * std::cos(a) + x0 * std::sin(a);
            }
        }
    };
    rope(q, 4);
    rope(k, 2);
    M concat = M::Zero(B * n, 4 * d);
    for (Eigen::Index b = 0; b < B; ++b)
        for (int h = 0; h < 4; ++h) {
            const int g = h / 2;
            for (Eigen::Index i = 0; i < n; ++i) {
                std::vector<double> s(static_cast<std::size_t>(n));
                for (Eigen::Index j = 0; j < n; ++j)
                    s[j] = j > i ? kNegInf
                                 : q.row(b * n + i).segment(h * d, d).dot(k.row(b * n + j).segment(g * d, d)) /
                                       std::sqrt(double(d));
                const std::vector<double> a = softmax(s);
                for (Eigen::Index j = 0; j < n; ++j) {
                    QVERIFY(std::abs(r.cache.head_weights(b, h)(i, j) - a[j]) < 1e-14);
                    concat.row(b * n + i).segment(h * d, d) += a[j] * v.row(b * n + j).segment(g * d, d);
                }
            }
        }
    QVERIFY(max_diff(r.y, lin(att.o_proj, concat)) < 1e-13);
}

void TestNnAttention::gqa_equals_mha_with_repeated_heads_data()
{
    QTest::addColumn<int>("kv_heads");
    QTest::newRow("grouped-query: 2 kv heads for 4") << 2;
    QTest::newRow("multi-query: 1 kv head for 4") << 1;
    QTest::newRow("H_kv = H: plain multi-head") << 4;
}

void TestNnAttention::gqa_equals_mha_with_repeated_heads()
{
    QFETCH(int, kv_heads);
    SelfAttentionConfig cfg = config(8, 4, kv_heads, true);
    cfg.qkv_bias = true;
    SelfAttention<double> gqa("attn", cfg);
    Rng rng(3);
    randomise(gqa, rng);
    SelfAttentionConfig plain = config(8, 4, 4, true);
    plain.qkv_bias = true;
    SelfAttention<double> mha("attn", plain);
    mha.q_proj->weight.value = gqa.q_proj->weight.value;
    mha.q_proj->bias.value = gqa.q_proj->bias.value;
    mha.o_proj.weight.value = gqa.o_proj.weight.value;
    // Query head h reads kv head h / (4 / H_kv): repeat each kv head's rows (d = 2) that often.
    const int rep = 4 / kv_heads;
    for (int h = 0; h < 4; ++h) {
        mha.k_proj->weight.value.middleRows(2 * h, 2) = gqa.k_proj->weight.value.middleRows(2 * (h / rep), 2);
        mha.v_proj->weight.value.middleRows(2 * h, 2) = gqa.v_proj->weight.value.middleRows(2 * (h / rep), 2);
        mha.k_proj->bias.value.middleCols(2 * h, 2) = gqa.k_proj->bias.value.middleCols(2 * (h / rep), 2);
        mha.v_proj->bias.value.middleCols(2 * h, 2) = gqa.v_proj->bias.value.middleCols(2 * (h / rep), 2);
    }
    const M x = random_matrix(5, 8, rng, 2.0);
    const Run a = run(gqa, x, 1), b = run(mha, x, 1);
    // The same arithmetic on the same numbers, but the projections' products have other widths.
    QVERIFY(max_diff(a.y, b.y) < 1e-14);
    QVERIFY(max_diff(a.cache.weights, b.cache.weights) < 1e-14);
    QCOMPARE(gqa.k_proj->weight.value.rows(), Eigen::Index(2 * kv_heads));
}

void TestNnAttention::fused_equals_separate()
{
    SelfAttentionConfig cfg = config(6, 2, 0, true);
    cfg.qkv_bias = cfg.out_bias = true;
    SelfAttention<double> sep("attn", cfg);
    cfg.fused_qkv = true;
    SelfAttentionNames names;
    names.qkv = "c_attn";
    names.out = "c_proj";
    SelfAttention<double> fused("h.0.attn", cfg, names);
    QCOMPARE(fused.qkv->weight.name, std::string("h.0.attn.c_attn.weight"));
    QCOMPARE(fused.o_proj.bias.name, std::string("h.0.attn.c_proj.bias"));
    QCOMPARE(fused.parameters().size(), std::size_t(4));
    Rng rng(4);
    randomise(sep, rng);
    // GPT-2's c_attn output is q | k | v.
    fused.qkv->weight.value << sep.q_proj->weight.value, sep.k_proj->weight.value, sep.v_proj->weight.value;
    fused.qkv->bias.value << sep.q_proj->bias.value, sep.k_proj->bias.value, sep.v_proj->bias.value;
    fused.o_proj.weight.value = sep.o_proj.weight.value;
    fused.o_proj.bias.value = sep.o_proj.bias.value;
    const M x = random_matrix(8, 6, rng, 2.0);
    QVERIFY(max_diff(run(fused, x, 2).y, run(sep, x, 2).y) < 1e-14);
}

void TestNnAttention::causal_weights_above_the_diagonal_are_zero()
{
    SelfAttention<double> att("attn", config(6, 3, 0, true));
    Rng rng(5);
    randomise(att, rng);
    const Run r = run(att, random_matrix(3 * 9, 6, rng, 3.0), 3);
    for (Eigen::Index b = 0; b < 3; ++b)
        for (int h = 0; h < 3; ++h) {
            const auto A = r.cache.head_weights(b, h);
            for (Eigen::Index i = 0; i < 9; ++i) {
                for (Eigen::Index j = i + 1; j < 9; ++j) QVERIFY(A(i, j) == 0.0 && !std::signbit(A(i, j)));
                for (Eigen::Index j = 0; j <= i; ++j) QVERIFY(A(i, j) > 0.0);
                QVERIFY(std::abs(A.row(i).sum() - 1.0) < 1e-15 * 9);
            }
        }
    QVERIFY(r.cache.head_weights(0, 0)(0, 0) == 1.0);  // the first token sees only itself
}

void TestNnAttention::padding_equals_a_shorter_sequence()
{
    // BERT: a batch of two, the second padded from 4 to 6 tokens with an additive key mask. Its
    // real tokens' outputs equal those of the 4-token sequence alone; the first sequence's equal
    // those of a batch of one.
    SelfAttentionConfig cfg = config(6, 2);
    cfg.qkv_bias = cfg.out_bias = true;
    SelfAttention<double> att("attention.self", cfg);
    Rng rng(6);
    randomise(att, rng);
    const M x = random_matrix(12, 6, rng, 2.0);
    M mask = M::Zero(2, 6);
    mask(1, 4) = mask(1, 5) = kNegInf;
    const Run batch = run(att, x, 2, nullptr, &mask);
    const Run first = run(att, M(x.topRows(6)), 1);
    const Run alone = run(att, M(x.middleRows(6, 4)), 1);
    QVERIFY(max_diff(batch.y.topRows(6), first.y) < 1e-14);
    QVERIFY(max_diff(batch.y.middleRows(6, 4), alone.y) < 1e-14);
    for (int h = 0; h < 2; ++h) {
        QVERIFY(batch.cache.head_weights(1, h).rightCols(2).isZero(0.0));
        QVERIFY(max_diff(batch.cache.head_weights(1, h).topLeftCorner(4, 4), alone.cache.head_weights(0, h)) < 1e-15);
    }
}

void TestNnAttention::rotary_attention_sees_position_gaps_only()
{
    SelfAttentionConfig cfg = config(8, 2, 1, true);
    cfg.rotary = true;
    SelfAttention<double> att("attn", cfg);
    Rng rng(7);
    randomise(att, rng);
    const M x = random_matrix(5, 8, rng, 2.0);
    const int from0[] = {0, 1, 2, 3, 4}, from40[] = {40, 41, 42, 43, 44}, gaps[] = {0, 2, 3, 4, 5};
    const Run a = run(att, x, 1, from0), b = run(att, x, 1, from40), c = run(att, x, 1, gaps);
    // cos and sin of angles up to 44 radians carry ~1e-15 of rounding each.
    QVERIFY(max_diff(a.cache.weights, b.cache.weights) < 1e-13);
    QVERIFY(max_diff(a.y, b.y) < 1e-13);
    QVERIFY(max_diff(a.cache.weights, c.cache.weights) > 1e-3);  // other gaps: other weights
}

void TestNnAttention::head_gate_ablates_a_head()
{
    SelfAttentionConfig cfg = config(6, 3);
    cfg.out_bias = true;
    SelfAttention<double> att("attn", cfg);
    Rng rng(8);
    randomise(att, rng);
    const M x = random_matrix(4, 6, rng, 2.0);
    const Run plain = run(att, x, 1);
    AttentionHooks hooks;
    hooks.head_gate = {1.0, 0.0, 1.0};
    const Run ablated = run(att, x, 1, nullptr, nullptr, &hooks);
    // The same as zeroing head 1's output by hand before the output projection.
    M heads = plain.cache.context;
    heads.middleCols(2, 2).setZero();
    M expect = heads * att.o_proj.weight.value.transpose();
    expect.rowwise() += att.o_proj.bias.value.row(0);
    QVERIFY(max_diff(ablated.y, expect) < 1e-14);
    QVERIFY(ablated.cache.weights == plain.cache.weights);  // the weights are still recorded
    QVERIFY(ablated.cache.context == plain.cache.context);
    // All gates 1 is no gate at all, bit for bit.
    hooks.head_gate = {1.0, 1.0, 1.0};
    QVERIFY(run(att, x, 1, nullptr, nullptr, &hooks).y == plain.y);
}

void TestNnAttention::row_override_replaces_a_row()
{
    SelfAttention<double> att("attn", config(6, 2, 0, true));
    Rng rng(9);
    randomise(att, rng);
    const M x = random_matrix(10, 6, rng, 2.0);
    const Run plain = run(att, x, 2);
    // Its own row: nothing changes, bit for bit.
    AttentionHooks same;
    const auto row = plain.cache.head_weights(1, 1).row(3);
    same.overrides.push_back({1, 1, 3, std::vector<double>(row.data(), row.data() + row.size())});
    QVERIFY(run(att, x, 2, nullptr, nullptr, &same).y == plain.y);
    // All weight on key 1: that query's head output is value row 1 of that head.
    AttentionHooks one;
    one.overrides.push_back({1, 1, 3, {0.0, 1.0, 0.0, 0.0, 0.0}});
    const Run r = run(att, x, 2, nullptr, nullptr, &one);
    M one_hot = M::Zero(1, 5);
    one_hot(0, 1) = 1.0;
    QVERIFY(r.cache.head_weights(1, 1).row(3) == one_hot);
    QVERIFY(r.cache.context.row(5 + 3).segment(3, 3) == r.cache.v.row(5 + 1).segment(3, 3));
    QVERIFY(r.y.row(8) != plain.y.row(8));
    QVERIFY(r.y.topRows(8) == plain.y.topRows(8));  // every other token is untouched
    QVERIFY(r.y.row(9) == plain.y.row(9));
}

void TestNnAttention::float_agrees_with_double()
{
    SelfAttentionConfig cfg = config(16, 4, 2, true);
    cfg.rotary = true;
    cfg.qkv_bias = true;
    SelfAttention<double> d("attn", cfg);
    SelfAttention<float> f("attn", cfg);
    Rng rng(10);
    randomise(d, rng);
    const auto pd = d.parameters();
    const auto pf = f.parameters();
    for (std::size_t i = 0; i < pd.size(); ++i) pf[i]->value = pd[i]->value.cast<float>();
    const M x = random_matrix(12, 16, rng, 2.0);
    const Run rd = run(d, x, 2);
    Mat<float> yf(12, 16);
    SelfAttentionCache<float> cf;
    f.forward(x.cast<float>(), 2, 6, yf, cf);
    // float's 24 bits through four products and a softmax on values of order 1.
    QVERIFY((yf.cast<double>() - rd.y).cwiseAbs().maxCoeff() < 1e-5);
    QVERIFY((cf.weights.cast<double>() - rd.cache.weights).cwiseAbs().maxCoeff() < 1e-5);
}

QTEST_APPLESS_MAIN(TestNnAttention)
#include "test_nn_attention.moc"
