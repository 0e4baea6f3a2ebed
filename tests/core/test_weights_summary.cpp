// SPDX-License-Identifier: GPL-3.0-or-later
// weights_summary: entropy, argmax, weighted-sum terms and the largest difference, by hand.
#include "attnviz/core/weights_summary.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace attnviz;

class TestWeightsSummary : public QObject {
    Q_OBJECT

private slots:
    void entropy()
    {
        RowVector oneHot(4);
        oneHot << 0, 1, 0, 0;
        QCOMPARE(row_entropy(oneHot), 0.0);
        QCOMPARE(normalised_entropy(oneHot), 0.0);
        const RowVector uniform = RowVector::Constant(4, 0.25);
        QVERIFY(std::abs(row_entropy(uniform) - std::log(4.0)) < 1e-12);
        QVERIFY(std::abs(normalised_entropy(uniform) - 1.0) < 1e-12);
        RowVector half(3);
        half << 0.5, 0.5, 0;
        QVERIFY(std::abs(row_entropy(half) - std::log(2.0)) < 1e-12);
        QCOMPARE(normalised_entropy(RowVector::Constant(1, 1.0)), 0.0);
    }

    void argmax()
    {
        RowVector a(4);
        a << 0.1, 0.4, 0.4, 0.1;
        QCOMPARE(row_argmax(a), Index{1});  // first on ties
        QCOMPARE(row_argmax(RowVector()), Index{-1});
    }

    void terms()
    {
        RowVector a(5);
        a << 0.5, 0.004, 0.49, 0.006, 0;
        const WeightedSumTerms t = weighted_sum_terms(a, 0.01);
        QCOMPARE(t.terms.size(), std::size_t{2});
        QCOMPARE(t.terms[0].key, Index{0});
        QCOMPARE(t.terms[1].key, Index{2});
        QCOMPARE(t.rest_count, Index{2});  // the exact zero is not counted
        QVERIFY(std::abs(t.rest_weight - 0.01) < 1e-12);
    }

    void largestDifference()
    {
        Matrix A(2, 3), B(2, 3);
        A << 0.2, 0.3, 0.5, 1, 0, 0;
        B << 0.3, 0.3, 0.4, 0.4, 0.3, 0.3;
        const auto d = largest_difference(A, B);
        QVERIFY(d);
        QCOMPARE(d->row, Index{1});
        QCOMPARE(d->col, Index{0});
        QCOMPARE(d->a, 1.0);
        QCOMPARE(d->b, 0.4);
        QVERIFY(!largest_difference(A, Matrix(3, 2)));
        QVERIFY(!largest_difference(Matrix(), Matrix()));
    }

    void finiteExtentSkipsNonFiniteAndMaskedCells()
    {
        constexpr double inf = std::numeric_limits<double>::infinity();
        Matrix m(2, 3);
        m << -inf, 0.5, 7, std::nan(""), -2, inf;
        const auto e = finite_extent(m);
        QVERIFY(e);
        QCOMPARE(e->lower, -2.0);
        QCOMPARE(e->upper, 7.0);
        BoolMatrix masked = BoolMatrix::Constant(2, 3, false);
        masked(0, 2) = true;  // hides the 7
        QCOMPARE(finite_extent(m, masked), std::optional(ValueExtent{-2, 0.5}));
        masked(1, 1) = masked(0, 1) = true;  // nothing finite left
        QVERIFY(!finite_extent(m, masked));
        QVERIFY(!finite_extent(Matrix()));
        // A mask of another shape is ignored rather than read out of bounds.
        QCOMPARE(finite_extent(m, BoolMatrix::Constant(3, 3, true)), std::optional(ValueExtent{-2, 7}));
    }
};

QTEST_APPLESS_MAIN(TestWeightsSummary)
#include "test_weights_summary.moc"
