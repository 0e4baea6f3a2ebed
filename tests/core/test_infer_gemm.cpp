// SPDX-License-Identifier: GPL-3.0-or-later
// nn/infer.hpp's linear_forward<float> over more than kStreamingRows rows: the packed GEMM
// (nn/src/infer_gemm.cpp: 4 × 24 register tiles over 256-deep panels, rows in blocks of 1024)
// against a double-precision product. The sizes reach every edge of the kernel: rows that are
// not a multiple of the 4-row tile, columns that are not a multiple of the 24-column panel
// (and fewer than one panel), depths that are not a multiple of the 256-deep block (and fewer
// than one 8-wide step), more rows than one 1024-row block, strided input and output views,
// both weight layouts (nn.Linear's out × in, Conv1D's in × out), with and without a bias; also
// the split of the columns over two and three threads, which must give one thread's bits.
#include "attnviz/core/nn/infer.hpp"

#include <QTest>

#include <random>

using namespace attnviz;
using Mf = nn::Mat<float>;
using Md = nn::Mat<double>;

namespace {

Mf random_matrix(Eigen::Index r, Eigen::Index c, std::mt19937& rng)
{
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Mf a(r, c);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = u(rng);
    return a;
}

}  // namespace

class TestInferGemm : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { nn::set_inference_threads(1); }

    void packed_matches_double_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::newRow("5 rows: one tile and a padded one") << 5 << 24 << 8;
        QTest::newRow("tiny: below one panel and one 8-step") << 6 << 7 << 3;
        QTest::newRow("ragged: 4k+3 rows, 24k+1 columns, 256k+1 depth") << 131 << 49 << 257;
        QTest::newRow("exact tiles") << 128 << 96 << 512;
        QTest::newRow("one column") << 9 << 1 << 300;
        QTest::newRow("GPT-2 c_attn, 128 tokens") << 128 << 2304 << 768;
        QTest::newRow("GPT-2 mlp c_proj, 126 tokens") << 126 << 768 << 3072;
        QTest::newRow("Llama widths (not multiples of 24)") << 37 << 4096 / 8 + 4 << 200;
        QTest::newRow("more rows than one 1024-row block") << 1031 << 50 << 70;
    }
    void packed_matches_double()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        std::mt19937 rng(static_cast<unsigned>(m * 7919 + n * 31 + k));
        const Mf wide = random_matrix(m, k + 3, rng);  // x: columns 2 … k + 1 (a strided view)
        const Mf bias = random_matrix(1, n, rng);
        for (int conv = 0; conv < 2; ++conv) {
            const Mf w = conv ? random_matrix(k, n, rng) : random_matrix(n, k, rng);  // as stored
            const nn::WeightView<float> view{w.data(), w.rows(), w.cols(), conv == 1};
            const Md product = wide.middleCols(2, k).cast<double>() *
                               (conv ? w.cast<double>() : Md(w.cast<double>().transpose()));
            for (int with_bias = 0; with_bias < 2; ++with_bias) {
                Mf out = Mf::Constant(m, n + 5, 7.0f);
                nn::linear_forward<float>(wide.middleCols(2, k), view, with_bias ? bias.data() : nullptr,
                                          out.middleCols(1, n));
                Md want = product;
                if (with_bias) want.rowwise() += bias.cast<double>().row(0);
                // float32 sums of k products of numbers in [−1, 1]: the rounding grows like
                // √k·2⁻²⁴ times partial sums of size ≲ √k; 2e-6·k bounds it with room, and a
                // wrong element, row, column or layout errs by 0.1 or more.
                const double err = (out.middleCols(1, n).cast<double>() - want).cwiseAbs().maxCoeff();
                QVERIFY2(err < 2e-6 * k, qPrintable(QString("conv %1 bias %2: error %3").arg(conv).arg(with_bias).arg(err)));
                // The columns around the output view are untouched (the padded tiles write only
                // real cells).
                QVERIFY((out.leftCols(1).array() == 7.0f).all());
                QVERIFY((out.rightCols(4).array() == 7.0f).all());
            }
        }
    }

    // Threads split the columns in whole panels; every output is the same code over the same
    // inputs in the same order, so the bits equal one thread's.
    void threads_equal_one_thread()
    {
        std::mt19937 rng(5);
        for (const auto& [m, n, k] : {std::tuple{128, 2304, 768}, std::tuple{33, 1000, 300}, std::tuple{7, 50, 20}})
            for (int conv = 0; conv < 2; ++conv) {
                const Mf x = random_matrix(m, k, rng);
                const Mf w = conv ? random_matrix(k, n, rng) : random_matrix(n, k, rng);
                const nn::WeightView<float> view{w.data(), w.rows(), w.cols(), conv == 1};
                Mf one(m, n), split(m, n);
                nn::set_inference_threads(1);
                nn::linear_forward<float>(x, view, nullptr, one);
                for (int threads : {2, 3}) {
                    nn::set_inference_threads(threads);
                    nn::linear_forward<float>(x, view, nullptr, split);
                    QVERIFY2(one == split, qPrintable(QString("%1 threads, %2 × %3 × %4").arg(threads).arg(m).arg(n).arg(k)));
                }
            }
    }
};

QTEST_GUILESS_MAIN(TestInferGemm)
#include "test_infer_gemm.moc"
