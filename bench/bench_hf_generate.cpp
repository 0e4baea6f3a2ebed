// SPDX-License-Identifier: GPL-3.0-or-later
// Generation with the key/value cache (issue 13) on a GPT-2 small configuration (12 layers × 12
// heads × 768, vocabulary 50,257, 1,024 positions, F32 random weights: a 498 MB
// model.safetensors), written once to a temporary folder (or to $ATTNVIZ_GPT2_SMALL_DIR, kept,
// when that is set; the writer is bench_hf.cpp's):
//   BM_MemoryReadBandwidth<S>   one thread summing a 1 GiB buffer read as S concurrent streams
//                               (1, 2, 8): what one core can stream from memory
//   BM_HfGpt2SmallGenerate/64/T greedy generation on T threads (1; 2 splits each weight's
//                               output features): 64 tokens after a 16-token
//                               prompt per iteration, the steps' time only (manual time), with a
//                               bandwidth pass just before and after each iteration; counters
//                               (medians over the iterations): tokens_per_s, bandwidth_GBps,
//                               bound_tokens_per_s = bandwidth ÷ the weight file's bytes (each
//                               token reads every weight once) and fraction_of_bound (each
//                               iteration's rate over the bound from the passes around it)
// Run: attnviz_bench_hf_generate --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "attnviz/core/hf/generate.hpp"
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/json.hpp"
#include "gpt2_small_checkpoint.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace {

namespace fs = std::filesystem;
using namespace attnviz;

using namespace bench_gpt2;  // kLayers … kPositions, write_gpt2_small, model_folder

// One pass summing `count` floats: every byte read once. The buffer is cut into `Streams` equal
// parts read side by side (1: one sequential stream; 2 and 8: as many concurrent streams, the
// way the kernel reads 8 weight rows at once). One thread reaches more with 2 or 8 streams than
// with 1 on this machine (~23 against ~21 GB/s), so the bound takes the best of them.
template <int Streams>
float stream_sum(const float* p, std::size_t count)
{
    const std::size_t part = count / Streams / 16 * 16;
#if defined(__AVX2__)
    __m256 acc[Streams][2];
    for (int s = 0; s < Streams; ++s) acc[s][0] = acc[s][1] = _mm256_setzero_ps();
    for (std::size_t i = 0; i < part; i += 16)
        for (int s = 0; s < Streams; ++s) {
            acc[s][0] = _mm256_add_ps(acc[s][0], _mm256_load_ps(p + s * part + i));
            acc[s][1] = _mm256_add_ps(acc[s][1], _mm256_load_ps(p + s * part + i + 8));
        }
    __m256 sum = _mm256_setzero_ps();
    for (int s = 0; s < Streams; ++s) sum = _mm256_add_ps(sum, _mm256_add_ps(acc[s][0], acc[s][1]));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = std::accumulate(lanes, lanes + 8, 0.0f);
#else
    float total = 0.0f;
    for (std::size_t i = 0; i < part; ++i)
        for (int s = 0; s < Streams; ++s) total += p[s * part + i];
#endif
    for (std::size_t j = Streams * part; j < count; ++j) total += p[j];
    return total;
}

constexpr std::size_t kBandwidthBytes = std::size_t{1} << 30;  // 1 GiB: 32× the L3 cache

struct AlignedFree {
    void operator()(float* p) const { std::free(p); }
};
std::unique_ptr<float[], AlignedFree> bandwidth_buffer()
{
    auto* p = static_cast<float*>(std::aligned_alloc(64, kBandwidthBytes));
    std::fill_n(p, kBandwidthBytes / 4, 1.0f);  // touched: every page mapped before timing
    return std::unique_ptr<float[], AlignedFree>(p);
}

template <int Streams>
void BM_MemoryReadBandwidth(benchmark::State& state)
{
    const auto buffer = bandwidth_buffer();
    for (auto _ : state) benchmark::DoNotOptimize(stream_sum<Streams>(buffer.get(), kBandwidthBytes / 4));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBandwidthBytes));
}
BENCHMARK(BM_MemoryReadBandwidth<1>)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_MemoryReadBandwidth<2>)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_MemoryReadBandwidth<8>)->Unit(benchmark::kMillisecond)->Iterations(5);

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Each iteration: a bandwidth pass (the best of 1, 2 and 8 streams), 64 greedy steps, another
// pass; the iteration's fraction of the bound uses the mean of the two passes around it, so a
// load change on this shared machine moves both sides of the ratio together. Counters are
// medians over the iterations; bandwidth_GBps is in 10⁹ bytes/s (Google Benchmark's own
// bytes_per_second above is in GiB/s).
void BM_HfGpt2SmallGenerate(benchmark::State& state)
{
    hf::set_threads(static_cast<int>(state.range(1)));
    const auto buffer = bandwidth_buffer();
    auto timed = [&](auto sum) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(sum(buffer.get(), kBandwidthBytes / 4));
        return static_cast<double>(kBandwidthBytes) /
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    // The best of 1, 2 and 8 streams: the bound is the most one thread can read.
    auto pass = [&] { return std::max({timed(stream_sum<1>), timed(stream_sum<2>), timed(stream_sum<8>)}); };
    std::shared_ptr<const hf::Model> model = hf::Model::open(model_folder());
    const double bytes = static_cast<double>(model->info().weight_bytes);
    std::vector<int> prompt(16);
    for (int i = 0; i < 16; ++i) prompt[static_cast<std::size_t>(i)] = (i * 7919) % kVocab;
    const int steps = static_cast<int>(state.range(0));
    {
        hf::Generation warm(model, prompt, {});  // pages the weights in
        for (int i = 0; i < 4; ++i) warm.step();
    }
    std::vector<double> rates, bandwidths, fractions;
    std::string first_ids;  // the label: the first 8 greedy ids (hf_generate_vs_torch.py compares them)
    for (auto _ : state) {
        state.PauseTiming();
        const double before = pass();
        state.ResumeTiming();
        hf::Generation gen(model, prompt, {}, 5, 16 + steps);
        for (int i = 0; i < steps; ++i) gen.step();
        state.SetIterationTime(gen.decode_seconds());
        state.PauseTiming();
        const double after = pass();
        state.ResumeTiming();
        const double rate = static_cast<double>(steps) / gen.decode_seconds();
        rates.push_back(rate);
        bandwidths.push_back(before);
        bandwidths.push_back(after);
        fractions.push_back(rate / ((before + after) / 2.0 / bytes));
        first_ids.clear();
        for (int i = 0; i < std::min(steps, 8); ++i) {
            if (i > 0) first_ids += ' ';
            first_ids += std::to_string(gen.generated()[static_cast<std::size_t>(i)].id);
        }
    }
    state.SetLabel("ids " + first_ids);
    state.counters["tokens_per_s"] = median(rates);
    state.counters["bandwidth_GBps"] = median(bandwidths) / 1e9;
    state.counters["weight_MB"] = bytes / 1e6;
    state.counters["bound_tokens_per_s"] = median(bandwidths) / bytes;
    state.counters["fraction_of_bound"] = median(fractions);  // meaningful on one thread
    hf::set_threads(1);
}
BENCHMARK(BM_HfGpt2SmallGenerate)->Args({64, 1})->Args({64, 2})->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(7);

}  // namespace

BENCHMARK_MAIN();
