// SPDX-License-Identifier: GPL-3.0-or-later
// Every backward pass of the seq2seq layers, and of the whole encoder-decoder loss, against
// central finite differences in double precision; the forward passes against naive loops that
// follow PyTorch's and d2l's definitions.
#include "attnviz/core/random.hpp"
#include "attnviz/core/nn/additive_attention.hpp"
#include "attnviz/core/nn/embedding.hpp"
#include "attnviz/core/nn/gru.hpp"
#include "attnviz/core/nn/init.hpp"
#include "attnviz/core/nn/linear.hpp"
#include "attnviz/core/nn/cross_entropy.hpp"
#include "attnviz/core/seq2seq/model.hpp"
#include "attnviz/core/nn/optim.hpp"

#include <QByteArray>
#include <QRegularExpression>
#include <QTest>

#include <cmath>
#include <functional>

using namespace attnviz;
using namespace attnviz::seq2seq;
using namespace attnviz::nn;
using M = Mat<double>;

namespace {

M random_matrix(Eigen::Index r, Eigen::Index c, Rng& rng, double scale = 1.0)
{
    M m(r, c);
    uniform_fill(m, rng, scale);
    return m;
}

// Compares analytic[i, j] with (f(x + ε) − f(x − ε)) / 2ε for every entry (or `limit` spread ones).
bool check_gradient(M& x, const M& analytic, const std::function<double()>& f, const char* what, int limit = 1000)
{
    const double eps = 1e-6;
    const Eigen::Index n = x.size();
    const Eigen::Index stride = std::max<Eigen::Index>(1, n / limit);
    double worst = 0.0;
    for (Eigen::Index k = 0; k < n; k += stride) {
        double& v = x.data()[k];
        const double saved = v;
        v = saved + eps;
        const double up = f();
        v = saved - eps;
        const double down = f();
        v = saved;
        const double numeric = (up - down) / (2 * eps);
        const double a = analytic.data()[k];
        const double err = std::abs(a - numeric) / (1e-6 + std::abs(numeric));
        if (std::abs(a - numeric) > 1e-7 + 1e-5 * std::abs(numeric)) {
            qWarning("%s[%lld]: analytic %.10g, numeric %.10g", what, static_cast<long long>(k), a, numeric);
            return false;
        }
        worst = std::max(worst, err);
    }
    return true;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

class TestSeq2SeqGradients : public QObject {
    Q_OBJECT
private slots:
    void gradient_check_detects_errors();
    void linear_backward();
    void embedding_backward();
    void gru_step_matches_pytorch_formula();
    void gru_backward_data();
    void gru_backward();
    void attention_matches_d2l_formula();
    void attention_backward_data();
    void attention_backward();
    void weighted_cross_entropy_backward();
    void masked_cross_entropy_matches_d2l();
    void adam_matches_pytorch_formula();
    void clipping_scales_to_theta();
    void model_loss_backward_data();
    void model_loss_backward();
    void model_float_agrees_with_double();
    void bad_shapes_throw();
};

void TestSeq2SeqGradients::gradient_check_detects_errors()
{
    M x(1, 3);
    x << 0.5, -1.0, 2.0;
    auto f = [&] { return x.array().cube().sum(); };
    M right = 3 * x.array().square();
    M wrong = right;
    wrong(0, 1) *= 1.0001;
    QVERIFY(check_gradient(x, right, f, "right"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("wrong\\[1\\]"));
    QVERIFY(!check_gradient(x, wrong, f, "wrong"));
}

void TestSeq2SeqGradients::linear_backward()
{
    Rng rng(1);
    Linear<double> lin("lin", 4, 3, true);
    uniform_fill(lin.weight.value, rng, 1.0);
    uniform_fill(lin.bias.value, rng, 1.0);
    M x = random_matrix(5, 4, rng);  // (n × in)
    const M g = random_matrix(5, 3, rng);
    M y(5, 3);
    auto f = [&] {
        lin.forward(x, y);
        return (y.array() * g.array()).sum();
    };
    f();
    lin.backward_params(x, g);
    M dx(5, 4);
    lin.backward_input(g, dx);
    QVERIFY(check_gradient(lin.weight.value, lin.weight.grad, f, "W"));
    QVERIFY(check_gradient(lin.bias.value, lin.bias.grad, f, "b"));
    QVERIFY(check_gradient(x, dx, f, "x"));
    // y = x Wᵀ + b, PyTorch's layout.
    lin.forward(x, y);
    QVERIFY(y.isApprox(x * lin.weight.value.transpose() + M::Ones(5, 1) * lin.bias.value, 1e-12));
}

void TestSeq2SeqGradients::embedding_backward()
{
    Rng rng(2);
    Embedding<double> emb("emb", 6, 3);
    normal_fill(emb.weight.value, rng);
    const int ids[] = {1, 4, 1, 0, 5};
    const M g = random_matrix(5, 3, rng);
    M out(5, 3);
    auto f = [&] {
        emb.forward(ids, 5, out);
        return (out.array() * g.array()).sum();
    };
    f();
    emb.backward(ids, 5, g);
    QVERIFY(check_gradient(emb.weight.value, emb.weight.grad, f, "E"));
    QVERIFY(emb.weight.grad.row(1).isApprox(g.row(0) + g.row(2)));
}

void TestSeq2SeqGradients::gru_step_matches_pytorch_formula()
{
    Rng rng(3);
    const int in = 3, H = 4, B = 2;
    GRULayer<double> layer("rnn", 0, in, H);
    for (auto* p : layer.parameters()) uniform_fill(p->value, rng, 0.7);
    const M x = random_matrix(B, in, rng), h = random_matrix(B, H, rng);
    M gi(B, 3 * H), out(B, H), gates(B, 4 * H), gh(B, 3 * H);
    layer.input_projection(x, gi);
    layer.step(gi, h, out, gates, gh);
    const M& Wi = layer.weight_ih.value;
    const M& Wh = layer.weight_hh.value;
    const M& bi = layer.bias_ih.value;
    const M& bh = layer.bias_hh.value;
    for (int b = 0; b < B; ++b)
        for (int j = 0; j < H; ++j) {
            auto dot_i = [&](int row) { double s = bi(0, row); for (int k = 0; k < in; ++k) s += Wi(row, k) * x(b, k); return s; };
            auto dot_h = [&](int row) { double s = bh(0, row); for (int k = 0; k < H; ++k) s += Wh(row, k) * h(b, k); return s; };
            const double r = sigmoid(dot_i(j) + dot_h(j));
            const double z = sigmoid(dot_i(H + j) + dot_h(H + j));
            const double n = std::tanh(dot_i(2 * H + j) + r * dot_h(2 * H + j));
            const double expected = (1 - z) * n + z * h(b, j);
            QVERIFY2(std::abs(out(b, j) - expected) < 1e-12, qPrintable(QString::number(out(b, j) - expected)));
        }
}

void TestSeq2SeqGradients::gru_backward_data()
{
    QTest::addColumn<int>("layers");
    QTest::addColumn<double>("dropout");
    QTest::newRow("1 layer") << 1 << 0.0;
    QTest::newRow("2 layers") << 2 << 0.0;
    QTest::newRow("3 layers, dropout") << 3 << 0.3;
}

void TestSeq2SeqGradients::gru_backward()
{
    QFETCH(int, layers);
    QFETCH(double, dropout);
    Rng rng(4);
    const int in = 3, H = 4, B = 2, T = 5;
    GRU<double> gru("rnn", in, H, layers, dropout);
    for (auto* p : gru.parameters()) uniform_fill(p->value, rng, 0.6);
    M x = random_matrix(T * B, in, rng);       // (T·B × in)
    M h0 = random_matrix(layers * B, H, rng);  // (L·B × H)
    const M gy = random_matrix(T * B, H, rng), ghn = random_matrix(layers * B, H, rng);
    M y(T * B, H), hn(layers * B, H);
    GRUCache<double> cache;
    auto f = [&] {
        Rng drop(99);  // the same dropout masks on every evaluation
        gru.forward(x, T, B, h0, y, hn, cache, dropout > 0 ? &drop : nullptr);
        return (y.array() * gy.array()).sum() + (hn.array() * ghn.array()).sum();
    };
    f();
    M dx(T * B, in), dh0(layers * B, H);
    gru.backward(gy, ghn, dx, dh0, cache);
    for (auto* p : gru.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name.c_str()), p->name.c_str());
    QVERIFY(check_gradient(x, dx, f, "x"));
    QVERIFY(check_gradient(h0, dh0, f, "h0"));
}

void TestSeq2SeqGradients::attention_matches_d2l_formula()
{
    Rng rng(5);
    const int B = 2, Tk = 4, q = 3, k = 5, h = 6, v = 5;
    AdditiveAttention<double> att("att", k, q, h);
    for (auto* p : att.parameters()) uniform_fill(p->value, rng, 0.8);
    const M query = random_matrix(B, q, rng), keys = random_matrix(Tk * B, k, rng), values = random_matrix(Tk * B, v, rng);
    const int valid[] = {2, 4};
    M kp(Tk * B, h), feat(Tk * B, h), w(B, Tk), ctx(B, v), none;
    AttentionScratch<double> sc;
    att.project_keys(keys, kp);
    att.step(query, kp, values, valid, B, B, Tk, feat, w, none, ctx, sc);
    for (int b = 0; b < B; ++b) {
        Eigen::VectorXd s(Tk);
        for (int t = 0; t < Tk; ++t) {
            const Eigen::VectorXd f = (att.W_q.weight.value * query.row(b).transpose() +
                                       att.W_k.weight.value * keys.row(t * B + b).transpose()).array().tanh();
            s(t) = t < valid[b] ? (att.w_v.weight.value * f)(0, 0) : -1e6;
        }
        const Eigen::VectorXd a = (s.array() - s.maxCoeff()).exp() / (s.array() - s.maxCoeff()).exp().sum();
        Eigen::RowVectorXd c = Eigen::RowVectorXd::Zero(v);
        for (int t = 0; t < Tk; ++t) c += a(t) * values.row(t * B + b);
        QVERIFY((w.row(b).transpose() - a).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((ctx.row(b) - c).cwiseAbs().maxCoeff() < 1e-12);
    }
    QCOMPARE(w(0, 2), 0.0);
    QCOMPARE(w(0, 3), 0.0);
}

void TestSeq2SeqGradients::attention_backward_data()
{
    QTest::addColumn<bool>("dropout");
    QTest::newRow("plain") << false;
    QTest::newRow("dropout on the weights") << true;
}

void TestSeq2SeqGradients::attention_backward()
{
    QFETCH(bool, dropout);
    Rng rng(6);
    const int B = 3, Tk = 4, q = 3, k = 4, h = 5;
    AdditiveAttention<double> att("att", k, q, h);
    for (auto* p : att.parameters()) uniform_fill(p->value, rng, 0.8);
    M query = random_matrix(B, q, rng), keys = random_matrix(Tk * B, k, rng), values = random_matrix(Tk * B, k, rng);
    const int valid[] = {1, 4, 3};
    const M g = random_matrix(B, k, rng);
    M mask;
    if (dropout) {
        mask.resize(B, Tk);
        Rng drop(7);
        for (Eigen::Index i = 0; i < mask.size(); ++i) mask.data()[i] = drop.uniform() < 0.3 ? 0.0 : 1.0 / 0.7;
    }
    M kp(Tk * B, h), feat(Tk * B, h), w(B, Tk), ctx(B, k);
    AttentionScratch<double> sc;
    auto f = [&] {
        att.project_keys(keys, kp);
        att.step(query, kp, values, valid, B, B, Tk, feat, w, mask, ctx, sc);
        return (ctx.array() * g.array()).sum();
    };
    f();
    M dkp = M::Zero(Tk * B, h), dvalues = M::Zero(Tk * B, k), dquery(B, q), dkeys = M::Zero(Tk * B, k);
    att.step_backward(g, query, values, valid, B, B, Tk, feat, w, mask, dkp, dvalues, dquery, sc);
    att.keys_backward(keys, dkp, dkeys);
    for (auto* p : att.parameters()) QVERIFY2(check_gradient(p->value, p->grad, f, p->name.c_str()), p->name.c_str());
    QVERIFY(check_gradient(query, dquery, f, "query"));
    QVERIFY(check_gradient(keys, dkeys, f, "keys"));
    QVERIFY(check_gradient(values, dvalues, f, "values"));
}

void TestSeq2SeqGradients::weighted_cross_entropy_backward()
{
    Rng rng(8);
    M logits = random_matrix(4, 6, rng, 3.0);
    const int labels[] = {0, 5, 2, 2};
    const double weights[] = {0.1, 0.0, 1.0, 0.5};
    M d(4, 6), scratch(4, 6);
    auto f = [&] { return weighted_softmax_ce<double>(logits, labels, weights, scratch); };
    weighted_softmax_ce<double>(logits, labels, weights, d);
    QVERIFY(check_gradient(logits, d, f, "logits"));
}

void TestSeq2SeqGradients::masked_cross_entropy_matches_d2l()
{
    // d2l: loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0]))
    // → tensor([2.3026, 1.1513, 0.0000]).
    const int B = 3, T = 4, V = 10;
    const M logits = M::Ones(B * T, V);
    std::vector<int> labels(B * T, 1);
    const int valid[] = {4, 2, 0};
    double l[3];
    M d(B * T, V);
    masked_softmax_ce_loss<double>(logits, labels.data(), valid, B, T, l, d);
    QVERIFY(std::abs(l[0] - std::log(10.0)) < 1e-12);
    QVERIFY(std::abs(l[1] - std::log(10.0) / 2) < 1e-12);
    QCOMPARE(l[2], 0.0);
    QVERIFY(std::abs(l[0] - 2.3026) < 1e-4 && std::abs(l[1] - 1.1513) < 1e-4);
}

void TestSeq2SeqGradients::adam_matches_pytorch_formula()
{
    Param<double> p("p", 1, 2);
    p.value << 1.0, -2.0;
    Adam<double> adam({&p}, 0.1);
    const double g1[] = {0.5, -1.0}, g2[] = {-0.25, 2.0};
    double m[2] = {0, 0}, v[2] = {0, 0}, x[2] = {1.0, -2.0};
    for (int step = 1; step <= 2; ++step) {
        const double* g = step == 1 ? g1 : g2;
        p.grad << g[0], g[1];
        adam.step();
        for (int i = 0; i < 2; ++i) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            const double mh = m[i] / (1 - std::pow(0.9, step)), vh = v[i] / (1 - std::pow(0.999, step));
            x[i] -= 0.1 * mh / (std::sqrt(vh) + 1e-8);
            QVERIFY(std::abs(p.value(0, i) - x[i]) < 1e-12);
        }
    }
}

void TestSeq2SeqGradients::clipping_scales_to_theta()
{
    Param<double> a("a", 1, 2), b("b", 1, 1);
    a.grad << 3.0, 0.0;
    b.grad << 4.0;
    QCOMPARE(clip_grad_norm<double>({&a, &b}, 1.0), 5.0);
    QVERIFY(std::abs(a.grad(0, 0) - 0.6) < 1e-15 && std::abs(b.grad(0, 0) - 0.8) < 1e-15);
    QVERIFY(std::abs(clip_grad_norm<double>({&a, &b}, 2.0) - 1.0) < 1e-15);  // below θ: unchanged
    QVERIFY(std::abs(a.grad(0, 0) - 0.6) < 1e-15);
}

namespace {
struct TinyBatch {
    int B = 3, T = 5;
    std::vector<int> src{3, 4, 5, 3, 1,  //
                         6, 3, 1, 1, 1,  //
                         4, 4, 6, 5, 3};
    std::vector<int> src_valid{5, 2, 5};
    std::vector<int> tgt{4, 5, 3, 1, 1,  //
                         7, 6, 6, 4, 3,  //
                         3, 1, 1, 1, 1};
    std::vector<int> tgt_valid{3, 5, 1};
    BatchView view() const { return {B, T, src.data(), src_valid.data(), tgt.data(), tgt_valid.data(), 2}; }
};
}  // namespace

void TestSeq2SeqGradients::model_loss_backward_data()
{
    QTest::addColumn<int>("layers");
    QTest::addColumn<double>("dropout");
    QTest::addColumn<bool>("short_lengths");
    QTest::newRow("2 layers") << 2 << 0.0 << false;
    QTest::newRow("2 layers, dropout") << 2 << 0.2 << false;
    QTest::newRow("2 layers, dropout, valid lengths < T") << 2 << 0.2 << true;
    QTest::newRow("1 layer") << 1 << 0.0 << false;
    QTest::newRow("3 layers, dropout") << 3 << 0.2 << false;
    QTest::newRow("2 layers, source vocabulary > positions (no table)") << 2 << 0.2 << true;
}

void TestSeq2SeqGradients::model_loss_backward()
{
    QFETCH(int, layers);
    QFETCH(double, dropout);
    QFETCH(bool, short_lengths);
    ModelConfig cfg;
    cfg.src_vocab = 7;
    cfg.tgt_vocab = 8;
    cfg.embed = 3;
    cfg.hidden = 4;
    cfg.layers = layers;
    cfg.dropout = dropout;
    if (QByteArray(QTest::currentDataTag()).contains("no table")) cfg.src_vocab = 20;  // > T·B = 15
    Seq2SeqModel<double> model(cfg);
    Rng init(10);
    model.init_d2l(init);
    TinyBatch tb;
    if (short_lengths) {  // the model then skips decoder steps ≥ 3 and keys ≥ 4: gradients still exact
        tb.src_valid = {3, 2, 4};
        tb.tgt_valid = {3, 2, 1};
    }
    auto f = [&] {
        Rng drop(11);
        return dropout > 0 ? model.loss(tb.view(), &drop) : model.loss(tb.view());
    };
    for (auto* p : model.parameters()) p->zero_grad();
    Rng drop(11);
    const double l = model.loss_and_grad(tb.view(), dropout > 0 ? &drop : nullptr);
    QVERIFY(std::abs(l - f()) < 1e-12);
    QVERIFY(l > 0);
    for (auto* p : model.parameters()) {
        QVERIFY2(p->grad.cwiseAbs().maxCoeff() > 0 || p->name.find("embedding") != std::string::npos,
                 p->name.c_str());
        QVERIFY2(check_gradient(p->value, p->grad, f, p->name.c_str(), 60), p->name.c_str());
    }
}

void TestSeq2SeqGradients::model_float_agrees_with_double()
{
    ModelConfig cfg;
    cfg.src_vocab = 7;
    cfg.tgt_vocab = 8;
    cfg.embed = 3;
    cfg.hidden = 4;
    Seq2SeqModel<double> md(cfg);
    Seq2SeqModel<float> mf(cfg);
    Rng a(12), b(12);
    md.init_d2l(a);
    mf.init_d2l(b);
    const TinyBatch tb;
    QVERIFY(std::abs(md.loss(tb.view()) - mf.loss(tb.view())) < 1e-5);
}

void TestSeq2SeqGradients::bad_shapes_throw()
{
    Linear<double> lin("lin", 4, 3, true);
    M x(2, 5), y(2, 3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, lin.forward(x, y));
    Embedding<double> emb("emb", 3, 2);
    const int ids[] = {3};
    M out(1, 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, emb.forward(ids, 1, out));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, GRU<double>("g", 2, 2, 0, 0.0));
    ModelConfig cfg;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Seq2SeqModel<double>{cfg});
}

QTEST_APPLESS_MAIN(TestSeq2SeqGradients)
#include "test_seq2seq_gradients.moc"
