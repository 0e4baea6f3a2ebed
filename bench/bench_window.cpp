// SPDX-License-Identifier: GPL-3.0-or-later
// The playground window's own live path, offscreen, as a user meets it: one cell of Q is
// edited through the model (an undoable command), the recompute controller computes (on the
// GUI thread when small, on its worker above ~2e6 multiply-adds), the snapshot is delivered by
// signal, and the heatmap plus the visible step-inspector maps are redrawn.
//
//   BM_WindowEditToScreen/n   edit → result on screen, n_q = n_k = n, d = 64, scaled dot
//   BM_WindowDrawResult/n     the GUI-thread part only: delivering one result and drawing it,
//                             i.e. how long a result blocks typing
#include "bench_qt_app.hpp"

#include "gui/main_window.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"

#include "attnviz/core/random.hpp"
#include "attnviz/core/session.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>
#include <qcustomplot.h>

#include <memory>

namespace {

using namespace attnviz;

Session randomSession(Index n, Index d)
{
    Rng rng(11);
    Session s;
    s.variant = Variant::ScaledDot;
    for (Matrix* m : {&s.queries, &s.keys, &s.values}) {
        m->resize(n, d);
        for (Index i = 0; i < m->size(); ++i) m->data()[i] = rng.normal();
    }
    return s;
}

// A window as the screenshot mode makes it: default layout, no prompts, throwaway settings.
struct BenchWindow {
    QTemporaryDir dir;
    QSettings settings{dir.filePath("settings.ini"), QSettings::IniFormat};
    std::unique_ptr<gui::MainWindow> window;

    explicit BenchWindow(Index n)
    {
        bench::ensureApplication();
        gui::MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.autosave = false;
        o.settings = &settings;
        window = std::make_unique<gui::MainWindow>(o);
        window->resize(1600, 1000);
        window->show();
        window->applyDefaultDockSizes();
        window->document()->loadSession(randomSession(n, 64));
        settle();
    }
    // Until the result is on screen: the computation is done and its delivery, the maps'
    // queued replots and the window's repaint have run. (An explicit replot of the main
    // heatmap here, as there was until issue 11, drew it a second time per edit, which the
    // program never does: BM_WindowEditToScreen counts the replots per edit to show this.)
    void settle()
    {
        window->controller()->waitForIdle();
        QCoreApplication::processEvents();
    }
};

void BM_WindowEditToScreen(benchmark::State& state)
{
    BenchWindow w(state.range(0));
    widgets::MatrixTableModel* q = w.window->document()->queriesModel();
    double bump = 0;
    double replots = 0;  // by every map in the window
    for (QCustomPlot* plot : w.window->findChildren<QCustomPlot*>())
        QObject::connect(plot, &QCustomPlot::afterReplot, [&replots] { ++replots; });
    for (auto _ : state) {
        bump = bump > 1 ? 0 : bump + 0.01;
        q->setData(q->index(0, 0), bump);
        w.settle();
    }
    // 6 with the default layout: the main heatmap and five step-inspector maps, once each.
    state.counters["replots/edit"] = replots / static_cast<double>(state.iterations());
    state.SetLabel(w.window->controller()->problemCost(w.window->document()->toSession()) >
                           w.window->controller()->syncCostLimit()
                       ? "worker thread"
                       : "GUI thread");
}

void BM_WindowDrawResult(benchmark::State& state)
{
    BenchWindow w(state.range(0));
    const playground::ResultSnapshotPtr result = w.window->controller()->latestResult();
    double replots = 0;
    for (QCustomPlot* plot : w.window->findChildren<QCustomPlot*>())
        QObject::connect(plot, &QCustomPlot::afterReplot, [&replots] { ++replots; });
    for (auto _ : state) {
        emit w.window->controller()->resultReady(result);
        QCoreApplication::processEvents();
    }
    state.counters["replots/edit"] = replots / static_cast<double>(state.iterations());
}

BENCHMARK(BM_WindowEditToScreen)->Arg(64)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WindowDrawResult)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);

}  // namespace
