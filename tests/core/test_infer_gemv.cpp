// SPDX-License-Identifier: GPL-3.0-or-later
// nn/infer.hpp's linear_forward_streaming (the matrix–vector kernel of generation's steps)
// against a double-precision product, in both weight layouts (nn.Linear's out × in, Conv1D's
// in × out) and the three stored precisions (float32, float16, bfloat16: the reference converts
// each element exactly), at sizes that reach every edge of the kernel: 1 … 5 rows (5 = a group
// of 4 and one more), output and input widths not multiples of 8 or of the 4- and 2-row unrolls,
// strided input and output views, with and without a bias. Also linear_forward with few rows
// (which takes this path) against the same reference.
#include "attnviz/core/nn/infer.hpp"

#include <QTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace attnviz;
using Mf = nn::Mat<float>;
using Md = nn::Mat<double>;

namespace {

// float → the stored 16-bit value (round to nearest even for bfloat16; F16C-free for half).
std::uint16_t to_bf16(float f)
{
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    return static_cast<std::uint16_t>((b + 0x7FFFu + ((b >> 16) & 1u)) >> 16);
}
double from_bf16(std::uint16_t h) { return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16); }

// Values in [−1, 1] on a 2⁻¹⁰ grid are exact in half precision: the encoding is then simple.
std::uint16_t to_half(float f)
{
    if (f == 0.0f) return 0;
    const std::uint32_t b = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = (b >> 16) & 0x8000u;
    const int exponent = static_cast<int>((b >> 23) & 0xFF) - 127 + 15;
    const std::uint32_t mantissa = (b >> 13) & 0x3FFu;
    return static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exponent) << 10) | mantissa);
}
double from_half(std::uint16_t h)
{
    const int e = (h >> 10) & 0x1F, m = h & 0x3FF;
    const double v = e == 0 ? m * std::ldexp(1.0, -24) : (1.0 + m / 1024.0) * std::ldexp(1.0, e - 15);
    return (h & 0x8000) ? -v : v;
}

}  // namespace

class TestInferGemv : public QObject {
    Q_OBJECT

private slots:
    void streaming_matches_double_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::newRow("1 row, tiny") << 1 << 3 << 5;
        QTest::newRow("1 row, odd") << 1 << 37 << 29;
        QTest::newRow("2 rows") << 2 << 41 << 19;
        QTest::newRow("3 rows") << 3 << 17 << 23;
        QTest::newRow("4 rows") << 4 << 9 << 66;
        QTest::newRow("5 rows (4 + 1)") << 5 << 35 << 13;
        QTest::newRow("1 row, GPT-2 c_fc") << 1 << 3072 << 768;
        QTest::newRow("1 row, GPT-2 mlp c_proj") << 1 << 768 << 3072;
    }
    void streaming_matches_double()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> grid(-1024, 1024);  // values k / 1024: exact in half
        auto rnd = [&](int r, int c) {
            Mf a(r, c);
            for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(grid(rng)) / 1024.0f;
            return a;
        };
        const Mf wide = rnd(m, k + 3);  // x: columns 1 … k (a strided view)
        const Mf bias = rnd(1, n);
        for (int conv = 0; conv < 2; ++conv)
            for (int type = 0; type < 3; ++type) {
                const Mf w = conv ? rnd(k, n) : rnd(n, k);  // as stored
                std::vector<std::uint16_t> half(static_cast<std::size_t>(w.size()));
                Md wd(w.rows(), w.cols());  // what the stored elements are, exactly
                for (Eigen::Index i = 0; i < w.size(); ++i) {
                    if (type == 1) half[static_cast<std::size_t>(i)] = to_half(w.data()[i]);
                    if (type == 2) half[static_cast<std::size_t>(i)] = to_bf16(w.data()[i]);
                    wd.data()[i] = type == 0 ? w.data()[i]
                                   : type == 1 ? from_half(half[static_cast<std::size_t>(i)])
                                               : from_bf16(half[static_cast<std::size_t>(i)]);
                }
                const nn::WeightType wt = type == 0 ? nn::WeightType::F32
                                          : type == 1 ? nn::WeightType::F16
                                                      : nn::WeightType::BF16;
                const nn::RawWeightView view{type == 0 ? static_cast<const void*>(w.data()) : half.data(), w.rows(),
                                             w.cols(), conv == 1, wt};
                const Md product = wide.middleCols(1, k).cast<double>() * (conv ? wd : Md(wd.transpose()));
                for (int with_bias = 0; with_bias < 2; ++with_bias) {
                    Mf out = Mf::Constant(m, n + 5, 7.0f);
                    nn::linear_forward_streaming(wide.middleCols(1, k), view, with_bias ? bias.data() : nullptr,
                                                 out.middleCols(2, n));
                    Md want = product;
                    if (with_bias) want.rowwise() += bias.cast<double>().row(0);
                    // float32 sums of k products of numbers in [−1, 1]: rounding grows like
                    // √k·2⁻²⁴ times the partial sums (|sum| ≲ √k); 2e-6·k bounds it with room and
                    // still catches a wrong element, row or layout (errors of order 0.1 or more).
                    const double err = (out.middleCols(2, n).cast<double>() - want).cwiseAbs().maxCoeff();
                    QVERIFY2(err < 2e-6 * k, qPrintable(QString("conv %1 type %2 bias %3: error %4")
                                                            .arg(conv).arg(type).arg(with_bias).arg(err)));
                    // The columns around the output view are untouched.
                    QVERIFY((out.leftCols(2).array() == 7.0f).all());
                    QVERIFY((out.rightCols(3).array() == 7.0f).all());
                }
            }
        // linear_forward with few rows takes the same path.
        const Mf w = rnd(n, k);
        Mf y(m, n);
        nn::linear_forward<float>(wide.middleCols(1, k), nn::WeightView<float>{w.data(), n, k, false}, bias.data(), y);
        const Md want = (wide.middleCols(1, k).cast<double>() * w.cast<double>().transpose()).rowwise() +
                        bias.cast<double>().row(0);
        QVERIFY((y.cast<double>() - want).cwiseAbs().maxCoeff() < 2e-6 * k);
    }

    // With two inference threads the output features are split between them: each output is
    // computed by the same code over the same inputs, so the result equals one thread's bit for
    // bit (GPT-2 shapes: over the million-element threshold; both layouts, all three types).
    void two_threads_equal_one()
    {
        std::mt19937 rng(11);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (const auto& [n, k] : {std::pair{3072, 768}, std::pair{1000, 1100}})
            for (int conv = 0; conv < 2; ++conv)
                for (const nn::WeightType type : {nn::WeightType::F32, nn::WeightType::F16, nn::WeightType::BF16}) {
                    Mf x(1, k);
                    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
                    Mf w = conv ? Mf(k, n) : Mf(n, k);
                    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = u(rng);
                    std::vector<std::uint16_t> half(static_cast<std::size_t>(w.size()));
                    for (Eigen::Index i = 0; i < w.size(); ++i) half[static_cast<std::size_t>(i)] = to_bf16(w.data()[i]);
                    const nn::RawWeightView view{type == nn::WeightType::F32 ? static_cast<const void*>(w.data())
                                                                            : half.data(),
                                                 w.rows(), w.cols(), conv == 1, type};
                    Mf one(1, n), two(1, n);
                    nn::set_inference_threads(1);
                    nn::linear_forward_streaming(x, view, nullptr, one);
                    nn::set_inference_threads(2);
                    nn::linear_forward_streaming(x, view, nullptr, two);
                    nn::set_inference_threads(1);
                    QVERIFY(one == two);
                }
    }

    void bad_shapes_are_named()
    {
        const Mf x = Mf::Ones(1, 4), w = Mf::Ones(3, 5);
        Mf y(1, 3);
        try {
            nn::linear_forward_streaming(x, nn::RawWeightView{w.data(), 3, 5, false, nn::WeightType::F32}, nullptr, y,
                                         "q_proj");
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("q_proj: input 1x4, weight 3x5"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestInferGemv)
#include "test_infer_gemv.moc"
