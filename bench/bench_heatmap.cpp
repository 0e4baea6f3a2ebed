// SPDX-License-Identifier: GPL-3.0-or-later
// Heatmap repaint cost: HeatmapWidget::setData + a full replot, rendered offscreen. The issue's
// budget is one frame (16 ms) for recompute + repaint at n_q = n_k = 512, so the repaint must
// take a small part of it.
//
// Needs attnviz::widgets linked into attnviz_bench; draws offscreen (bench_qt_app.hpp).
#include "bench_qt_app.hpp"

#include "attnviz/core/random.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"

#include "attnviz/core/attention.hpp"

#include <QApplication>

#include <benchmark/benchmark.h>

#include <memory>

namespace {

using namespace attnviz;

using attnviz::bench::ensureApplication;

Matrix uniformMatrix(Index n)
{
    Rng rng(n);
    Matrix m(n, n);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform();
    return m;
}

widgets::HeatmapData snapshot(const Matrix& values, bool causal)
{
    const Index n = values.rows();
    widgets::HeatmapData d;
    d.values = values;
    BoolMatrix mask = BoolMatrix::Constant(n, n, false);
    if (causal)
        for (Index r = 0; r < n; ++r) mask.row(r).tail(n - 1 - r).setConstant(true);
    d.masked = mask;
    d.extras = {{QStringLiteral("score"), d.values}, {QStringLiteral("logit"), d.values}};
    d.title = QStringLiteral("bench");
    return d;
}

// Each iteration changes one value (as an edit would), hands the widget a new snapshot and
// replots: the colour map is recoloured, the overlay redrawn, the layers composed.
void heatmapSetDataReplot(benchmark::State& state, bool causal)
{
    ensureApplication();
    const Index n = state.range(0);
    widgets::HeatmapWidget w;
    w.resize(900, 800);
    w.show();
    Matrix values = uniformMatrix(n);
    widgets::HeatmapData d = snapshot(values, causal);
    w.setData(d);
    w.replotNow();
    double bump = 0;
    for (auto _ : state) {
        values(0, 0) = bump;
        bump = bump > 0.5 ? 0 : bump + 0.01;
        d.values = values;  // a new snapshot's weights, as each result brings
        w.setData(d);
        w.replotNow();
    }
    state.SetLabel(causal ? "causal mask" : "no mask");
}

void BM_HeatmapSetDataReplot(benchmark::State& state) { heatmapSetDataReplot(state, false); }
void BM_HeatmapSetDataReplotCausal(benchmark::State& state) { heatmapSetDataReplot(state, true); }

BENCHMARK(BM_HeatmapSetDataReplot)->Arg(64)->Arg(512)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HeatmapSetDataReplotCausal)->Arg(64)->Arg(512)->Unit(benchmark::kMillisecond);

}  // namespace

// The playground's live path, one edit: Q changes in one cell, scaled dot-product attention is
// recomputed into a new shared result (n_q = n_k = n, d = 64), as the window's snapshots are;
// the weights, with scores and logits for hover, become the heatmap's data by sharing, and the
// heatmap replots offscreen. The window adds, above ~2e6 multiply-adds, a worker-thread hop.
void BM_EditRecomputeRepaint(benchmark::State& state)
{
    ensureApplication();
    const Index n = state.range(0), d = 64;
    Rng rng(7);
    Matrix Q(n, d), K(n, d), V(n, d);
    for (Matrix* m : {&Q, &K, &V})
        for (Index i = 0; i < m->size(); ++i) m->data()[i] = rng.normal();
    widgets::HeatmapWidget w;
    w.resize(900, 800);
    w.show();
    double bump = 0;
    for (auto _ : state) {
        Q(0, 0) = bump;
        bump = bump > 1 ? 0 : bump + 0.01;
        const auto r = std::make_shared<const AttentionResult>(scaled_dot_attention(Q, K, V, {}, 1.0));
        widgets::HeatmapData data;
        data.values = widgets::SharedMatrix::of(r, r->weights);
        data.masked = widgets::SharedBoolMatrix::of(r, r->masked);
        data.extras = {{QStringLiteral("score"), widgets::SharedMatrix::of(r, r->scores)},
                       {QStringLiteral("logit"), widgets::SharedMatrix::of(r, r->logits)}};
        w.setData(std::move(data));
        w.replotNow();
    }
}

BENCHMARK(BM_EditRecomputeRepaint)->Arg(64)->Arg(512)->Unit(benchmark::kMillisecond);
