// SPDX-License-Identifier: GPL-3.0-or-later
// parseMatrixText on every form a user pastes, and its error messages.
#include "attnviz/widgets/matrix_text.hpp"

#include <QTest>

using attnviz::Matrix;
using attnviz::widgets::formatNumber;
using attnviz::widgets::matrixToTsv;
using attnviz::widgets::parseMatrixText;

namespace {
Matrix m23()
{
    Matrix m(2, 3);
    m << 1, 2.5, -3, 4e-3, 0, 6;
    return m;
}
}  // namespace

class TestMatrixText : public QObject {
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("tsv") << "1\t2.5\t-3\n0.004\t0\t6\n";
        QTest::newRow("tsv-crlf") << "1\t2.5\t-3\r\n0.004\t0\t6\r\n";
        QTest::newRow("csv") << "1,2.5,-3\n0.004,0,6";
        QTest::newRow("csv-spaces-quotes") << "\"1\", 2.5 , -3\n 4e-3,\"0\",6\n\n";
        QTest::newRow("semicolon-decimal-comma") << "1;2,5;-3\n0,004;0;6";
        QTest::newRow("tsv-decimal-comma") << "1\t2,5\t-3\n0,004\t0\t6";
        QTest::newRow("spaces") << "  1   2.5 -3\n0.004 0  6  ";
        QTest::newRow("numpy") << "[[ 1.     2.5   -3.   ]\n [ 0.004  0.     6.   ]]";
        QTest::newRow("numpy-wrapped-row") << "[[ 1.     2.5\n  -3.   ]\n [ 0.004  0.\n   6.   ]]";
        QTest::newRow("python-list") << "[[1, 2.5, -3], [0.004, 0, 6]]";
        QTest::newRow("numpy-repr") << "array([[ 1.   ,  2.5  , -3.   ],\n       [ 0.004,  0.   ,  6.   ]])";
        QTest::newRow("numpy-repr-dtype") << "array([[1., 2.5, -3.], [0.004, 0., 6.]], dtype=float32)";
        QTest::newRow("torch") << "tensor([[1.0000, 2.5000, -3.0000],\n        [0.0040, 0.0000, 6.0000]])";
        QTest::newRow("unicode-minus") << "1\t2.5\t\u22123\n0.004\t0\t6";
    }

    void parses()
    {
        QFETCH(QString, text);
        const auto r = parseMatrixText(text);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.matrix->rows(), 2);
        QCOMPARE(r.matrix->cols(), 3);
        QVERIFY(r.matrix->isApprox(m23(), 0.0) || *r.matrix == m23());
    }

    void oneDimensional()
    {
        const auto r = parseMatrixText(QStringLiteral("[0.1 0.2 0.7]"));
        QVERIFY(r.ok());
        QCOMPARE(r.matrix->rows(), 1);
        QCOMPARE(r.matrix->cols(), 3);
        QCOMPARE((*r.matrix)(0, 2), 0.7);
        const auto single = parseMatrixText(QStringLiteral(" 42 \n"));
        QVERIFY(single.ok());
        QCOMPARE(single.matrix->size(), 1);
        QCOMPARE((*single.matrix)(0, 0), 42.0);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");  // part of the message the user must see
        QTest::newRow("empty") << "  \n " << "empty";
        QTest::newRow("word") << "1\t2\n3\tfoo" << "row 2, column 2: 'foo' is not a finite number";
        QTest::newRow("nan") << "1,nan" << "'nan' is not a finite number";
        QTest::newRow("inf") << "[[1, inf]]" << "'inf' is not a finite number";
        QTest::newRow("ragged") << "1\t2\t3\n4\t5" << "Row 2 has 2 values but row 1 has 3";
        QTest::newRow("empty-cell") << "1\t\t3" << "Row 1, column 2 is empty";
        QTest::newRow("unbalanced") << "[[1, 2], [3, 4]" << "never closed";
        QTest::newRow("extra-close") << "[1, 2]]" << "no matching";
        QTest::newRow("3d") << "[[[1]]]" << "2-D";
    }

    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        const auto r = parseMatrixText(text);
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains(fragment), qPrintable(r.error));
    }

    void tsvRoundTripIsExact()
    {
        Matrix m(2, 2);
        m << 0.1, 1.0 / 3.0, -2.5e-300, 123456789.125;
        const QString tsv = matrixToTsv(m);
        QCOMPARE(tsv.count(u'\n'), 2);
        QCOMPARE(tsv.split(u'\n').first().count(u'\t'), 1);
        const auto back = parseMatrixText(tsv);
        QVERIFY(back.ok());
        QVERIFY(*back.matrix == m);  // bit-exact, not approximately
        QCOMPARE(formatNumber(0.1), QStringLiteral("0.1"));
    }
};

QTEST_GUILESS_MAIN(TestMatrixText)
#include "test_matrix_text.moc"
