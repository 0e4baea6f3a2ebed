// SPDX-License-Identifier: GPL-3.0-or-later
// Per-head statistics read where the head lies (issue 11: `inspect --stats` on a 16384² head
// peaked at three times the file): the in-place computation against hand values and against
// the materialising one it replaced (widen the head to a double matrix, then sum), for every
// way a stack serves a head (mapped float32 in C or Fortran order, converted float16, softmax).
#include "attention_file_helpers.hpp"

#include "attnviz/core/inspect/head_statistics.hpp"
#include "attnviz/core/io/npy.hpp"
#include "attnviz/core/random.hpp"

#include <QtTest>

#include <cmath>

using namespace attnviz;
using attnviz::test::load_bytes;

namespace {

// Row-major values of a (layers × heads × n_q × n_k) stack of softmax rows, varied enough that
// every statistic differs between heads; a few exact zeros test the 0 ln 0 = 0 rule.
std::vector<double> random_weights(Index heads, Index n_q, Index n_k, std::uint64_t seed)
{
    Rng rng(seed);
    std::vector<double> v;
    for (Index h = 0; h < heads; ++h)
        for (Index i = 0; i < n_q; ++i) {
            std::vector<double> row(static_cast<std::size_t>(n_k));
            double sum = 0;
            for (double& x : row) sum += (x = rng.uniform() < 0.1 ? 0.0 : std::pow(rng.uniform(), 4.0));
            for (double x : row) v.push_back(x / sum);
        }
    return v;
}

// The statistics the way they were computed before: a double copy of the head, then summed.
inspect::HeadStatistics materialised(const inspect::HeadView& head)
{
    return inspect::head_statistics(head.to_double());
}

// Same code path, same order of sums, exact float → double widening: the same bits. (QCOMPARE
// on doubles is fuzzy, hence ==.)
#define COMPARE_EXACTLY(a, b)                                                                    \
    do {                                                                                         \
        const inspect::HeadStatistics x_ = (a), y_ = (b);                                        \
        QVERIFY2(x_.entropy == y_.entropy, "entropy");                                           \
        QVERIFY2(x_.mean_distance == y_.mean_distance, "mean_distance");                         \
        QVERIFY2(x_.first_token_share == y_.first_token_share, "first_token_share");             \
        QVERIFY2(x_.previous_token_share == y_.previous_token_share, "previous_token_share");    \
        QVERIFY2(x_.self_share == y_.self_share, "self_share");                                  \
    } while (false)

}  // namespace

class TestHeadStatisticsInPlace : public QObject {
    Q_OBJECT

private slots:
    void handValuesThroughAMappedHead()
    {
        // a = [[.5, .5, 0], [.25, .25, .5]] as float32, viewed in the file's bytes.
        const std::vector<std::int64_t> shape{2, 3};
        const std::vector<double> v{0.5, 0.5, 0, 0.25, 0.25, 0.5};
        const inspect::AttentionStack s = load_bytes(io::npy_bytes(shape, v, io::DType::F32), "hand.npy");
        const inspect::HeadView head = s.head(0, 0);
        QVERIFY(head.in_place());
        const inspect::HeadStatistics st = inspect::head_statistics(head.matrix());
        // Row entropies ln 2 and ln 2 + ½ ln 2 (logs: within a few ulps of the hand value).
        QVERIFY(std::fabs(st.entropy - 1.25 * std::log(2.0)) < 1e-15);
        QCOMPARE(st.mean_distance, 0.625);        // (½·1 + ¼·1 + ½·1) / 2 rows
        QCOMPARE(st.first_token_share, 0.375);    // (½ + ¼) / 2
        QCOMPARE(st.previous_token_share, 0.25);  // row 1 on token 0
        QCOMPARE(st.self_share, 0.375);           // (½ + ¼) / 2
    }

    void inPlaceEqualsMaterialised_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<bool>("softmax");
        QTest::addColumn<bool>("inPlace");
        QTest::newRow("float32 C order, mapped") << int(io::DType::F32) << false << false << true;
        QTest::newRow("float32 Fortran order, mapped") << int(io::DType::F32) << true << false << true;
        QTest::newRow("float16, converted") << int(io::DType::F16) << false << false << false;
        QTest::newRow("float32 scores, softmax") << int(io::DType::F32) << false << true << false;
    }

    void inPlaceEqualsMaterialised()
    {
        QFETCH(int, dtype);
        QFETCH(bool, fortran);
        QFETCH(bool, softmax);
        QFETCH(bool, inPlace);
        // Cross attention (n_q ≠ n_k, both ways round) so that the diagonal statistics stop at
        // the shorter side.
        for (const auto& [n_q, n_k] : {std::pair<Index, Index>{37, 53}, {53, 37}}) {
            const Index heads = 3;
            const std::vector<std::int64_t> shape{1, heads, n_q, n_k};
            const std::vector<double> v = random_weights(heads, n_q, n_k, 5);
            inspect::LoadOptions o;
            o.softmax = softmax;
            const inspect::AttentionStack s = load_bytes(
                io::npy_bytes(shape, v, io::DType(dtype), io::ByteOrder::Little, fortran), "heads.npy", o);
            const std::vector<inspect::HeadStatistics> all = inspect::head_statistics(s);
            QCOMPARE(all.size(), std::size_t(heads));
            for (Index h = 0; h < heads; ++h) {
                const inspect::HeadView head = s.head(0, h);
                QCOMPARE(head.in_place(), inPlace);
                COMPARE_EXACTLY(inspect::head_statistics(head.matrix()), materialised(head));
                COMPARE_EXACTLY(all[std::size_t(h)], materialised(head));
                QCOMPARE(all[std::size_t(h)].head, h);
            }
            // The heads differ, so equal results are not all one value.
            QVERIFY(all[0].entropy != all[1].entropy);
        }
    }
};

QTEST_APPLESS_MAIN(TestHeadStatisticsInPlace)
#include "test_head_statistics_in_place.moc"
