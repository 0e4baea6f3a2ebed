// SPDX-License-Identifier: GPL-3.0-or-later
// Renders every widget with QWidget::grab() into $ATTNVIZ_SHOTS_DIR (default
// /tmp/attnviz-shots) so that a person can look at them, and checks they are not blank.
#include "attnviz/widgets/bar_chart_widget.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_editor.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QDir>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using namespace attnviz;
using namespace attnviz::widgets;

namespace {

QString shotsDir()
{
    const QString env = qEnvironmentVariable("ATTNVIZ_SHOTS_DIR");
    return env.isEmpty() ? QStringLiteral("/tmp/attnviz-shots") : env;
}

// Row-wise softmax with masked entries at 0: test data only, the widgets never compute.
Matrix softmaxRows(const Matrix& logits, const BoolMatrix& masked)
{
    Matrix w = Matrix::Zero(logits.rows(), logits.cols());
    for (Index r = 0; r < logits.rows(); ++r) {
        double sum = 0;
        for (Index c = 0; c < logits.cols(); ++c)
            if (!masked(r, c)) sum += w(r, c) = std::exp(logits(r, c));
        if (sum > 0) w.row(r) /= sum;
    }
    return w;
}

bool nonBlank(const QImage& img)
{
    const QRgb first = img.pixel(0, 0);
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2)
            if (img.pixel(x, y) != first) return true;
    return false;
}

void save(QWidget& w, const QString& name)
{
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    if (auto* h = qobject_cast<HeatmapWidget*>(&w)) h->replotNow();
    if (auto* b = qobject_cast<BarChartWidget*>(&w)) b->replotNow();
    const QImage img = w.grab().toImage();
    QVERIFY(nonBlank(img));
    QVERIFY(QDir().mkpath(shotsDir()));
    QVERIFY(img.save(QDir(shotsDir()).filePath(name)));
}

}  // namespace

class TestWidgetScreenshots : public QObject {
    Q_OBJECT

private slots:
    void heatmapSentence()
    {
        const QStringList tokens = {"The", "animal", "didn't", "cross", "the", "street"};
        const Index n = tokens.size();
        Matrix logits = Matrix::Random(n, n) * 2.0;
        BoolMatrix causal = BoolMatrix::Constant(n, n, false);
        for (Index r = 0; r < n; ++r)
            for (Index c = r + 1; c < n; ++c) causal(r, c) = true;
        HeatmapData d;
        d.values = softmaxRows(logits, causal);
        d.masked = causal;
        d.rowLabels = tokens;
        d.colLabels = tokens;
        d.extras = {{QStringLiteral("score"), logits}, {QStringLiteral("logit"), logits}};
        d.title = QStringLiteral("Scaled dot-product attention, causal mask");
        HeatmapWidget w;
        w.resize(620, 520);
        w.setData(d);
        w.setHighlightedRow(2);
        save(w, QStringLiteral("heatmap_sentence.png"));
    }

    void heatmap64Magma()
    {
        HeatmapData d;
        const Matrix logits = Matrix::Random(64, 64) * 3.0;
        d.values = softmaxRows(logits, BoolMatrix::Constant(64, 64, false));
        d.title = QStringLiteral("64 × 64, autoscaled, magma");
        HeatmapWidget w;
        w.resize(620, 560);
        w.setColormap(Colormap::Magma);
        w.setAutoscale(true);
        w.setData(d);
        save(w, QStringLiteral("heatmap_64_magma.png"));
    }

    void heatmap512()
    {
        HeatmapData d;
        d.values = Matrix::Random(512, 512).cwiseAbs();
        BoolMatrix causal = BoolMatrix::Constant(512, 512, false);
        for (Index r = 0; r < 512; ++r) causal.row(r).tail(511 - r).setConstant(true);
        d.masked = causal;
        d.title = QStringLiteral("512 × 512, causal");
        HeatmapWidget w;
        w.resize(700, 640);
        w.setData(d);
        save(w, QStringLiteral("heatmap_512.png"));
    }

    void heatmapDifference()
    {
        HeatmapData d;
        d.values = Matrix::Random(8, 10) * 0.3;
        d.rowLabels = {"je", "suis", "un", "étudiant", "très", "content", "de", "venir"};
        d.colLabels = {"I", "am", "a", "student", "who", "is", "very", "happy", "to", "come"};
        d.valueName = QStringLiteral("Δ weight");
        d.title = QStringLiteral("Additive − dot-product");
        HeatmapWidget w;
        w.resize(640, 480);
        w.setColormap(Colormap::BlueWhiteRed);
        w.setAutoscale(true);
        w.setData(d);
        save(w, QStringLiteral("heatmap_difference.png"));
    }

    void heatmapOneRow()
    {
        HeatmapData d;
        Matrix row(1, 5);
        row << 0.1, 0.2, 0.4, 0.2, 0.1;
        d.values = row;
        d.colLabels = {"k0", "k1", "k2", "k3", "k4"};
        d.rowLabels = {"pool"};
        d.title = QStringLiteral("Feed-forward attention");
        HeatmapWidget w;
        w.resize(560, 220);
        w.setData(d);
        save(w, QStringLiteral("heatmap_one_row.png"));
    }

    void darkPalette()
    {
        // The window's dark palette: plots must follow it (QCustomPlot does not by itself).
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 45, 48));
        dark.setColor(QPalette::Base, QColor(30, 30, 32));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Mid, QColor(90, 90, 90));
        HeatmapData d;
        d.values = Matrix::Random(5, 5).cwiseAbs();
        BoolMatrix mask = BoolMatrix::Constant(5, 5, false);
        mask(0, 4) = mask(1, 4) = true;
        d.masked = mask;
        d.title = QStringLiteral("Dark palette");
        HeatmapWidget w;
        w.setPalette(dark);
        w.resize(520, 440);
        w.setData(d);
        save(w, QStringLiteral("heatmap_dark.png"));
        BarChartData b;
        b.values = d.values->row(2);
        b.entropy = 1.2;
        b.title = QStringLiteral("Dark palette");
        BarChartWidget bars;
        bars.setPalette(dark);
        bars.resize(480, 300);
        bars.setData(b);
        save(bars, QStringLiteral("bar_chart_dark.png"));
    }

    void barChart()
    {
        BarChartData d;
        d.values.resize(6);
        d.values << 0.05, 0.52, 0.18, 0.15, 0.10, 0.0;
        d.labels = {"The", "animal", "didn't", "cross", "the", "street"};
        d.masked = {false, false, false, false, false, true};
        d.entropy = 1.3177;
        d.caption = QStringLiteral("Uniform attention over 5 keys would have H = ln 5 = 1.609.");
        d.title = QStringLiteral("Query “it”: weights over the keys");
        BarChartWidget w;
        w.resize(560, 340);
        w.setData(d);
        save(w, QStringLiteral("bar_chart.png"));
    }

    void matrixEditor()
    {
        QUndoStack stack;
        MatrixTableModel model(&stack);
        model.setName(QStringLiteral("Q"));
        Matrix q(4, 3);
        q << 1, 0, 0.5, 0, 1, -0.25, 0.333333, 0.125, 2, -1.5, 1e-4, 12345.678;
        model.resetContents(q, {"The", "animal", "didn't", "cross"});
        MatrixEditor editor;
        editor.setModel(&model);
        editor.setTitle(QStringLiteral("Q — queries"));
        editor.resize(560, 260);
        save(editor, QStringLiteral("matrix_editor.png"));
        model.setColumnsLocked(true);
        model.setRowsLocked(true);
        save(editor, QStringLiteral("matrix_editor_locked.png"));
    }
};

QTEST_MAIN(TestWidgetScreenshots)
#include "test_widget_screenshots.moc"
