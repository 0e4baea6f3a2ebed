// SPDX-License-Identifier: GPL-3.0-or-later
// multi_head_attention on problems large enough to go a block of query rows at a time
// (n_q × n_k above 64 Ki entries), against a per-head reference written here with plain loops,
// and the streaming store it writes its blocks with.
#include "naive_attention.hpp"
#include "exp_kernel.hpp"       // core/attention/src, private to the attention target
#include "streaming_store.hpp"  // likewise

#include "attnviz/core/attention.hpp"
#include "attnviz/core/random.hpp"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

using namespace attnviz;

namespace {

Matrix random_matrix(Rng& rng, Index rows, Index cols)
{
    Matrix m(rows, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    return m;
}

double max_abs_diff(const Matrix& a, const Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
    double d = 0;
    for (Index i = 0; i < a.size(); ++i) {
        const double x = a.data()[i], y = b.data()[i];
        if (x == y) continue;  // also equal infinities (masked logits are -inf)
        d = std::max(d, std::isnan(x - y) ? INFINITY : std::abs(x - y));
    }
    return d;
}

bool same_bits(const Matrix& a, const Matrix& b)
{
    // An empty matrix has no data pointer, and memcmp may not be given a null one (UBSan).
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 ||
            std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0);
}

// 700 × 760 = 532 000 entries: above the one-block limit (65 536), so 11 blocks of 64 query
// rows and a last one of 60.
constexpr Index kQueries = 700, kKeys = 760, kHidden = 8, kHeads = 2;

struct Problem {
    Matrix Q, K, V;
    MultiHeadParams p;
    MaskSpec mask;
};

// Inputs with every bias and the output projection, and a mask whose valid lengths leave rows
// 5 and 650 (blocks 0 and 10) fully masked.
Problem problem(Index n_q = kQueries, Index n_k = kKeys)
{
    Rng rng(20261121);
    Problem x;
    x.Q = random_matrix(rng, n_q, 5);
    x.K = random_matrix(rng, n_k, 5);
    x.V = random_matrix(rng, n_k, 3);
    x.p.num_heads = kHeads;
    x.p.W_q = random_matrix(rng, kHidden, 5);
    x.p.W_k = random_matrix(rng, kHidden, 5);
    x.p.W_v = random_matrix(rng, kHidden, 3);
    x.p.b_q = random_matrix(rng, 1, kHidden);
    x.p.b_k = random_matrix(rng, 1, kHidden);
    x.p.b_v = random_matrix(rng, 1, kHidden);
    x.p.W_o = random_matrix(rng, 4, kHidden);
    x.p.b_o = random_matrix(rng, 1, 4);
    for (Index i = 0; i < n_q; ++i) x.mask.valid_len.push_back(1 + (i * 37) % n_k);
    x.mask.valid_len[5] = 0;
    if (n_q > 650) x.mask.valid_len[650] = 0;
    x.mask.matrix = BoolMatrix::Constant(n_q, n_k, false);
    for (Index i = 0; i < n_q; ++i) x.mask.matrix(i, (i * 11 + 1) % n_k) = true;
    return x;
}

// One head's scores, logits and weights from the definitions, with plain loops.
struct HeadReference {
    Matrix scores, logits, weights;
};

std::vector<HeadReference> per_head_reference(const Problem& x, double T)
{
    const Index n_q = x.Q.rows(), n_k = x.K.rows(), dh = kHidden / kHeads;
    const BoolMatrix masked = build_mask(x.mask, n_q, n_k);
    auto project = [](const Matrix& in, const Matrix& W, const Matrix& b) {
        Matrix out(in.rows(), W.rows());
        for (Index i = 0; i < in.rows(); ++i)
            for (Index o = 0; o < W.rows(); ++o) {
                double s = b(0, o);
                for (Index c = 0; c < in.cols(); ++c) s += W(o, c) * in(i, c);
                out(i, o) = s;
            }
        return out;
    };
    const Matrix qp = project(x.Q, x.p.W_q, x.p.b_q), kp = project(x.K, x.p.W_k, x.p.b_k);
    std::vector<HeadReference> heads(kHeads);
    for (Index t = 0; t < kHeads; ++t) {
        HeadReference& h = heads[static_cast<std::size_t>(t)];
        h.scores.resize(n_q, n_k);
        h.logits.resize(n_q, n_k);
        h.weights.setZero(n_q, n_k);
        for (Index i = 0; i < n_q; ++i) {
            double top = -INFINITY;
            for (Index j = 0; j < n_k; ++j) {
                double s = 0;
                for (Index c = t * dh; c < (t + 1) * dh; ++c) s += qp(i, c) * kp(j, c);
                h.scores(i, j) = s;
                h.logits(i, j) = masked(i, j) ? -INFINITY : s / std::sqrt(double(dh)) / T;
                top = std::max(top, h.logits(i, j));
            }
            if (top == -INFINITY) continue;  // fully masked: weights stay 0
            double sum = 0;
            for (Index j = 0; j < n_k; ++j)
                if (!masked(i, j)) sum += (h.weights(i, j) = std::exp(h.logits(i, j) - top));
            h.weights.row(i) /= sum;
        }
    }
    return heads;
}

}  // namespace

class TestMultiHeadBlocks : public QObject {
    Q_OBJECT

private slots:
    void everyMatrixMatchesThePerHeadReference()
    {
        const Problem x = problem();
        const double T = 0.6;
        const AttentionResult r = multi_head_attention(x.Q, x.K, x.V, x.p, x.mask, T);
        const std::vector<HeadReference> ref = per_head_reference(x, T);
        QCOMPARE(r.heads.size(), std::size_t(kHeads));
        Matrix mean_scores = Matrix::Zero(kQueries, kKeys), mean_logits = mean_scores,
               mean_weights = mean_scores;
        for (std::size_t t = 0; t < ref.size(); ++t) {
            // Scores are sums of 4 products of O(1) numbers; the reference sums them in another
            // order, and exp amplifies a logit's rounding by at most the weight itself: 1e-12
            // leaves three orders of magnitude above the differences seen (about 1e-15).
            // Large problems keep no per-head scores or logits: score() and logit() compute
            // each entry from the head's projected queries and keys, for every cell.
            QCOMPARE(r.heads[t].scores.size(), Index(0));
            QCOMPARE(r.heads[t].logits.size(), Index(0));
            QCOMPARE(r.heads[t].queries.rows(), kQueries);
            QCOMPARE(r.heads[t].keys.rows(), kKeys);
            Matrix scores(kQueries, kKeys), logits(kQueries, kKeys);
            for (Index j = 0; j < kKeys; ++j)
                for (Index i = 0; i < kQueries; ++i) {
                    scores(i, j) = r.heads[t].score(i, j);
                    logits(i, j) = r.heads[t].logit(i, j, r.masked(i, j));
                }
            QVERIFY2(max_abs_diff(scores, ref[t].scores) < 1e-12, "head scores");
            QVERIFY2(max_abs_diff(logits, ref[t].logits) < 1e-12, "head logits");
            QVERIFY2(max_abs_diff(r.heads[t].weights, ref[t].weights) < 1e-12, "head weights");
            QCOMPARE(r.heads[t].output.rows(), kQueries);
            mean_scores += ref[t].scores / double(kHeads);
            mean_logits += ref[t].logits / double(kHeads);
            mean_weights += ref[t].weights / double(kHeads);
        }
        QVERIFY2(max_abs_diff(r.scores, mean_scores) < 1e-12, "mean scores");
        QVERIFY2(max_abs_diff(r.logits, mean_logits) < 1e-12, "mean logits");
        QVERIFY2(max_abs_diff(r.weights, mean_weights) < 1e-12, "mean weights");
        // Masked entries exactly: -inf logits, 0 weights, in every block.
        for (Index i : {Index(5), Index(64), Index(650), Index(699)})
            for (Index j = 0; j < kKeys; ++j)
                if (r.masked(i, j)) {
                    QCOMPARE(r.weights(i, j), 0.0);
                    QVERIFY(std::isinf(r.logits(i, j)) && r.logits(i, j) < 0);
                }
    }

    void smallProblemsKeepEveryHeadMatrix()
    {
        // Up to 256² the heads keep scores and logits, and score()/logit() read them exactly.
        const Problem x = problem(200, 300);  // 60 000 entries: one block
        const double T = 0.6;
        const AttentionResult r = multi_head_attention(x.Q, x.K, x.V, x.p, x.mask, T);
        const std::vector<HeadReference> ref = per_head_reference(x, T);
        for (std::size_t t = 0; t < ref.size(); ++t) {
            const HeadResult& h = r.heads[t];
            QCOMPARE(h.scores.rows(), Index(200));
            QCOMPARE(h.logits.cols(), Index(300));
            QCOMPARE(h.queries.size(), Index(0));
            QVERIFY2(max_abs_diff(h.scores, ref[t].scores) < 1e-12, "head scores");
            QVERIFY2(max_abs_diff(h.logits, ref[t].logits) < 1e-12, "head logits");
            for (Index i : {Index(0), Index(5), Index(199)})
                for (Index j : {Index(0), Index(17), Index(299)}) {
                    QCOMPARE(h.score(i, j), h.scores(i, j));
                    const double l = h.logit(i, j, r.masked(i, j));
                    QVERIFY(l == h.logits(i, j));  // also -inf == -inf
                }
        }
    }

    void blockedAgreesWithOneBlockAcrossTheLimit()
    {
        // 256 × 256 is one block, 256 × 257 goes in blocks: the two paths on the same first 256
        // keys' problem agree to rounding (a fast exp and another summation order), 1e-12.
        const Problem x = problem(256, 257);
        Problem y = x;
        y.K = x.K.topRows(256);
        y.V = x.V.topRows(256);
        y.mask.matrix = x.mask.matrix.leftCols(256);
        for (Index& len : y.mask.valid_len) len = std::min<Index>(len, 256);
        Problem z = y;  // the same 256 keys, one of them repeated as key 256 but masked out
        z.K = x.K;
        z.K.row(256) = x.K.row(0);
        z.V = x.V;
        z.mask.matrix = BoolMatrix::Constant(256, 257, false);
        z.mask.matrix.leftCols(256) = y.mask.matrix;
        z.mask.matrix.col(256).setConstant(true);
        const AttentionResult one = multi_head_attention(y.Q, y.K, y.V, y.p, y.mask, 0.7);
        const AttentionResult blocked = multi_head_attention(z.Q, z.K, z.V, z.p, z.mask, 0.7);
        QVERIFY(one.heads[0].scores.size() != 0);
        QCOMPARE(blocked.heads[0].scores.size(), Index(0));
        QVERIFY2(max_abs_diff(blocked.weights.leftCols(256), one.weights) < 1e-12, "mean weights");
        QVERIFY2(max_abs_diff(blocked.output, one.output) < 1e-12, "output");
        for (std::size_t t = 0; t < one.heads.size(); ++t) {
            QVERIFY2(max_abs_diff(blocked.heads[t].weights.leftCols(256), one.heads[t].weights) < 1e-12, "weights");
            QVERIFY(blocked.heads[t].weights.col(256).isZero(0.0));
        }
        QCOMPARE(blocked.warnings, one.warnings);
    }

    void outputMatchesTheNaiveReference()
    {
        const Problem x = problem();
        Parameters params;
        params.num_heads = kHeads;
        params.tensors = {{"W_q", x.p.W_q}, {"W_k", x.p.W_k}, {"W_v", x.p.W_v}, {"b_q", x.p.b_q},
                          {"b_k", x.p.b_k}, {"b_v", x.p.b_v}, {"W_o", x.p.W_o}, {"b_o", x.p.b_o}};
        const naive::Result ref = naive::attention(Variant::MultiHead, x.Q, x.K, x.V, params,
                                                   build_mask(x.mask, kQueries, kKeys), 1.0);
        const AttentionResult r = multi_head_attention(x.Q, x.K, x.V, x.p, x.mask, 1.0);
        QVERIFY2(max_abs_diff(r.output, ref.output) < 1e-9, "output");
        QVERIFY2(max_abs_diff(r.weights, ref.weights) < 1e-12, "weights");
        // The fully masked rows are named once each, with their row in the whole matrix.
        QCOMPARE(r.warnings.size(), std::size_t(2));
        QVERIFY(QString::fromStdString(r.warnings[0]).startsWith("query row 5:"));
        QVERIFY(QString::fromStdString(r.warnings[1]).startsWith("query row 650:"));
        QVERIFY(r.output.row(650).isZero(0.0));
    }

    void reusedResultEqualsAFreshOne()
    {
        // Blocked, then one block (smaller), then blocked again into the same result: every
        // matrix is resized and overwritten, never left over from the previous call.
        const Problem big = problem(), small = problem(40, 30);
        const AttentionResult fresh_big = multi_head_attention(big.Q, big.K, big.V, big.p, big.mask, 0.8);
        const AttentionResult fresh_small =
            multi_head_attention(small.Q, small.K, small.V, small.p, small.mask, 0.8);
        AttentionResult r;
        for (const auto& [x, fresh] : {std::pair{&big, &fresh_big}, std::pair{&small, &fresh_small},
                                       std::pair{&big, &fresh_big}}) {
            multi_head_attention(x->Q, x->K, x->V, x->p, x->mask, 0.8, r);
            // The same code path on the same inputs: bit for bit.
            QVERIFY(same_bits(r.scores, fresh->scores) && same_bits(r.logits, fresh->logits));
            QVERIFY(same_bits(r.weights, fresh->weights) && same_bits(r.output, fresh->output));
            QCOMPARE(r.heads.size(), fresh->heads.size());
            for (std::size_t t = 0; t < r.heads.size(); ++t) {
                QVERIFY(same_bits(r.heads[t].scores, fresh->heads[t].scores));
                QVERIFY(same_bits(r.heads[t].logits, fresh->heads[t].logits));
                QVERIFY(same_bits(r.heads[t].weights, fresh->heads[t].weights));
                QVERIFY(same_bits(r.heads[t].output, fresh->heads[t].output));
                QVERIFY(same_bits(r.heads[t].queries, fresh->heads[t].queries));
                QVERIFY(same_bits(r.heads[t].keys, fresh->heads[t].keys));
            }
            QCOMPARE(r.warnings, fresh->warnings);
        }
    }

    void refusalNamesTheRowOfTheWholeMatrix()
    {
        // Row 200 sits in block 3 (rows 192..255); its scores overflow to infinity.
        Problem x = problem();
        x.Q.row(200).setConstant(1e300);
        x.K.row(3).setConstant(1e10);
        QString message;
        try {
            multi_head_attention(x.Q, x.K, x.V, x.p, x.mask, 1.0);
        } catch (const std::invalid_argument& e) {
            message = QString::fromUtf8(e.what());
        }
        QVERIFY2(message.contains(QLatin1String("row 200,")), qPrintable(message));
    }

    // ---- the exp of the blocked softmax ---------------------------------------------------------

    void expNonpositiveIsWithinTwoUlpOfStdExp()
    {
        // About 2 ulp of std::exp wherever the result is a normal double (measured 4.35e-16
        // relative in native, portable and sanitizer builds; bound 5e-16), 0 below -708,
        // exactly 1 at 0 and exactly 0 at -inf (a masked logit).
        double worst = 0;
        for (int k = 0; k <= 1000000; ++k) {
            const double x = -708.0 * k / 1000000.0;
            const double e = std::exp(x);
            worst = std::max(worst, std::abs(detail::exp_nonpositive(x) - e) / e);
        }
        QVERIFY2(worst < 5e-16, qPrintable(QString::number(worst)));
        QCOMPARE(detail::exp_nonpositive(0.0), 1.0);
        QCOMPARE(detail::exp_nonpositive(-0.0), 1.0);
        QCOMPARE(detail::exp_nonpositive(-709.0), 0.0);
        QCOMPARE(detail::exp_nonpositive(-1e300), 0.0);
        QCOMPARE(detail::exp_nonpositive(-std::numeric_limits<double>::infinity()), 0.0);
    }

    // ---- the streaming store ------------------------------------------------------------------

    void streamRowsWritesExactlyTheBlock_data()
    {
        QTest::addColumn<int>("firstRow");
        QTest::addColumn<int>("rows");
        QTest::addColumn<double>("factor");
        // Row offsets that start a block on and off a cache line, blocks shorter than a line,
        // exactly one, and several with a ragged end.
        for (int r0 : {0, 1, 3, 8, 13})
            for (int b : {1, 7, 8, 9, 67}) {
                QTest::addRow("r0=%d b=%d", r0, b) << r0 << b << 1.0;
                QTest::addRow("r0=%d b=%d x0.25", r0, b) << r0 << b << 0.25;
            }
    }

    void streamRowsWritesExactlyTheBlock()
    {
        QFETCH(int, firstRow);
        QFETCH(int, rows);
        QFETCH(double, factor);
        Rng rng(7);
        const Index cols = 37, total = firstRow + rows + 5;
        Matrix src = random_matrix(rng, rows, cols);
        src(0, 0) = -0.0;
        src(rows - 1, 1) = std::numeric_limits<double>::infinity();
        src(rows / 2, 2) = -std::numeric_limits<double>::infinity();
        src(0, 3) = std::numeric_limits<double>::quiet_NaN();
        Matrix dst = Matrix::Constant(total, cols, 42.0);
        detail::stream_rows(src, factor, dst.middleRows(firstRow, rows));
        detail::streaming_fence();
        const Matrix expected = src * factor;  // the plain assignment's values
        QVERIFY(same_bits(Matrix(dst.middleRows(firstRow, rows)), expected));
        QVERIFY((dst.topRows(firstRow).array() == 42.0).all());
        QVERIFY((dst.bottomRows(5).array() == 42.0).all());
    }
};

QTEST_APPLESS_MAIN(TestMultiHeadBlocks)
#include "test_multi_head_blocks.moc"
