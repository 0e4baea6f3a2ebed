// SPDX-License-Identifier: GPL-3.0-or-later
// The result panels draw what the snapshot holds: step maps carry the result's logits and
// weights, the query focus its entropy and weighted sum, the compare panel the right cell.
// Every panel is also rendered to /tmp/panel-shots/ for a look.
#include "gui/panels/compare_panel.hpp"
#include "gui/panels/formula_text.hpp"
#include "gui/panels/formula_view.hpp"
#include "gui/panels/query_focus_panel.hpp"
#include "gui/panels/step_inspector_panel.hpp"
#include "presets.hpp"

#include "attnviz/widgets/bar_chart_widget.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QDir>
#include <QLabel>
#include <QTest>
#include <qcustomplot.h>

#include <map>

#include <cmath>
#include <functional>

using namespace attnviz;
using namespace attnviz::gui::panels;
using attnviz::playground::ResultSnapshot;
using attnviz::playground::ResultSnapshotPtr;

namespace {

ResultSnapshotPtr snapshot(const QString& preset, const std::function<void(Session&)>& edit = {})
{
    auto s = std::make_shared<ResultSnapshot>();
    s->session = load_preset(preset);
    if (edit) edit(s->session);
    s->outcome = compute_session(s->session);
    deriveForDisplay(*s);
    return s;
}

// Equal, with -inf (masked logits) equal to -inf.
bool sameMatrix(const Matrix& a, const Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Index i = 0; i < a.size(); ++i)
        if (!(a(i) == b(i))) return false;
    return true;
}

// Lays out and draws every plot now, then writes the panel as it looks to /tmp/panel-shots/.
void shoot(QWidget* panel, QSize size, const QString& name)
{
    panel->resize(size);
    panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel));
    QCoreApplication::processEvents();
    for (auto* h : panel->findChildren<widgets::HeatmapWidget*>()) h->replotNow();
    for (auto* b : panel->findChildren<widgets::BarChartWidget*>()) b->replotNow();
    QDir().mkpath(QStringLiteral("/tmp/panel-shots"));
    const QImage image = panel->grab().toImage();
    QCOMPARE(image.size(), size);
    QVERIFY(image.save(QStringLiteral("/tmp/panel-shots/%1.png").arg(name)));
}

}  // namespace

class TestPanels : public QObject {
    Q_OBJECT

private slots:
    void stepInspectorHoldsTheChain()
    {
        const ResultSnapshotPtr s = snapshot(QStringLiteral("causal-self-attention"));
        StepInspectorPanel panel;
        QCOMPARE(panel.objectName(), QStringLiteral("stepInspector"));
        panel.showResult(s);
        const AttentionResult& r = s->outcome.result;
        QVERIFY(sameMatrix(panel.stepMap(QStringLiteral("scores"))->data().values, r.scores));
        QVERIFY(sameMatrix(panel.stepMap(QStringLiteral("scaled"))->data().values, r.scaled()));
        QVERIFY(sameMatrix(panel.stepMap(QStringLiteral("logits"))->data().values, r.logits));
        QVERIFY(sameMatrix(panel.stepMap(QStringLiteral("weights"))->data().values, r.weights));
        QVERIFY(sameMatrix(panel.stepMap(QStringLiteral("output"))->data().values, r.output));
        QVERIFY((*panel.stepMap(QStringLiteral("weights"))->data().masked == r.masked).all());
        QVERIFY(panel.stepMap(QStringLiteral("scaled"))->isVisibleTo(&panel));
        QVERIFY(panel.headMaps().isEmpty());
        QVERIFY(!panel.feedForwardBars()->isVisibleTo(&panel));
        shoot(&panel, {1100, 300}, QStringLiteral("step-inspector-causal"));
        // The drawn colour map holds the numbers too.
        auto* weights = panel.stepMap(QStringLiteral("weights"));
        QCOMPARE(weights->colorMap()->data()->cell(0, 2), r.weights(2, 0));  // cell(column, row)
    }

    void stepInspectorMultiHead()
    {
        const ResultSnapshotPtr s = snapshot(QStringLiteral("multi-head"));
        StepInspectorPanel panel;
        panel.showResult(s);
        const auto& heads = s->outcome.result.heads;
        QCOMPARE(panel.headMaps().size(), static_cast<int>(heads.size()) + 1);
        for (std::size_t t = 0; t < heads.size(); ++t)
            QVERIFY(sameMatrix(panel.headMaps()[static_cast<int>(t)]->data().values, heads[t].weights));
        QCOMPARE(panel.headMaps().last()->objectName(), QStringLiteral("head.mean"));
        QVERIFY(sameMatrix(panel.headMaps().last()->data().values, s->outcome.result.weights));
        shoot(&panel, {900, 300}, QStringLiteral("step-inspector-multi-head"));

        // Back to a single-head variant: the head maps go away.
        panel.showResult(snapshot(QStringLiteral("tf-tutorial")));
        QVERIFY(panel.headMaps().isEmpty());
        QVERIFY(panel.stepMap(QStringLiteral("logits"))->isVisibleTo(&panel));
        shoot(&panel, {900, 300}, QStringLiteral("step-inspector-tf-tutorial"));
    }

    void stepInspectorMultiHeadLargeTooltips()
    {
        // Above 256² the heads keep no scores or logits: the head maps' tooltips get them from
        // the core on demand, and they agree with the definition (score = the head's query ·
        // key, logit = score / √(h/H) / T) and with the same cell of a small problem.
        const ResultSnapshotPtr s = snapshot(QStringLiteral("multi-head"), [](Session& x) {
            x.queries = Matrix::NullaryExpr(300, 2, [](Index i, Index c) { return std::sin(double(i * 2 + c)); });
            x.keys = x.queries;
            x.values = x.queries;
            x.query_tokens.clear();
            x.key_tokens.clear();
            x.temperature = 0.5;
        });
        const AttentionResult& r = s->outcome.result;
        QCOMPARE(r.heads.size(), std::size_t(2));
        QCOMPARE(r.heads[0].scores.size(), Index(0));  // not kept
        StepInspectorPanel panel;
        panel.showResult(s);
        QCOMPARE(panel.headMaps().size(), 3);
        // Head 2 (W_q rows 2-3 = identity, W_k rows 2-3 swap the axes): score(i, j) =
        // q_i0 · q_j1 + q_i1 · q_j0; scale 1/√2; T = 0.5.
        const Matrix& q = s->session.queries;
        for (const auto& [i, j] : {std::pair{Index(0), Index(0)}, std::pair{Index(17), Index(250)},
                                   std::pair{Index(299), Index(3)}}) {
            const double score = q(i, 0) * q(j, 1) + q(i, 1) * q(j, 0);
            const double logit = score / std::sqrt(2.0) / 0.5;
            QCOMPARE(r.heads[1].score(i, j), score);  // two products: exact either way
            QVERIFY(std::abs(r.heads[1].logit(i, j, false) - logit) < 1e-15);  // one rounding
            const QString tip = panel.headMaps()[1]->cellToolTip(int(i), int(j));
            QVERIFY2(tip.contains(QStringLiteral("score: ")), qPrintable(tip));
            QVERIFY2(tip.contains(QStringLiteral("logit: ")), qPrintable(tip));
            QVERIFY2(tip.contains(QStringLiteral("weight: ")), qPrintable(tip));
        }
        // The tooltip shows this cell's score: the same text as a map whose extra is a matrix.
        auto data = panel.headMaps()[1]->data();
        Matrix scores(300, 300);
        for (Index j = 0; j < 300; ++j)
            for (Index i = 0; i < 300; ++i) scores(i, j) = r.heads[1].score(i, j);
        data.extras = {{QStringLiteral("score"), scores}};
        widgets::HeatmapWidget reference;
        reference.setData(data);
        QVERIFY(panel.headMaps()[1]->cellToolTip(17, 250).startsWith(
            reference.cellToolTip(17, 250).section(u'\n', 0, 2)));
        shoot(&panel, {900, 300}, QStringLiteral("step-inspector-multi-head-300"));
    }

    void stepInspectorFeedForward()
    {
        const ResultSnapshotPtr s = snapshot(QStringLiteral("feed-forward"));
        StepInspectorPanel panel;
        panel.showResult(s);
        QVERIFY(panel.feedForwardBars()->isVisibleTo(&panel));
        QVERIFY(panel.feedForwardBars()->data().values.isApprox(s->outcome.result.weights.row(0)));
        QVERIFY(panel.feedForwardExplanation()->text().contains(QStringLiteral("RepeatVector")));
        QVERIFY(panel.feedForwardExplanation()->text().contains(QStringLiteral("Permute")));
        QVERIFY(!panel.stepMap(QStringLiteral("logits"))->isVisibleTo(&panel));
        shoot(&panel, {900, 300}, QStringLiteral("step-inspector-feed-forward"));
    }

    void queryFocusEntropyAndSum()
    {
        QueryFocusPanel panel;
        QCOMPARE(panel.objectName(), QStringLiteral("queryFocus"));
        panel.showResult(snapshot(QStringLiteral("tf-tutorial")));
        // Query 0 splits its weight over "z" and "z again" and averages their values.
        panel.setFocusedQuery(0);
        QVERIFY2(panel.weightedSumLine().contains(QStringLiteral("0.50 × v(z) + 0.50 × v(z again)")),
                 qPrintable(panel.weightedSumLine()));
        QVERIFY(panel.weightedSumLine().contains(QStringLiteral("[550, 5.5]")));
        QVERIFY(std::abs(*panel.bars()->data().entropy - std::log(2.0)) < 1e-6);
        // Query 1 puts all its weight on "y": entropy 0.
        panel.setFocusedQuery(1);
        QVERIFY(*panel.bars()->data().entropy < 1e-6);
        QVERIFY(panel.weightedSumLine().endsWith(QStringLiteral("= [10, 0]")));
        QVERIFY2(panel.entropyLine().startsWith(QStringLiteral("Entropy H = 0.000 nats = 0.00 of ln 4")),
                 qPrintable(panel.entropyLine()));
        shoot(&panel, {600, 300}, QStringLiteral("query-focus-tf-tutorial"));

        // All-zero R scores every key alike: uniform weights, entropy ln n_k.
        panel.showResult(snapshot(QStringLiteral("random-synthesizer"), [](Session& s) {
            s.params.tensors["R"] = Matrix::Zero(3, 3);
        }));
        QVERIFY(std::abs(*panel.bars()->data().entropy - std::log(3.0)) < 1e-12);
        QVERIFY2(panel.entropyLine().contains(QStringLiteral("1.099 nats = 1.00 of ln 3")),
                 qPrintable(panel.entropyLine()));
        shoot(&panel, {600, 300}, QStringLiteral("query-focus-uniform"));

        // Six valid keys of ten share the weight; the four masked ones are drawn apart.
        panel.showResult(snapshot(QStringLiteral("d2l-additive-6")));
        QVERIFY2(panel.weightedSumLine().endsWith(QStringLiteral("= [10, 11, 12, 13]")),
                 qPrintable(panel.weightedSumLine()));
        QVERIFY(std::abs(*panel.bars()->data().entropy - std::log(6.0)) < 1e-9);
        shoot(&panel, {600, 300}, QStringLiteral("query-focus-d2l-masked"));
        // The focus is clamped into the rows a smaller result has.
        panel.setFocusedQuery(7);
        QCOMPARE(panel.focusedQuery(), 0);
    }

    void compareTemperatures()
    {
        ComparePanel panel;
        QCOMPARE(panel.objectName(), QStringLiteral("compare"));
        panel.showResult(snapshot(QStringLiteral("tf-tutorial")));
        panel.setSettings({std::nullopt, 100.0});
        // At T = 100 the logits shrink 100-fold: "looks for y" keeps only 0.37 on "y".
        QVERIFY2(panel.sentence() ==
                     QStringLiteral("Largest difference: query “looks for y”, key “y”: 1.00 (A) vs 0.37 (B)"),
                 qPrintable(panel.sentence()));
        QVERIFY(panel.mapDifference()->isVisibleTo(&panel));
        QVERIFY(sameMatrix(panel.mapDifference()->data().values,
                           *panel.mapA()->data().values - *panel.mapB()->data().values));
        shoot(&panel, {900, 320}, QStringLiteral("compare-tf-tutorial-T100"));
    }

    void compareVariants()
    {
        ComparePanel panel;
        panel.showResult(snapshot(QStringLiteral("dot")));
        // Dot vs scaled dot on Q = K = [[1,0],[0,2],[1,1]]: "two"·"two" = 4 is the score that
        // loses most when divided by √2 (0.87 → 0.77).
        panel.setSettings({Variant::ScaledDot, 1.0});
        QVERIFY2(panel.sentence() ==
                     QStringLiteral("Largest difference: query “two”, key “two”: 0.87 (A) vs 0.77 (B)"),
                 qPrintable(panel.sentence()));
    }

    void compareErrorsBecomeMessages()
    {
        ComparePanel panel;
        // h = 7 cannot be split into 2 heads: B fails, the panel says so.
        panel.showResult(snapshot(QStringLiteral("tf-tutorial"), [](Session& s) { s.hyper.hidden = 7; }));
        panel.setSettings({Variant::MultiHead, 1.0});
        QVERIFY2(panel.sentence().startsWith(QStringLiteral("B cannot run on these inputs")),
                 qPrintable(panel.sentence()));
        QVERIFY(!panel.mapDifference()->isVisibleTo(&panel));
        // Feed-forward pools into one row: no difference map, but a message.
        panel.setSettings({Variant::FeedForward, 1.0});
        QVERIFY2(panel.sentence().contains(QStringLiteral("no difference map")), qPrintable(panel.sentence()));
        // Generated parameters for another variant run fine.
        panel.setSettings({Variant::Additive, 1.0});
        QVERIFY2(panel.sentence().startsWith(QStringLiteral("Largest difference")), qPrintable(panel.sentence()));
        shoot(&panel, {900, 320}, QStringLiteral("compare-tf-tutorial-additive"));

        // Too large to recompute at every edit: skipped with a note.
        ResultSnapshot big;
        big.outcome.result.weights = Matrix::Zero(600, 600);
        QVERIFY(compareWith(big, {}).message.startsWith(QStringLiteral("Comparison skipped")));
    }

    void formulaHasShapes()
    {
        const ResultSnapshotPtr tf = snapshot(QStringLiteral("tf-tutorial"));
        const QString html = formulaHtml(*tf);
        QVERIFY(html.contains(QStringLiteral("n<sub>q</sub> = 3")));
        QVERIFY(html.contains(QStringLiteral("n<sub>k</sub> = 4")));
        QVERIFY(html.contains(QStringLiteral("d<sub>k</sub> = 3")));
        QVERIFY(html.contains(QStringLiteral("d<sub>v</sub> = 2")));
        QVERIFY(html.contains(QStringLiteral("√d<sub>k</sub> = √3 = 1.73")));
        QVERIFY(html.contains(QStringLiteral("T = 1")));
        QVERIFY(formulaHtml(*snapshot(QStringLiteral("multi-head"))).contains(QStringLiteral("H = 2")));
        QVERIFY(formulaHtml(*snapshot(QStringLiteral("causal-self-attention")))
                    .contains(QStringLiteral("causal (6 of 16 cells masked)")));
        // Every variant has its formula, with its own marker.
        const std::map<Variant, QString> marker = {
            {Variant::Dot, QStringLiteral("no scaling")},
            {Variant::ScaledDot, QStringLiteral("√d<sub>k</sub>")},
            {Variant::Additive, QStringLiteral("tanh(W<sub>q</sub>")},
            {Variant::LuongGeneral, QStringLiteral("W<sub>a</sub> k<sub>j</sub>")},
            {Variant::MultiHead, QStringLiteral("concat(head")},
            {Variant::DenseSynthesizer, QStringLiteral("relu(W<sub>1</sub>")},
            {Variant::RandomSynthesizer, QStringLiteral("R<sub>")},
            {Variant::FeedForward, QStringLiteral("RepeatVector")},
        };
        FormulaView view;
        QCOMPARE(view.objectName(), QStringLiteral("formula"));
        for (Variant v : kAllVariants) {
            const ResultSnapshotPtr s = snapshot(QStringLiteral("tf-tutorial"), [v](Session& ses) {
                ses.variant = v;
                ses.params_given = false;
            });
            const QString text = formulaHtml(*s);
            QVERIFY2(text.contains(marker.at(v)), qPrintable(text));
            view.showResult(s);
            if (v == Variant::MultiHead) shoot(&view, {600, 240}, QStringLiteral("formula-multi-head"));
        }
        view.showResult(tf);
        QVERIFY(view.toPlainText().contains(QStringLiteral("n_q = 3")) ||
                view.toPlainText().contains(QStringLiteral("nq = 3")));
        shoot(&view, {600, 240}, QStringLiteral("formula-tf-tutorial"));
    }
};

QTEST_MAIN(TestPanels)
#include "test_panels.moc"
