// SPDX-License-Identifier: GPL-3.0-or-later
// The shared row softmax (nn/softmax.hpp) on both storage paths, its backward against central
// finite differences, and issue 11: scores or logits that overflow double precision are refused
// with their row, never reported as a fully masked row, through compute_attention and a session.
#include "nn_test_helpers.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/core/nn/softmax.hpp"
#include "attnviz/core/parameters.hpp"
#include "attnviz/core/session.hpp"
#include "attnviz/core/softmax.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace attnviz;
using nn_test::M;
using ColMajor = Eigen::MatrixXd;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Rows with −∞ entries (masked), one fully masked row, and plain rows; n rows of m.
M masked_logits(Index n, Index m, std::uint64_t seed)
{
    Rng rng(seed);
    M x = nn_test::random_matrix(n, m, rng, 4.0);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < m; ++j)
            if ((i * 7 + j * 3) % 5 == 0) x(i, j) = -kInf;
    x.row(n / 2).setConstant(-kInf);
    return x;
}

std::string refusal(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

Session session(const std::string& body)
{
    return parse_session(R"({"format": "attnviz-session", "version": 1, )" + body + "}");
}

}  // namespace

class TestNnSoftmax : public QObject {
    Q_OBJECT

private slots:
    void values_by_hand();
    void masked_entries_are_exactly_zero_data();
    void masked_entries_are_exactly_zero();
    void row_and_column_paths_agree();
    void float_rows();
    void masking_none_is_the_same_on_finite_rows();
    void backward_matches_finite_differences_data();
    void backward_matches_finite_differences();
    void tiny_temperature_is_refused_not_masked();
    void overflowing_dot_products_are_refused_not_masked();
    void overflow_under_a_mask_is_refused();
    void multi_head_refusal_names_the_whole_matrix_row();
    void zero_scores_survive_a_tiny_temperature();
    void fully_masked_row_is_still_reported_as_masked();
};

void TestNnSoftmax::values_by_hand()
{
    // exp(ln k) = k: the row [0, ln 2, ln 3] is [1, 2, 3] / 6; shifting a row changes nothing.
    M x(2, 3);
    x << 0.0, std::log(2.0), std::log(3.0), 1000.0, 1000.0 + std::log(2.0), 1000.0 + std::log(3.0);
    M y(2, 3);
    nn::softmax_rows(x, y);
    ColMajor xc = x, yc(2, 3);
    nn::softmax_rows(xc, yc);
    for (Index i = 0; i < 2; ++i)
        for (Index j = 0; j < 3; ++j) {
            // ln 2, ln 3 and 1000 + ln k are rounded: a few ulp of 1000 (≈ 1e-13) in the exponent.
            QVERIFY(std::abs(y(i, j) - (j + 1) / 6.0) < 1e-12);
            QVERIFY(std::abs(yc(i, j) - (j + 1) / 6.0) < 1e-12);
        }
    // In place. Not compared bit for bit: which entries of a row take Eigen's vectorised exp and
    // which std::exp depends on the output's address (its unaligned head), 1 ulp apart.
    M z = x;
    nn::softmax_rows(z, z);
    QVERIFY((z - y).cwiseAbs().maxCoeff() < 1e-16);
}

void TestNnSoftmax::masked_entries_are_exactly_zero_data()
{
    QTest::addColumn<int>("rows");
    QTest::newRow("one block") << 9;
    QTest::newRow("three column-major blocks (64 rows each)") << 150;
}

void TestNnSoftmax::masked_entries_are_exactly_zero()
{
    QFETCH(int, rows);
    const M x = masked_logits(rows, 11, 3);
    M y(rows, 11);
    ColMajor yc(rows, 11);
    std::vector<Index> r, rc;
    nn::softmax_rows(x, y, nn::Masking::NegInf, &r);
    nn::softmax_rows(ColMajor(x), yc, nn::Masking::NegInf, &rc);
    QCOMPARE(r, std::vector<Index>{rows / 2});
    QCOMPARE(rc, std::vector<Index>{rows / 2});
    for (Index i = 0; i < rows; ++i) {
        for (Index j = 0; j < 11; ++j)
            if (x(i, j) == -kInf) {
                // Exactly +0: Eigen's vectorised exp gives ~5e-309 for −∞, the kernel clears it.
                QVERIFY(y(i, j) == 0.0 && !std::signbit(y(i, j)));
                QVERIFY(yc(i, j) == 0.0 && !std::signbit(yc(i, j)));
            } else {
                QVERIFY(y(i, j) > 0.0 && yc(i, j) > 0.0);
            }
        if (i == rows / 2) continue;
        QVERIFY(std::abs(y.row(i).sum() - 1.0) < 1e-15 * 11);
        QVERIFY(std::abs(yc.row(i).sum() - 1.0) < 1e-15 * 11);
    }
}

void TestNnSoftmax::row_and_column_paths_agree()
{
    // The two paths sum in different orders and normalise by a division or by a reciprocal:
    // they agree to a few ulp, not bit for bit.
    const M x = masked_logits(130, 67, 4);
    M y(130, 67);
    ColMajor yc(130, 67);
    nn::softmax_rows(x, y);
    nn::softmax_rows(ColMajor(x), yc);
    QVERIFY((y - M(yc)).cwiseAbs().maxCoeff() < 1e-15);
    // Given the row maxima, the result is the same as when the kernel finds them.
    Eigen::VectorXd mx(130);
    nn::softmax_row_max(ColMajor(x), mx);
    ColMajor yc2(130, 67);
    nn::softmax_rows_from_max(ColMajor(x), mx, yc2);
    QVERIFY(yc2 == yc);
}

void TestNnSoftmax::float_rows()
{
    nn::Mat<float> x = masked_logits(5, 19, 5).cast<float>();
    nn::Mat<float> y(5, 19);
    nn::softmax_rows(x, y);
    const M yd = [&] {
        M out(5, 19);
        nn::softmax_rows(M(x.cast<double>()), out);
        return out;
    }();
    // float has 24 bits: 19 terms of relative error 6e-8 each.
    QVERIFY((y.cast<double>() - yd).cwiseAbs().maxCoeff() < 2e-6);
    for (Index i = 0; i < x.size(); ++i)
        if (x.data()[i] == -std::numeric_limits<float>::infinity()) QVERIFY(y.data()[i] == 0.0f);
}

void TestNnSoftmax::masking_none_is_the_same_on_finite_rows()
{
    // Masking::None (the playground's unmasked chain, whose logits are checked finite first)
    // runs Eigen's plain exp; on finite logits ExpOrZero and exp give the same bits.
    Rng rng(6);
    const ColMajor x = nn_test::random_matrix(150, 33, rng, 6.0);
    ColMajor a(150, 33), b(150, 33);
    std::vector<Index> none;
    nn::softmax_rows(x, a, nn::Masking::NegInf, &none);
    nn::softmax_rows(x, b, nn::Masking::None, &none);
    QVERIFY(a == b);
    QVERIFY(none.empty());
}

void TestNnSoftmax::backward_matches_finite_differences_data()
{
    QTest::addColumn<bool>("column_major");
    QTest::newRow("row path") << false;
    QTest::newRow("column path") << true;
}

void TestNnSoftmax::backward_matches_finite_differences()
{
    QFETCH(bool, column_major);
    Rng rng(7);
    M x = masked_logits(70, 6, 8);  // two column-major blocks
    const M g = nn_test::random_matrix(70, 6, rng);
    M y(70, 6), dx(70, 6);
    auto f = [&] {
        if (column_major) {
            ColMajor yc(70, 6);
            nn::softmax_rows(ColMajor(x), yc);
            y = yc;
        } else {
            nn::softmax_rows(x, y);
        }
        return nn_test::dot(y, g);
    };
    f();
    if (column_major) {
        ColMajor dxc(70, 6);
        nn::softmax_rows_backward(ColMajor(y), ColMajor(g), dxc);
        dx = dxc;
    } else {
        nn::softmax_rows_backward(y, g, dx);
    }
    // Masked entries: no gradient (and −∞ ± ε is −∞, so the numeric one is 0 too).
    for (Index i = 0; i < x.size(); ++i)
        if (x.data()[i] == -kInf) QCOMPARE(dx.data()[i], 0.0);
    QVERIFY(nn_test::check_gradient(x, dx, f, "logits"));
    // In place on dy: the same numbers (the row path's arithmetic has no exp; the column path
    // sums in another order).
    M d = g;
    nn::softmax_rows_backward(y, d, d);
    if (column_major) QVERIFY((d - dx).cwiseAbs().maxCoeff() < 1e-15);
    else QVERIFY(d == dx);
}

void TestNnSoftmax::tiny_temperature_is_refused_not_masked()
{
    // Issue 11's first reproduction: T = 5e-324 made every scaled score ±inf or NaN, and rows
    // were reported as "every key is masked" with null weights although no mask was set.
    const Session s = session(R"("variant": "scaled_dot", "queries": [[1, 0], [0, -1]], "temperature": 5e-324)");
    const std::string m = refusal([&] { compute_session(s); });
    QVERIFY2(m.find("row 0") != std::string::npos, m.c_str());
    QVERIFY2(m.find("overflows double precision") != std::string::npos, m.c_str());
    QVERIFY2(m.find("temperature") != std::string::npos, m.c_str());
    QVERIFY2(m.find("masked") == std::string::npos, m.c_str());
    // The same through compute_attention, for every variant that has scores to overflow.
    const Matrix Q{{1, 0}, {0, -1}};
    for (Variant v : kAllVariants) {
        const Parameters p = initialise_parameters(v, dims_of(Q, Q, Q), ParamHyper{});
        const std::string e = refusal([&] { compute_attention(v, Q, Q, Q, p, {}, 5e-324); });
        QVERIFY2(e.find("overflows double precision") != std::string::npos, (std::string(variant_id(v)) + ": " + e).c_str());
    }
}

void TestNnSoftmax::overflowing_dot_products_are_refused_not_masked()
{
    // Issue 11's second reproduction: queries of ±1e308 whose dot products are −inf (and NaN),
    // so that the row max was −inf and the row "fully masked".
    const Session s = session(R"("variant": "dot", "queries": [[1, 1], [-1e308, -1e308]], "keys": [[1, 1], [2, 2]])");
    const std::string m = refusal([&] { compute_session(s); });
    QVERIFY2(m.find("scores: row 1, column 0 is -inf") != std::string::npos, m.c_str());
    QVERIFY2(m.find("overflow") != std::string::npos, m.c_str());
    const Matrix Q{{1e308, -1e308}}, K{{1e308, 1e308}, {1, 1}};  // inf − inf = NaN
    const std::string e = refusal([&] { dot_attention(Q, K, K, {}, 1.0); });
    QVERIFY2(e.find("row 0, column 0 is NaN") != std::string::npos, e.c_str());
    // Large but representable logits are still fine (the softmax shifts by the row max).
    const AttentionResult r = dot_attention(Matrix{{1e150, 0}}, Matrix{{1e150, 0}, {-1e150, 0}}, K, {}, 1.0);
    QCOMPARE(r.weights(0, 0), 1.0);
    QVERIFY(r.warnings.empty());
}

void TestNnSoftmax::overflow_under_a_mask_is_refused()
{
    // With a mask the check runs before the mask's −inf is written: an overflowed logit, even
    // under the mask, is refused rather than hidden (the scores the playground shows must be
    // numbers), and a row whose unmasked logits all overflowed is not called masked.
    MaskSpec mask;
    mask.valid_len = {1, 2};
    const Matrix Q{{1, 0}, {-1, -2}};
    const std::string m = refusal([&] { scaled_dot_attention(Q, Q, Q, mask, 1e-310); });
    QVERIFY2(m.find("row 0, column 0") != std::string::npos, m.c_str());
    QVERIFY2(m.find("overflows double precision") != std::string::npos, m.c_str());
    // Every unmasked logit overflowed to −inf: refused with and without a mask matrix.
    for (const BoolMatrix& masked : {BoolMatrix(BoolMatrix::Constant(1, 2, false)), BoolMatrix()}) {
        const std::string m2 = refusal([&] { masked_softmax(Matrix{{-1e300, -2e300}}, masked, 1e-10); });
        QVERIFY2(m2.find("row 0, column 0") != std::string::npos, m2.c_str());
        QVERIFY2(m2.find("overflows double precision") != std::string::npos, m2.c_str());
    }
    // Only the masked entry overflows.
    BoolMatrix second = BoolMatrix::Constant(1, 2, false);
    second(0, 1) = true;
    const std::string m3 = refusal([&] { masked_softmax(Matrix{{1e-300, 1e300}}, second, 1e-10); });
    QVERIFY2(m3.find("row 0, column 1") != std::string::npos, m3.c_str());
}

void TestNnSoftmax::multi_head_refusal_names_the_whole_matrix_row()
{
    // Multi-head runs the chain on blocks of 32 query rows; the refusal still names row 35.
    Rng rng(11);
    Matrix Q(40, 4), K(40, 4);
    for (Index i = 0; i < Q.size(); ++i) Q.data()[i] = rng.uniform(-1, 1);
    for (Index i = 0; i < K.size(); ++i) K.data()[i] = rng.uniform(-1, 1);
    Q.row(35) *= 1e300;
    const Parameters p = initialise_parameters(Variant::MultiHead, dims_of(Q, K, K), ParamHyper{});
    const std::string m = refusal([&] { compute_attention(Variant::MultiHead, Q, K, K, p, {}, 1e-20); });
    QVERIFY2(m.find("row 35") != std::string::npos, m.c_str());
    QVERIFY2(m.find("overflows double precision") != std::string::npos, m.c_str());
}

void TestNnSoftmax::zero_scores_survive_a_tiny_temperature()
{
    // scale / T overflows, but a zero score's logit is 0 / T = 0: the row is uniform, not refused.
    const AttentionResult r = dot_attention(Matrix{{0, 0}}, Matrix{{1, 2}, {3, 4}, {5, 6}}, Matrix{{1}, {2}, {3}}, {},
                                            5e-324);
    QVERIFY(r.logits.isZero(0.0));
    for (Index j = 0; j < 3; ++j) QVERIFY(r.weights(0, j) == 1.0 / 3.0);  // 1 · (1/3)
    QVERIFY(std::abs(r.output(0, 0) - 2.0) < 1e-15);
}

void TestNnSoftmax::fully_masked_row_is_still_reported_as_masked()
{
    const Session s = session(
        R"("variant": "scaled_dot", "queries": [[1, 0], [0, 1]], "mask": {"valid_len": [0, 2]}, "temperature": 0.5)");
    const ComputeOutcome o = compute_session(s);
    QVERIFY(o.result.weights.row(0).isZero(0.0));
    QVERIFY(std::abs(o.result.weights.row(1).sum() - 1.0) < 1e-15);
    QCOMPARE(o.result.warnings.size(), std::size_t(1));
    QVERIFY(o.result.warnings[0].find("query row 0: every key is masked") != std::string::npos);
    // A causal mask on one query row of keys after it: fully masked too, through masked_softmax.
    BoolMatrix all = BoolMatrix::Constant(2, 3, false);
    all.row(1).setConstant(true);
    const SoftmaxRows r = masked_softmax(Matrix{{1, 2, 3}, {4, 5, 6}}, all, 1.0);
    QCOMPARE(r.fully_masked_rows, std::vector<Index>{1});
    QVERIFY(r.weights.row(1).isZero(0.0));
}

QTEST_APPLESS_MAIN(TestNnSoftmax)
#include "test_nn_softmax.moc"
