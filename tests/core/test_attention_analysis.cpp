// SPDX-License-Identifier: GPL-3.0-or-later
// Aggregates, attention rollout and head statistics against hand-computed answers.
#include "attention_file_helpers.hpp"

#include "attnviz/core/inspect/aggregate.hpp"
#include "attnviz/core/inspect/head_statistics.hpp"
#include "attnviz/core/io/npy.hpp"

#include <QtTest>

#include <cmath>

using namespace attnviz;
using namespace attnviz::test;

namespace {

Matrix rows2(double a, double b, double c, double d)
{
    Matrix m(2, 2);
    m << a, b, c, d;
    return m;
}

// [layers, heads, 2, 2] float64 .npy from per-(layer, head) matrices, layer-major.
inspect::AttentionStack stack_of(const std::vector<std::vector<Matrix>>& layers,
                                 const inspect::LoadOptions& o = {})
{
    std::vector<double> v;
    for (const auto& heads : layers)
        for (const Matrix& m : heads)
            for (Index i = 0; i < m.rows(); ++i)
                for (Index j = 0; j < m.cols(); ++j) v.push_back(m(i, j));
    const Index n_q = layers[0][0].rows(), n_k = layers[0][0].cols();
    const std::vector<std::int64_t> shape{static_cast<std::int64_t>(layers.size()),
                                          static_cast<std::int64_t>(layers[0].size()), n_q, n_k};
    return load_bytes(io::npy_bytes(shape, v, io::DType::F64), "hand.npy", o);
}

bool near(const Matrix& a, const Matrix& b, double tol = 1e-12)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && (a - b).cwiseAbs().maxCoeff() <= tol;
}

}  // namespace

class TestAttentionAnalysis : public QObject {
    Q_OBJECT

private slots:
    // By hand: A1 = [[1, 0], [.5, .5]], A2 = [[.5, .5], [0, 1]] (head means).
    // rownorm(A1 + I) = [[1, 0], [.25, .75]]; rownorm(A2 + I) = [[.75, .25], [0, 1]];
    // rollout = Ã2·Ã1 = [[.75 + .0625, .1875], [.25, .75]] = [[.8125, .1875], [.25, .75]].
    void rollout_two_layers_by_hand()
    {
        const Matrix expected = rows2(0.8125, 0.1875, 0.25, 0.75);
        QVERIFY(near(inspect::attention_rollout(
                         {rows2(1, 0, 0.5, 0.5), rows2(0.5, 0.5, 0, 1)}),
                     expected));

        // The same through a file whose two heads per layer average to A1 and A2.
        const inspect::AttentionStack s = stack_of({{rows2(1, 0, 1, 0), rows2(1, 0, 0, 1)},
                                                    {rows2(1, 0, 0, 1), rows2(0, 1, 0, 1)}});
        QVERIFY(near(inspect::mean_over_heads(s, 0), rows2(1, 0, 0.5, 0.5)));
        QVERIFY(near(inspect::attention_rollout(s), expected));
        QVERIFY(near(inspect::attention_rollout(s, 0), rows2(1, 0, 0.25, 0.75)));
        // Multiplying in the other order (Ã1·Ã2) would give [[.75, .25], [.1875, .8125]].
        QVERIFY(!near(inspect::attention_rollout(s), rows2(0.75, 0.25, 0.1875, 0.8125)));
    }

    void rollout_refuses_cross_attention_and_zero_rows()
    {
        Matrix cross(2, 3);
        cross << 1, 0, 0, 0, 1, 0;
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { inspect::attention_rollout({cross}); }),
                               "rollout: layer 0 is 2x3", "n_q = n_k");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { inspect::attention_rollout({rows2(-1, 0, 0, 0)}); }),
                               "row 0 sums to 0", "apply softmax");
    }

    void mean_and_max_over_heads_and_layers()
    {
        const inspect::AttentionStack s = stack_of({{rows2(1, 0, 1, 0), rows2(0, 1, 0.5, 0.5)},
                                                    {rows2(0, 1, 0, 1), rows2(0, 1, 1, 0)}});
        QVERIFY(near(inspect::mean_over_heads(s, 0), rows2(0.5, 0.5, 0.75, 0.25)));
        QVERIFY(near(inspect::max_over_heads(s, 0), rows2(1, 1, 1, 0.5)));
        QVERIFY(near(inspect::mean_over_layers(s, 1), rows2(0, 1, 0.75, 0.25)));
        QVERIFY(near(inspect::mean_over_layers(s), rows2(0.25, 0.75, 0.625, 0.375)));
    }

    void statistics_of_identity()
    {
        const inspect::HeadStatistics st = inspect::head_statistics(Matrix::Identity(5, 5));
        QCOMPARE(st.entropy, 0.0);
        QCOMPARE(st.self_share, 1.0);
        QCOMPARE(st.mean_distance, 0.0);
        QCOMPARE(st.previous_token_share, 0.0);
        QCOMPARE(st.first_token_share, 0.2);  // only row 0 puts its weight on token 0
    }

    void statistics_of_uniform()
    {
        const Index n = 6;
        const inspect::HeadStatistics st =
            inspect::head_statistics(Matrix::Constant(n, n, 1.0 / n));
        QVERIFY(std::fabs(st.entropy - std::log(6.0)) < 1e-12);
        QVERIFY(std::fabs(st.self_share - 1.0 / 6) < 1e-15);
        QVERIFY(std::fabs(st.first_token_share - 1.0 / 6) < 1e-15);
        QVERIFY(std::fabs(st.previous_token_share - 1.0 / 6) < 1e-15);
        // Σ_i Σ_j |i - j| = 2 Σ_{d=1..5} d (6 - d) = 70, over 36 (n rows × 1/n weight).
        QVERIFY(std::fabs(st.mean_distance - 70.0 / 36) < 1e-12);
    }

    void statistics_of_previous_token_head()
    {
        Matrix a = Matrix::Zero(4, 4);  // row 0 on itself, row i on i - 1
        a(0, 0) = 1;
        for (Index i = 1; i < 4; ++i) a(i, i - 1) = 1;
        const inspect::HeadStatistics st = inspect::head_statistics(a);
        QCOMPARE(st.previous_token_share, 1.0);
        QCOMPARE(st.self_share, 0.25);
        QCOMPARE(st.first_token_share, 0.5);  // rows 0 and 1
        QCOMPARE(st.mean_distance, 0.75);
        QCOMPARE(st.entropy, 0.0);
    }

    void statistics_per_head_of_a_stack()
    {
        const inspect::AttentionStack s = stack_of({{Matrix::Identity(2, 2), Matrix::Constant(2, 2, 0.5)}});
        const std::vector<inspect::HeadStatistics> all = inspect::head_statistics(s);
        QCOMPARE(all.size(), std::size_t{2});
        QCOMPARE(all[1].layer, Index{0});
        QCOMPARE(all[1].head, Index{1});
        QCOMPARE(all[0].entropy, 0.0);
        QVERIFY(std::fabs(all[1].entropy - std::log(2.0)) < 1e-12);
    }

    void raw_scores_are_flagged_and_softmax_fixes_them()
    {
        const inspect::AttentionStack raw = inspect::load_attention(fixture("np_scores.npy"));
        QCOMPARE(raw.row_sums().rows_off, std::size_t{2});
        QCOMPARE(raw.row_sums().rows_checked, std::size_t{2});
        QCOMPARE(raw.row_sums().examples.front().row, Index{0});
        QCOMPARE(raw.row_sums().examples.front().sum, 3.0);  // 0 + 1 + 2

        inspect::LoadOptions o;
        o.softmax = true;
        const inspect::AttentionStack s = inspect::load_attention(fixture("np_scores.npy"), o);
        QVERIFY(s.softmax_applied());
        QVERIFY(s.row_sums().all_rows_sum_to_one());
        const double z = 1 + std::exp(1.0) + std::exp(2.0);
        QVERIFY(std::fabs(s.head(0, 0)(0, 2) - std::exp(2.0) / z) < 1e-6);
        // Row 1 is row 0 shifted by -1: the same weights.
        QVERIFY(std::fabs(s.head(0, 0)(1, 0) - 1 / z) < 1e-6);
        QVERIFY(!s.head(0, 0).in_place());
    }

    void softmax_rows_handles_masked_rows()
    {
        inspect::FloatMatrix m(2, 2);
        const float inf = std::numeric_limits<float>::infinity();
        m << -inf, -inf, 1000.f, 1000.f;
        inspect::softmax_rows(m);
        QCOMPARE(m(0, 0), 0.0f);
        QCOMPARE(m(0, 1), 0.0f);
        QCOMPARE(m(1, 0), 0.5f);
    }
};

QTEST_APPLESS_MAIN(TestAttentionAnalysis)
#include "test_attention_analysis.moc"
