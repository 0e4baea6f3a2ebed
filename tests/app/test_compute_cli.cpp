// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz compute` as a user runs it: the real executable, its stdout, stderr and exit status.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include "attnviz_process.hpp"

#include <QTest>

#include <cmath>
#include <vector>

namespace {

using namespace attnviz_test;

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size()) qFatal("cannot write %s", qPrintable(path));
    return path;
}

// An additive session whose W_q is 8x3 where 8x4 is needed.
QByteArray broken_session()
{
    return R"({"format": "attnviz-session", "version": 1, "variant": "additive",
  "queries": [[1, 2, 3, 4]], "keys": [[1, 2]],
  "params": {"W_q": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]],
             "W_k": [[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2]],
             "w_v": [1, 1, 1, 1, 1, 1, 1, 1]}}
)";
}

// The matrix under `key` of a JSON object, as rows of doubles.
QList<QList<double>> matrix(const QJsonObject& o, const char* key)
{
    QList<QList<double>> rows;
    for (const QJsonValue& row : o.value(QLatin1String(key)).toArray()) {
        QList<double> r;
        for (const QJsonValue& x : row.toArray()) r << x.toDouble();
        rows << r;
    }
    return rows;
}

// `got` equals the row-major `expected` of `cols` columns to 1e-9.
bool close_to(const QList<QList<double>>& got, const std::vector<double>& expected, qsizetype cols)
{
    if (got.size() * cols != static_cast<qsizetype>(expected.size())) return false;
    for (qsizetype i = 0; i < got.size(); ++i) {
        if (got[i].size() != cols) return false;
        for (qsizetype j = 0; j < cols; ++j)
            if (std::abs(got[i][j] - expected[static_cast<std::size_t>(i * cols + j)]) > 1e-9) {
                qWarning("row %d, column %d: got %.17g", int(i), int(j), got[i][j]);
                return false;
            }
    }
    return true;
}

}  // namespace

class TestComputeCli : public QObject {
    Q_OBJECT

private slots:
    void preset_tf_tutorial();
    void file_and_stdin_give_the_same_result();
    void broken_params_exit_2();
    void syntax_error_exit_2_with_position();
    void missing_file_exit_2();
    void unknown_preset_lists_names();
    void list_presets();
    void help_and_version();
};

void TestComputeCli::preset_tf_tutorial()
{
    const Run r = run_attnviz({"compute", "--preset", "tf-tutorial"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.isEmpty(), r.err.constData());
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(doc.isObject());
    const QJsonObject o = doc.object();
    QCOMPARE(o.value("variant").toString(), QStringLiteral("scaled_dot"));
    const std::vector<double> weights{0, 0, 0.5, 0.5, /**/ 0, 1, 0, 0, /**/ 0.5, 0.5, 0, 0};
    const std::vector<double> output{550, 5.5, /**/ 10, 0, /**/ 5.5, 0};
    QVERIFY(close_to(matrix(o, "weights"), weights, 4));
    QVERIFY(close_to(matrix(o, "output"), output, 2));
    QCOMPARE(matrix(o, "scores").value(0).value(2), 100.0);
    QVERIFY(o.value("warnings").isArray());
    QVERIFY(!o.contains("params"));  // the tutorial has no parameters to report
    QVERIFY(!o.contains("heads"));

    // --compact prints the same object on one line.
    const Run compact = run_attnviz({"compute", "--compact", "--preset=tf-tutorial"});
    QCOMPARE(compact.exit_code, 0);
    QCOMPARE(compact.out.trimmed().count('\n'), 0);
    QVERIFY(QJsonDocument::fromJson(compact.out).object() == o);
}

void TestComputeCli::file_and_stdin_give_the_same_result()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray session = R"({"format": "attnviz-session", "version": 1, "variant": "additive",
        "queries": [[1, 2]], "keys": [[1, 0], [0, 1], [1, 1]], "seed": 5, "hidden": 3,
        "mask": {"valid_len": 2}})";
    const QString path = write_file(dir, "ok.json", session);
    const Run from_file = run_attnviz({"compute", path});
    const Run from_stdin = run_attnviz({"compute", "-"}, session);
    QCOMPARE(from_file.exit_code, 0);
    QCOMPARE(from_stdin.exit_code, 0);
    QCOMPARE(from_file.out, from_stdin.out);
    const QJsonObject o = QJsonDocument::fromJson(from_file.out).object();
    // Generated parameters are reported, with the hidden size asked for.
    QCOMPARE(o.value("params").toObject().value("W_q").toArray().size(), 3);
    // The masked third key: null logit, zero weight.
    QVERIFY(o.value("logits").toArray()[0].toArray()[2].isNull());
    QCOMPARE(o.value("weights").toArray()[0].toArray()[2].toDouble(), 0.0);
}

void TestComputeCli::broken_params_exit_2()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = write_file(dir, "broken.json", broken_session());
    const Run r = run_attnviz({"compute", path});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.out.isEmpty());
    const QString err = QString::fromUtf8(r.err);
    QCOMPARE(err.count('\n'), 1);  // one line
    QVERIFY2(err.startsWith("attnviz compute: " + path + ": params.W_q: expected 8x4, got 8x3"),
             r.err.constData());
}

void TestComputeCli::syntax_error_exit_2_with_position()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = write_file(dir, "syntax.json",
                                    "{\n  \"format\": \"attnviz-session\",\n  \"version\": 1\n  \"variant\": \"dot\"\n}\n");
    const Run r = run_attnviz({"compute", path});
    QCOMPARE(r.exit_code, 2);
    const QString err = QString::fromUtf8(r.err);
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("attnviz compute: " + path + ": line 4, column 3: expected ',' or '}'"),
             r.err.constData());

    const Run from_stdin = run_attnviz({"compute", "-"}, "[1,]");
    QCOMPARE(from_stdin.exit_code, 2);
    QVERIFY2(from_stdin.err.startsWith("attnviz compute: stdin: line 1, column 4: "),
             from_stdin.err.constData());
}

void TestComputeCli::missing_file_exit_2()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("absent.json");
    const Run r = run_attnviz({"compute", path});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.startsWith(("attnviz compute: " + path + ": cannot read").toUtf8()), r.err.constData());

    QCOMPARE(run_attnviz({"compute"}).exit_code, 2);
    QCOMPARE(run_attnviz({"compute", "--bogus"}).exit_code, 2);
    QCOMPARE(run_attnviz({"compute", "a.json", "b.json"}).exit_code, 2);
}

void TestComputeCli::unknown_preset_lists_names()
{
    const Run r = run_attnviz({"compute", "--preset", "nope"});
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("nope") && r.err.contains("tf-tutorial") && r.err.contains("multi-head"),
             r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
}

void TestComputeCli::list_presets()
{
    const Run r = run_attnviz({"compute", "--list-presets"});
    QCOMPARE(r.exit_code, 0);
    const QStringList names = QString::fromUtf8(r.out).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(names.value(0), QStringLiteral("tf-tutorial"));
    QVERIFY(names.contains("d2l-additive-6"));
    QVERIFY(names.contains("causal-self-attention"));
    // Every listed preset computes.
    for (const QString& name : names) QCOMPARE(run_attnviz({"compute", "--preset", name}).exit_code, 0);
}

void TestComputeCli::help_and_version()
{
    const Run help = run_attnviz({"compute", "--help"});
    QCOMPARE(help.exit_code, 0);
    QVERIFY(help.out.contains("Usage: attnviz compute"));
    QVERIFY(help.out.contains("--preset"));
    QVERIFY(help.out.contains("--list-presets"));

    const Run top = run_attnviz({"--help"});
    QCOMPARE(top.exit_code, 0);
    QVERIFY(top.out.contains("compute"));

    const Run version = run_attnviz({"--version"});
    QCOMPARE(version.exit_code, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^attnviz \\d+\\.\\d+\\.\\d+\n$"))
                 .match(QString::fromUtf8(version.out))
                 .hasMatch(),
             version.out.constData());
}

QTEST_GUILESS_MAIN(TestComputeCli)
#include "test_compute_cli.moc"
