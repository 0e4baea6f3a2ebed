// SPDX-License-Identifier: GPL-3.0-or-later
// nn/infer.hpp's linear_forward against a double-precision product, in both weight layouts
// (nn.Linear's out × in, Conv1D's in × out), at sizes that reach the packed AVX2 kernel's full
// tiles and every edge (rows not a multiple of 6, columns not of 16, depth past one 256 panel),
// with strided input and output views, and with a bias. The hf reference test's fixtures are too
// small to reach the packed path; GPT-2 small shapes are checked here instead. Rows past the last
// full tile of 6 go through the tiles zero-padded.
#include "attnviz/core/nn/infer.hpp"

#include <QTest>

#include <random>

using namespace attnviz;
using Mf = nn::Mat<float>;
using Md = nn::Mat<double>;

class TestNnInfer : public QObject {
    Q_OBJECT

private slots:
    void linear_forward_matches_double_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::newRow("tiny (Eigen only)") << 3 << 5 << 4;
        QTest::newRow("one tile") << 6 << 16 << 8;
        QTest::newRow("fewer rows than a tile") << 2 << 32 << 11;
        QTest::newRow("edges") << 13 << 37 << 19;
        QTest::newRow("deep, two panels") << 20 << 48 << 600;
        QTest::newRow("wide, two column blocks") << 7 << 1040 << 33;
        QTest::newRow("GPT-2 c_attn, 128 tokens") << 128 << 2304 << 768;
    }
    void linear_forward_matches_double()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        std::mt19937 rng(42);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        auto rnd = [&](int r, int c) {
            Mf a(r, c);
            for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = u(rng);
            return a;
        };
        // x is a strided view (columns 1 … k of a wider matrix); y a block of a wider matrix.
        const Mf wide = rnd(m, k + 3);
        const Mf x = wide.middleCols(1, k);
        const Mf w_linear = rnd(n, k), w_conv = rnd(k, n), bias = rnd(1, n);
        for (int conv = 0; conv < 2; ++conv) {
            const Mf& w = conv ? w_conv : w_linear;
            nn::WeightView<float> view{w.data(), w.rows(), w.cols(), conv == 1};
            Mf out = Mf::Constant(m, n + 5, 7.0f);
            nn::linear_forward<float>(wide.middleCols(1, k), view, bias.data(), out.middleCols(2, n));
            const Md wd = w.cast<double>();
            const Md want = (x.cast<double>() * (conv ? wd : Md(wd.transpose()))).rowwise() +
                            bias.cast<double>().row(0);
            // float32 sums of k products of numbers in [−1, 1]: rounding grows like √k·2⁻²⁴ times
            // the partial sums (|sum| ≲ √k); 2e-6·k bounds it with room and still catches a wrong
            // element (errors of order 1).
            const double err = (out.middleCols(2, n).cast<double>() - want).cwiseAbs().maxCoeff();
            QVERIFY2(err <= 2e-6 * k, qPrintable(QString("layout %1: error %2").arg(conv).arg(err)));
            // Columns outside the view are untouched.
            QVERIFY((out.leftCols(2).array() == 7.0f).all());
            QVERIFY((out.rightCols(3).array() == 7.0f).all());
        }
    }

    // Threads split the columns; each column is computed by the same arithmetic whatever the
    // split, so the results are equal bit for bit.
    void threads_give_the_same_bits()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        Mf x(131, 300), w(1000, 300);
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
        for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = u(rng);
        const nn::WeightView<float> view{w.data(), w.rows(), w.cols(), false};
        Mf one(131, 1000), many(131, 1000);
        nn::linear_forward<float>(x, view, nullptr, one);
        for (int t : {2, 3, 64}) {
            nn::set_inference_threads(t);
            QCOMPARE(nn::inference_threads(), t);
            nn::linear_forward<float>(x, view, nullptr, many);
            QVERIFY(many == one);
        }
        nn::set_inference_threads(1);
    }
};

QTEST_GUILESS_MAIN(TestNnInfer)
#include "test_nn_infer.moc"
