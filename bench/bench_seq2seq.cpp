// SPDX-License-Identifier: GPL-3.0-or-later
// Seq2seq training throughput (the issue-4 target: ≥ 100,000 target tokens/s on one core on the
// book's configuration) and decoding latency. Figures go to docs/benchmarks.md.
//
//   build/bin/attnviz_bench --benchmark_filter=Seq2Seq
//
// "tokens_per_second" counts valid target tokens (with <eos>) per second of CPU time, as d2l's
// train_seq2seq counts them per second of wall time; on an idle core the two agree.
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/trainer.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

namespace {

using namespace attnviz::seq2seq;

// fra.txt, 600 examples, 10 steps (the book's data) when the shared data are there, else 600
// toy-fr pairs of the same shape.
const TranslationData& book_data()
{
    static const TranslationData data = [] {
        // The environment overrides the directory CMake found at configure time.
        const char* dir = std::getenv("ATTNVIZ_SHARED_DATA_DIR");
        const std::filesystem::path fra = std::filesystem::path(dir ? dir : ATTNVIZ_SHARED_DATA_DIR) /
                                          "tatoeba-fra-eng" / "fra.txt";
        if (std::filesystem::exists(fra)) return load_nmt_file(fra.string(), 600, 10);
        return build_translation_data(generate_toy_fr(601, 1), 10);
    }();
    return data;
}

// One epoch per iteration, the book's hyper-parameters, training continuing across iterations.
void BM_Seq2SeqTrainEpoch(benchmark::State& state)
{
    const TranslationData& data = book_data();
    auto model = make_d2l_model<float>(data, ModelConfig{}, 0);
    TrainOptions o;
    o.epochs = 1;
    long long tokens = 0;
    for (auto _ : state) {
        const TrainResult r = train_seq2seq(model, data, o);
        tokens += r.tokens;
        ++o.seed;
    }
    state.counters["tokens_per_second"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Seq2SeqTrainEpoch)->Unit(benchmark::kMillisecond);

// The whole book run: 250 epochs from the same initialisation; reports the final loss too.
void BM_Seq2SeqTrainBook250(benchmark::State& state)
{
    const TranslationData& data = book_data();
    double loss = 0.0;
    long long tokens = 0;
    for (auto _ : state) {
        auto model = make_d2l_model<float>(data, ModelConfig{}, 0);
        const TrainResult r = train_seq2seq(model, data, TrainOptions{});
        loss = r.final_loss;
        tokens += r.tokens;
    }
    state.counters["final_loss"] = loss;
    state.counters["tokens_per_second"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Seq2SeqTrainBook250)->Unit(benchmark::kSecond)->Iterations(1);

void BM_Seq2SeqTranslate(benchmark::State& state)
{
    const TranslationData& data = book_data();
    auto model = make_d2l_model<float>(data, ModelConfig{}, 0);
    const int beam = static_cast<int>(state.range(0));
    for (auto _ : state) {
        const Translation t = beam == 0 ? translate_greedy(model, data.src_vocab, data.tgt_vocab, "i'm home .", 10)
                                        : translate_beam(model, data.src_vocab, data.tgt_vocab, "i'm home .", 10, beam);
        benchmark::DoNotOptimize(t.steps.data());
    }
}
BENCHMARK(BM_Seq2SeqTranslate)->Arg(0)->Arg(4)->Arg(8)->Unit(benchmark::kMicrosecond);

}  // namespace
