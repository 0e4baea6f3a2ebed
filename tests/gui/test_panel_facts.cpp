// SPDX-License-Identifier: GPL-3.0-or-later
// The result panels branch on the core's variant facts, not on names: pooling labels, the
// projection a result went through, the head maps (at most 16 drawn, however many heads), and
// the temperature written as the user gave it.
#include "gui/panels/formula_text.hpp"
#include "gui/panels/panel_labels.hpp"
#include "gui/panels/query_focus_text.hpp"
#include "gui/panels/step_inspector_panel.hpp"
#include "presets.hpp"

#include "attnviz/widgets/bar_chart_widget.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QLabel>
#include <QTest>

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

bool same(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}

// The texts of the step inspector's arrows, in order.
QStringList arrows(const StepInspectorPanel& panel)
{
    QStringList out;
    for (const QLabel* l : panel.findChildren<QLabel*>())
        if (l->text().startsWith(QStringLiteral("<big>→</big>"))) out << l->text();
    return out;
}

}  // namespace

class TestPanelFacts : public QObject {
    Q_OBJECT

private slots:
    void stepInspectorDrawsAtMost16Heads()
    {
        // Issue 11: "hidden" = heads = 1000 on a 2 × 3 session made a thousand plots (4.8 s,
        // 842 MB) for a 0.07 s computation.
        const ResultSnapshotPtr s = snapshot(QStringLiteral("tf-tutorial"), [](Session& ses) {
            ses.variant = Variant::MultiHead;
            ses.queries = ses.queries.topRows(2);
            ses.query_tokens.resize(2);
            ses.keys = ses.keys.topRows(3);
            ses.values = ses.values.topRows(3);
            ses.key_tokens.resize(3);
            ses.mask = {};
            ses.hyper.hidden = 1000;
            ses.hyper.num_heads = 1000;
        });
        QCOMPARE(s->outcome.result.heads.size(), std::size_t(1000));
        StepInspectorPanel panel;
        panel.showResult(s);
        const QList<widgets::HeatmapWidget*> maps = panel.headMaps();
        QCOMPARE(maps.size(), 17);
        for (int t = 0; t < 16; ++t)
            QVERIFY(same(maps[t]->data().values, s->outcome.result.heads[std::size_t(t)].weights));
        // The mean is over all of them, and says so; so does the header.
        QVERIFY(same(maps.last()->data().values, s->outcome.result.weights));
        QVERIFY2(maps.last()->data().title.contains(QStringLiteral("over 1000 heads")),
                 qPrintable(maps.last()->data().title));
        QVERIFY(panel.findChildren<widgets::HeatmapWidget*>().size() <= 5 + 17);
        bool said = false;
        for (const QLabel* l : panel.findChildren<QLabel*>())
            said = said || l->text().contains(QStringLiteral("Heads 1–16 of 1000 are drawn"));
        QVERIFY(said);
        // The formula keeps the true H.
        QVERIFY(formulaHtml(*s).contains(QStringLiteral("H = 1000")));

        // Two heads: both drawn, no note.
        StepInspectorPanel two;
        two.showResult(snapshot(QStringLiteral("multi-head")));
        QCOMPARE(two.headMaps().size(), 3);
        for (const QLabel* l : two.findChildren<QLabel*>()) QVERIFY(!l->text().contains(QStringLiteral("are drawn")));
    }

    void temperatureIsWrittenExactly()
    {
        // Issue 11: T = 5e-324 read "T = 0". The snapshot is computed at T = 1 and then says
        // 5e-324: the texts read the session's temperature, whatever the softmax made of it.
        for (const double t : {5e-324, 0.0123456, 1e-12, 1.0, 0.5, 250.0}) {
            auto s = std::make_shared<ResultSnapshot>(*snapshot(QStringLiteral("tf-tutorial")));
            s->session.temperature = t;
            const QString text = formatExact(t);
            QCOMPARE(text.toDouble(), t);  // reads back to the same double
            QVERIFY2(formulaHtml(*s).contains(QStringLiteral("temperature T = %1 ").arg(text)), qPrintable(text));
            StepInspectorPanel panel;
            panel.showResult(s);
            bool shown = false;
            for (QString a : arrows(panel))
                shown = shown || a.replace(QStringLiteral("=<br>"), QStringLiteral("= ")).contains(QStringLiteral("÷ T = %1").arg(text));
            QVERIFY2(shown, qPrintable(arrows(panel).join(QLatin1Char('|'))));
        }
        QCOMPARE(formatExact(5e-324), QStringLiteral("5e-324"));
        QCOMPARE(formatExact(1.0), QStringLiteral("1"));
    }

    void onlyPoolingIsPooled()
    {
        // A one-query dot product keeps its query's label; feed-forward pools.
        const ResultSnapshotPtr one = snapshot(QStringLiteral("tf-tutorial"), [](Session& s) {
            s.variant = Variant::Dot;
            s.queries = s.queries.topRows(1);
            s.query_tokens.clear();
        });
        QCOMPARE(queryLabels(*one), QStringList{QStringLiteral("0")});
        const ResultSnapshotPtr ff = snapshot(QStringLiteral("feed-forward"), [](Session& s) { s.query_tokens.clear(); });
        QCOMPARE(queryLabels(*ff), QStringList{QStringLiteral("pooled")});
        // The pooling variant draws bars, the others the chain.
        StepInspectorPanel panel;
        panel.show();
        panel.showResult(ff);
        QVERIFY(panel.feedForwardBars()->isVisibleTo(&panel));
        QVERIFY(panel.feedForwardExplanation()->text().contains(QStringLiteral("RepeatVector")));
        panel.showResult(one);
        QVERIFY(!panel.feedForwardBars()->isVisibleTo(&panel));
        QVERIFY(panel.stepMap(QStringLiteral("weights"))->isVisibleTo(&panel));
    }

    void projectionsComeFromTheParameters()
    {
        // Dense without W_v: weights · V; with it (the identity, a neutral value): · W_vᵀ.
        const ResultSnapshotPtr plain = snapshot(QStringLiteral("dense-synthesizer"), [](Session& s) {
            s.params.tensors.erase("W_v");
        });
        const ResultSnapshotPtr projected = snapshot(QStringLiteral("dense-synthesizer"), [](Session& s) {
            s.params.tensors["W_v"] = Matrix::Identity(s.values.cols(), s.values.cols());
        });
        StepInspectorPanel panel;
        panel.showResult(plain);
        QVERIFY(!panel.stepMap(QStringLiteral("output"))->data().title.contains(QStringLiteral("W_v")));
        QVERIFY(!weightedSumText(*plain, 0).contains(QStringLiteral("projected")));
        panel.showResult(projected);
        QVERIFY(panel.stepMap(QStringLiteral("output"))->data().title.endsWith(QStringLiteral("weights · V · W_vᵀ")));
        QVERIFY(arrows(panel).last().contains(QStringLiteral("W<sub>v</sub>ᵀ")));
        QVERIFY(weightedSumText(*projected, 0).contains(QStringLiteral("(values projected first)")));

        // Multi-head: its values are always projected (W_v); W_o shows when it is there.
        const ResultSnapshotPtr mh = snapshot(QStringLiteral("multi-head"), [](Session& s) {
            s.params.tensors.erase("b_o");
            s.params.tensors.erase("W_o");
        });
        panel.showResult(mh);
        QCOMPARE(panel.stepMap(QStringLiteral("output"))->data().title,
                 QStringLiteral("output\nheads' outputs, concatenated"));
        QVERIFY(weightedSumText(*mh, 0).contains(QStringLiteral("(values projected first)")));
        const ResultSnapshotPtr mhWo = snapshot(QStringLiteral("multi-head"), [](Session& s) {
            s.params_given = false;  // generated: W_o maps back to d_v
        });
        panel.showResult(mhWo);
        QVERIFY(panel.stepMap(QStringLiteral("output"))->data().title.endsWith(QStringLiteral("concatenated · W_oᵀ")));
        QVERIFY(arrows(panel).last().contains(QStringLiteral("W<sub>o</sub>ᵀ")));
    }

    void scaledStepFollowsTheTrait()
    {
        StepInspectorPanel panel;
        panel.show();
        panel.showResult(snapshot(QStringLiteral("tf-tutorial")));  // scaled_dot
        QVERIFY(panel.stepMap(QStringLiteral("scaled"))->isVisibleTo(&panel));
        QVERIFY(arrows(panel).first().contains(QStringLiteral("√d<sub>k</sub>")));
        panel.showResult(snapshot(QStringLiteral("dot")));
        QVERIFY(!panel.stepMap(QStringLiteral("scaled"))->isVisibleTo(&panel));
        // Every variant has its texts in the one table.
        for (Variant v : kAllVariants) {
            const VariantTexts t = variantTexts(v);
            QVERIFY(!t.scores.isEmpty());
            QCOMPARE(t.scaledBy.isEmpty(), !variant_traits(v).scales_scores);
            QCOMPARE(t.pooledTitle.isEmpty(), !variant_traits(v).single_query_row);
        }
    }
};

QTEST_MAIN(TestPanelFacts)
#include "test_panel_facts.moc"
