// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf on a GPT-2 small configuration (12 layers × 12 heads × 768, vocabulary 50,257,
// 1,024 positions, F32 random weights: a 498 MB model.safetensors in the Hugging Face layout),
// written once by this program to a temporary folder (or to $ATTNVIZ_GPT2_SMALL_DIR, kept, when
// that is set):
//   BM_HfGpt2SmallForward/128/T one forward of 128 tokens on T threads (1, 2) with every attention
//                               kept and the next-token top 5 (RunResult as `attnviz run` uses)
//   BM_HfGpt2SmallOpen          Model::open of the folder (config, header, shape checks)
//   BM_HfPeakRss                peak RSS after opening and one forward, against the file size;
//                               run it alone in a fresh process (--benchmark_filter=PeakRss).
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/json.hpp"
#include "gpt2_small_checkpoint.hpp"

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace attnviz;

using namespace bench_gpt2;  // kLayers … kPositions, write_gpt2_small, model_folder

std::vector<int> tokens(int n)
{
    std::vector<int> ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = (i * 7919) % kVocab;
    return ids;
}

void BM_HfGpt2SmallForward(benchmark::State& state)
{
    hf::set_threads(static_cast<int>(state.range(1)));
    const auto model = hf::Model::open(model_folder());
    const auto ids = tokens(static_cast<int>(state.range(0)));
    model->run(ids);  // pages the weights in
    for (auto _ : state) {
        hf::RunResult r = model->run(ids);
        benchmark::DoNotOptimize(r.attentions->data());
    }
    hf::set_threads(1);
}
BENCHMARK(BM_HfGpt2SmallForward)->Args({128, 1})->Args({128, 2})->Unit(benchmark::kMillisecond)->MinTime(3.0);

// Issue 13: the model window's ablation re-run of a 128-token input (one head of layer L
// switched off), resumed from the plain run's kept layer inputs as the window does; L = 0 is a
// whole forward, L = 11 one layer.
void BM_HfGpt2SmallAblationRerun(benchmark::State& state)
{
    hf::set_threads(1);
    const auto model = hf::Model::open(model_folder());
    const auto ids = tokens(128);
    hf::RunOptions plain;
    plain.keep_layer_inputs = true;
    const auto base = std::make_shared<const hf::RunResult>(model->run(ids, plain));
    hf::RunOptions o;
    o.ablate = {{static_cast<int>(state.range(0)), 3, hf::AblationMode::Zero}};
    o.resume = base;
    for (auto _ : state) {
        hf::RunResult r = model->run(ids, o);
        benchmark::DoNotOptimize(r.attentions->data());
    }
}
BENCHMARK(BM_HfGpt2SmallAblationRerun)->Arg(0)->Arg(6)->Arg(11)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The logit lens over every position and layer of a 128-token input (12 × 128 rows through
// the 50,257-token head), as the Logit lens dock asks for it.
void BM_HfGpt2SmallLogitLens(benchmark::State& state)
{
    hf::set_threads(1);
    const auto model = hf::Model::open(model_folder());
    const auto ids = tokens(128);
    hf::RunOptions o;
    o.logit_lens = true;
    model->run(ids);
    for (auto _ : state) {
        hf::RunResult r = model->run(ids, o);
        benchmark::DoNotOptimize(r.logit_lens.data());
    }
}
BENCHMARK(BM_HfGpt2SmallLogitLens)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_HfGpt2SmallOpen(benchmark::State& state)
{
    model_folder();
    for (auto _ : state) benchmark::DoNotOptimize(hf::Model::open(model_folder()).get());
}
BENCHMARK(BM_HfGpt2SmallOpen)->Unit(benchmark::kMillisecond);

void BM_HfPeakRss(benchmark::State& state)
{
    const fs::path& folder = model_folder();
    hf::set_threads(1);
    for (auto _ : state) {
        const auto model = hf::Model::open(folder);
        benchmark::DoNotOptimize(model->run(tokens(128)).attentions->data());
    }
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double rss = static_cast<double>(u.ru_maxrss) * 1024.0;  // ru_maxrss is in KiB
    const double file = static_cast<double>(fs::file_size(folder / "model.safetensors"));
    state.counters["peak_rss_MB"] = rss / 1e6;
    state.counters["file_MB"] = file / 1e6;
    state.counters["rss_over_file"] = rss / file;
}
BENCHMARK(BM_HfPeakRss)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
