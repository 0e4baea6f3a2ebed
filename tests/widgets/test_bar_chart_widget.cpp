// SPDX-License-Identifier: GPL-3.0-or-later
// BarChartWidget: bars follow the data, the caption carries the entropy, exports work.
#include "attnviz/widgets/bar_chart_widget.hpp"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

using namespace attnviz;
using namespace attnviz::widgets;

class TestBarChartWidget : public QObject {
    Q_OBJECT

private slots:
    void barsCaptionAndClicks()
    {
        BarChartWidget w;
        w.resize(500, 320);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        BarChartData d;
        d.values.resize(4);
        d.values << 0.1, 0.6, 0.3, 0.0;
        d.labels = {"the", "cat", "sat", "on"};
        d.masked = {false, false, false, true};
        d.entropy = 0.8979;
        d.title = QStringLiteral("Query “cat”");
        w.setData(d);
        w.replotNow();
        QVERIFY(w.captionText().contains(QStringLiteral("Entropy H = 0.898 nats")));
        QVERIFY(w.captionText().contains(QStringLiteral("Masked keys")));
        auto* bars = qobject_cast<QCPBars*>(w.plot()->plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->dataCount(), 3);  // the masked bar is drawn apart
        QCOMPARE(bars->data()->at(1)->value, 0.6);
        // Taller bar, higher on screen.
        QVERIFY(w.barTop(1).y() < w.barTop(0).y());

        QSignalSpy clicked(&w, &BarChartWidget::barClicked);
        const QPointF mid = (w.barTop(1) + QPointF(w.barTop(1).x(), w.plot()->yAxis->coordToPixel(0))) / 2;
        QTest::mouseClick(w.plot(), Qt::LeftButton, Qt::NoModifier, mid.toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toInt(), 1);
    }

    void exports()
    {
        QTemporaryDir dir;
        BarChartWidget w;
        BarChartData d;
        d.values = RowVector::Constant(6, 1.0 / 6);
        w.setData(d);
        for (const char* name : {"bars.png", "bars.svg", "bars.pdf"}) {
            const QString path = dir.filePath(QString::fromLatin1(name));
            QVERIFY(w.exportTo(path, QSize(600, 300)));
            QVERIFY(QFileInfo(path).size() > 200);
        }
    }
};

QTEST_MAIN(TestBarChartWidget)
#include "test_bar_chart_widget.moc"
