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
    void settle()
    {
        window->controller()->waitForIdle();
        QCoreApplication::processEvents();
        window->heatmap()->replotNow();
    }
};

void BM_WindowEditToScreen(benchmark::State& state)
{
    BenchWindow w(state.range(0));
    widgets::MatrixTableModel* q = w.window->document()->queriesModel();
    double bump = 0;
    for (auto _ : state) {
        bump = bump > 1 ? 0 : bump + 0.01;
        q->setData(q->index(0, 0), bump);
        w.settle();
    }
    state.SetLabel(w.window->controller()->problemCost(w.window->document()->toSession()) >
                           w.window->controller()->syncCostLimit()
                       ? "worker thread"
                       : "GUI thread");
}

void BM_WindowDrawResult(benchmark::State& state)
{
    BenchWindow w(state.range(0));
    const playground::ResultSnapshotPtr result = w.window->controller()->latestResult();
    for (auto _ : state) {
        emit w.window->controller()->resultReady(result);
        QCoreApplication::processEvents();
        w.window->heatmap()->replotNow();
    }
}

BENCHMARK(BM_WindowEditToScreen)->Arg(64)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WindowDrawResult)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond);

}  // namespace
