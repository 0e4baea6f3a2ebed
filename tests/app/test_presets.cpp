// SPDX-License-Identifier: GPL-3.0-or-later
// The shipped presets: each parses and computes, and the worked examples give the numbers their
// sources print.
#include "presets.hpp"

#include <QTest>

#include <cmath>

using namespace attnviz;

namespace {

// Largest absolute difference, or infinity when the shapes differ.
double max_diff(const Matrix& a, const Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
    return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

class TestPresets : public QObject {
    Q_OBJECT

private slots:
    void lists_every_preset();
    void unknown_preset_lists_names();
    void tf_tutorial_numbers();
    void d2l_additive_numbers_data();
    void d2l_additive_numbers();
    void every_preset_computes_data();
    void every_preset_computes();
};

void TestPresets::lists_every_preset()
{
    const QStringList names = preset_names();
    QCOMPARE(names.value(0), QStringLiteral("tf-tutorial"));  // the GUI's default comes first
    for (const char* expected : {"d2l-additive", "d2l-additive-6", "dot", "luong-general",
                                 "multi-head", "dense-synthesizer", "random-synthesizer",
                                 "feed-forward", "causal-self-attention"})
        QVERIFY2(names.contains(QLatin1String(expected)), expected);
    for (const QString& name : names) QVERIFY(!preset_json(name).isEmpty());
}

void TestPresets::unknown_preset_lists_names()
{
    QVERIFY(preset_json(QStringLiteral("no-such-preset")).isEmpty());
    QVERIFY(preset_json(QStringLiteral("../presets/tf-tutorial")).isEmpty());
    try {
        load_preset(QStringLiteral("no-such-preset"));
        QFAIL("an unknown preset loaded");
    } catch (const std::invalid_argument& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(QLatin1String("no-such-preset")), e.what());
        QVERIFY2(message.contains(QLatin1String("tf-tutorial")), e.what());
        QVERIFY2(message.contains(QLatin1String("d2l-additive")), e.what());
    }
}

void TestPresets::tf_tutorial_numbers()
{
    const Session s = load_preset(QStringLiteral("tf-tutorial"));
    QCOMPARE(s.variant, Variant::ScaledDot);
    QCOMPARE(s.query_tokens.size(), std::size_t(3));
    QCOMPARE(s.key_tokens.size(), std::size_t(4));
    const ComputeOutcome out = compute_session(s);
    const Matrix weights{{0, 0, 0.5, 0.5}, {0, 1, 0, 0}, {0.5, 0.5, 0, 0}};
    const Matrix output{{550, 5.5}, {10, 0}, {5.5, 0}};
    QVERIFY2(max_diff(out.result.weights, weights) < 1e-9, "weights");
    QVERIFY2(max_diff(out.result.output, output) < 1e-9, "output");
    QVERIFY(!out.params_generated);
}

void TestPresets::d2l_additive_numbers_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("valid_len");
    QTest::addColumn<QList<double>>("output");
    QTest::newRow("valid length 2") << "d2l-additive" << 2 << QList<double>{2, 3, 4, 5};
    QTest::newRow("valid length 6") << "d2l-additive-6" << 6 << QList<double>{10, 11, 12, 13};
}

void TestPresets::d2l_additive_numbers()
{
    QFETCH(QString, name);
    QFETCH(int, valid_len);
    QFETCH(QList<double>, output);
    const Session s = load_preset(name);
    QCOMPARE(s.variant, Variant::Additive);
    QCOMPARE(s.queries.rows(), Index(1));
    QCOMPARE(s.queries.cols(), Index(20));
    QCOMPARE(s.keys.rows(), Index(10));
    QCOMPARE(s.hyper.hidden, Index(8));
    const ComputeOutcome out = compute_session(s);
    QVERIFY(out.params_generated);  // d2l initialises them at random: the output must not care
    QCOMPARE(out.result.output.rows(), Index(1));
    QCOMPARE(out.result.output.cols(), Index(4));
    for (int j = 0; j < 4; ++j)
        QVERIFY2(std::abs(out.result.output(0, j) - output[j]) < 1e-9,
                 qPrintable(QString("column %1: %2").arg(j).arg(out.result.output(0, j), 0, 'g', 17)));
    for (int j = 0; j < 10; ++j) {
        const double expected = j < valid_len ? 1.0 / valid_len : 0.0;
        QVERIFY(std::abs(out.result.weights(0, j) - expected) < 1e-12);
    }
}

void TestPresets::every_preset_computes_data()
{
    QTest::addColumn<QString>("name");
    for (const QString& name : preset_names()) QTest::newRow(qPrintable(name)) << name;
}

void TestPresets::every_preset_computes()
{
    QFETCH(QString, name);
    const Session s = load_preset(name);
    QVERIFY2(!s.name.empty(), "a preset needs a name");
    QVERIFY2(!s.description.empty(), "a preset needs a description");
    const ComputeOutcome out = compute_session(s);
    const Matrix& w = out.result.weights;
    QVERIFY(w.rows() > 0);
    QVERIFY(w.allFinite());
    QVERIFY(out.result.output.allFinite());
    QVERIFY2(out.result.warnings.empty(), out.result.warnings.empty() ? "" : out.result.warnings[0].c_str());
    for (Index i = 0; i < w.rows(); ++i)
        QVERIFY2(std::abs(w.row(i).sum() - 1.0) < 1e-12, qPrintable(QString("row %1").arg(i)));
    // The shipped text reads back through the writer unchanged in meaning.
    const Session again = parse_session(write_session(s));
    QCOMPARE(max_diff(compute_session(again).result.weights, w), 0.0);
}

QTEST_GUILESS_MAIN(TestPresets)
#include "test_presets.moc"
