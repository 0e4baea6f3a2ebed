// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot` as users run it: a PNG of the requested size that is not blank, and
// exit status 2 with one stderr line on bad arguments.
#include "../app/attnviz_process.hpp"
#include "image_checks.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

class TestScreenshotCli : public QObject {
    Q_OBJECT

private slots:
    void writesNonBlankPngOfRequestedSize()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("shot.png");
        QByteArray err;
        QCOMPARE(attnviz_test::run_screenshot({"--preset", "tf-tutorial", "--out", out, "--size", "800x600"}, &err), 0);
        QImage image(out);
        QVERIFY2(!image.isNull(), err.constData());
        QCOMPARE(image.size(), QSize(800, 600));
        const int colours = attnviz_test::colourCount(image);
        QVERIFY2(colours > 50, qPrintable(QString::number(colours)));
    }

    void grabsOnePanel()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("heatmap.png");
        QCOMPARE(attnviz_test::run_screenshot({"--variant", "additive", "--panel", "heatmap", "--out", out, "--size", "900x600"}), 0);
        QVERIFY(!QImage(out).isNull());
    }

    void badArgumentsExitTwoWithOneLine()
    {
        QByteArray err;
        QCOMPARE(attnviz_test::run_screenshot({"--preset", "no-such-preset", "--out", "x.png"}, &err), 2);
        QCOMPARE(err.count('\n'), 1);
        QCOMPARE(attnviz_test::run_screenshot({"--size", "big"}, &err), 2);
        QCOMPARE(attnviz_test::run_screenshot({"--preset", "dot"}, &err), 2);  // no --out
        QVERIFY(err.contains("--out"));
    }
};

QTEST_MAIN(TestScreenshotCli)
#include "test_screenshot_cli.moc"
