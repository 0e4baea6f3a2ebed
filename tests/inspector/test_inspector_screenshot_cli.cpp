// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --open FILE ...` as users run it: a non-blank PNG of the requested size
// for every panel, and exit status 2 with one stderr line for bad arguments or a bad file.
#include "../app/attnviz_process.hpp"
#include "../gui/image_checks.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

class TestInspectorScreenshotCli : public QObject {
    Q_OBJECT

private:
    static QString fixture(const char* name) { return QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/") + name; }

private slots:
    void everyPanelIsANonBlankPngOfTheRequestedSize_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("window") << QStringList{"--panel", "window"};
        QTest::newRow("model") << QStringList{"--panel", "model"};
        QTest::newRow("head") << QStringList{"--panel", "head", "--layer", "1"};
        QTest::newRow("heatmap") << QStringList{"--panel", "heatmap", "--layer", "1", "--head", "2"};
        QTest::newRow("rollout") << QStringList{"--panel", "heatmap", "--rollout"};
        QTest::newRow("stats") << QStringList{"--panel", "stats", "--palette", "dark"};
    }

    void everyPanelIsANonBlankPngOfTheRequestedSize()
    {
        QFETCH(QStringList, extra);
        QTemporaryDir dir;
        const QString out = dir.filePath("shot.png");
        QByteArray err;
        QCOMPARE(attnviz_test::run_screenshot(QStringList{"--open", fixture("inspector_small.safetensors"), "--out", out, "--size", "800x560"} + extra, &err), 0);
        const QImage image(out);
        QVERIFY2(!image.isNull(), err.constData());
        QCOMPARE(image.size(), QSize(800, 560));
        const int colours = attnviz_test::colourCount(image, 2);
        QVERIFY2(colours > 20, qPrintable(QString::number(colours)));
    }

    void badInputExitsTwoWithOneLine()
    {
        QTemporaryDir dir;
        QByteArray err;
        QCOMPARE(attnviz_test::run_screenshot({"--open", fixture("inspector_corrupt.npy"), "--out", dir.filePath("x.png")}, &err), 2);
        QCOMPARE(err.count('\n'), 1);
        QVERIFY(err.contains("inspector_corrupt.npy"));
        QCOMPARE(attnviz_test::run_screenshot({"--open", fixture("inspector_small.safetensors")}, &err), 2);
        QVERIFY(err.contains("--out"));
        QCOMPARE(attnviz_test::run_screenshot({"--open", fixture("inspector_small.safetensors"), "--out", dir.filePath("x.png"), "--panel", "nope"}, &err), 2);
        QVERIFY(err.contains("unknown panel"));
        QCOMPARE(attnviz_test::run_screenshot({"--open", fixture("inspector_small.safetensors"), "--out", dir.filePath("x.png"), "--layer", "7"}, &err), 2);
        QVERIFY(err.contains("layer 7 out of range"));
        QVERIFY(!QFile::exists(dir.filePath("x.png")));
    }
};

QTEST_MAIN(TestInspectorScreenshotCli)
#include "test_inspector_screenshot_cli.moc"
