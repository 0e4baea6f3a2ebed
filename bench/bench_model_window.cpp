// SPDX-License-Identifier: GPL-3.0-or-later
// The model window (issue 12) as a user meets it, offscreen: "opening the folder and showing the
// window takes under 1 s".
//
//   BM_ModelWindowOpen   a new model window constructed and shown, a checkpoint folder opened
//                        (config.json read, the weights mapped and their shapes checked, the
//                        tokenizer read when there is one) and its facts on screen
//   BM_ModelWindowFirstRun  the same, then one token run and the views drawn
//
// The folder is $ATTNVIZ_BENCH_HF_DIR (bench/hf_run_vs_torch.py writes a GPT-2 small
// configuration to /tmp/attnviz-bench-gpt2-small); without it the benchmarks are skipped.
#include "bench_qt_app.hpp"

#include "model_view/model_window.hpp"

#include <QSettings>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <chrono>

namespace {

using namespace attnviz;

void openWindow(benchmark::State& state, bool run)
{
    const QString folder = qEnvironmentVariable("ATTNVIZ_BENCH_HF_DIR");
    if (folder.isEmpty()) {
        state.SkipWithError("set ATTNVIZ_BENCH_HF_DIR to a checkpoint folder");
        return;
    }
    bench::ensureApplication();
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        model_view::ModelWindow::Options o;
        o.prompts = false;
        o.settings = &settings;
        model_view::ModelWindow window(o);
        window.show();
        QString error;
        if (!window.openModel(folder, &error)) {
            state.SkipWithError(error.toStdString().c_str());
            return;
        }
        if (run && !window.runInput(QStringLiteral("1"), true, &error)) {
            state.SkipWithError(error.toStdString().c_str());
            return;
        }
        window.repaint();  // the facts (and the views) drawn
        QApplication::processEvents();
        state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
}

void BM_ModelWindowOpen(benchmark::State& state) { openWindow(state, false); }
void BM_ModelWindowFirstRun(benchmark::State& state) { openWindow(state, true); }

}  // namespace

BENCHMARK(BM_ModelWindowOpen)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ModelWindowFirstRun)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);
