// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --seq2seq` as users run it: non-blank PNGs of the requested size, the
// train panel after a real (short) run, and exit status 2 with one line on bad arguments.
#include "../app/attnviz_process.hpp"
#include "../gui/image_checks.hpp"

#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using attnviz_test::colourCount;
using attnviz_test::run_attnviz;

class TestSeq2SeqScreenshot : public QObject {
    Q_OBJECT

private slots:
    void windowPngOfTheRequestedSize()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("s2s.png");
        const auto r = run_attnviz({"screenshot", "--seq2seq", "--sentence", "the white dogs like a green house .",
                                    "--step", "3", "--out", out, "--size", "1000x700"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QImage image(out);
        QCOMPARE(image.size(), QSize(1000, 700));
        QVERIFY2(colourCount(image) > 50, qPrintable(QString::number(colourCount(image))));
    }

    void trainPanelAfterAShortRun()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("train.png");
        const auto r = run_attnviz({"screenshot", "--seq2seq", "--train", "reverse", "--epochs", "3", "--panel", "train",
                                    "--out", out, "--palette", "dark", "--size", "1200x800"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QImage image(out);
        QVERIFY(!image.isNull());
        QVERIFY(colourCount(image) > 50);
    }

    void badArguments()
    {
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--seq2seq", "--train", "nope", "--out", "x.png"}), "--train");
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--seq2seq", "--panel", "heatmap", "--out", "x.png"}), "--panel");
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--seq2seq"}), "--out");
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--seq2seq", "--model", "/no/such.safetensors", "--out", "x.png"}),
                                       "such.safetensors");
        // `attnviz screenshot` answers --help itself before handing --seq2seq over.
        QCOMPARE(run_attnviz({"screenshot", "--seq2seq", "--help"}).exit_code, 0);
    }
};

QTEST_MAIN(TestSeq2SeqScreenshot)
#include "test_seq2seq_screenshot.moc"
