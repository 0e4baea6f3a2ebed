// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --lab` as users run it: a non-blank PNG of the requested size after a short
// real run (with the one-layer comparison), each panel, and exit status 2 with one line on bad
// arguments.
#include "../app/attnviz_process.hpp"
#include "image_checks.hpp"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using attnviz_test::colourCount;
using attnviz_test::run_attnviz;

class TestLabScreenshot : public QObject {
    Q_OBJECT

private slots:
    void windowAfterAShortRun()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("lab.png");
        const auto r = run_attnviz({"screenshot", "--lab", "--train", "induction", "--steps", "10", "--compare", "--out",
                                    out, "--size", "1200x800"});
        QVERIFY2(r.exit_code == 0, r.err.constData());
        const QImage image(out);
        QCOMPARE(image.size(), QSize(1200, 800));
        QVERIFY2(colourCount(image) > 50, qPrintable(QString::number(colourCount(image))));
    }

    void panels()
    {
        QTemporaryDir dir;
        for (const char* panel : {"curves", "heads"}) {
            const QString out = dir.filePath(QString::fromLatin1(panel) + ".png");
            const auto r = run_attnviz({"screenshot", "--lab", "--train", "copy", "--steps", "5", "--metric", "entropy",
                                        "--panel", panel, "--palette", "dark", "--out", out});
            QVERIFY2(r.exit_code == 0, r.err.constData());
            const QImage image(out);
            QVERIFY(!image.isNull());
            QVERIFY(image.width() < 1600);  // the panel, not the window
            QVERIFY(colourCount(image) > 20);
        }
    }

    void badArguments()
    {
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--lab", "--train", "nope", "--out", "x.png"}), "--train");
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--lab", "--steps", "5", "--out", "x.png"}), "--train");
        attnviz_test::expect_bad_input(
            run_attnviz({"screenshot", "--lab", "--train", "sort", "--steps", "0", "--out", "x.png"}), "--steps");
        attnviz_test::expect_bad_input(run_attnviz({"screenshot", "--lab", "--panel", "nope", "--out", "x.png"}), "panel");
    }
};

QTEST_MAIN(TestLabScreenshot)
#include "test_lab_screenshot.moc"
