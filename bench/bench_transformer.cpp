// SPDX-License-Identifier: GPL-3.0-or-later
// The Transformer lab's training throughput on its default induction configuration (issue 15:
// ≥ 5× PyTorch eager on one CPU thread, the same configuration as bench/transformer_lab_torch.py
// writes it nanoGPT's way). Figures go to docs/benchmarks.md.
//
//   OPENBLAS_NUM_THREADS=1 build/bin/attnviz_bench_transformer
//
// One iteration = one optimiser step as run_lab_job takes it: generate the batch, forward,
// backward, clip, AdamW. tokens_per_second = batch × (ctx − 1) per step, per second of CPU time.
#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace attnviz;
using namespace attnviz::transformer;

void BM_TransformerLabStep(benchmark::State& state)
{
    LabConfig c = default_config("induction");
    if (state.range(0) > 0) c.embd = static_cast<int>(state.range(0));
    const Task task = make_task(c);
    GptConfig g;
    g.layers = c.layers;
    g.heads = c.heads;
    g.embd = c.embd;
    g.positions = c.ctx;
    g.vocab = task.vocab_size();
    g.init_std = c.init_std;
    Gpt<float> model(g, 1);
    auto params = model.parameters();
    nn::AdamW<float> opt(params, c.lr, c.weight_decay, 0.9, 0.95);
    Rng rng(1);
    TokenBatch batch;
    batch.B = c.batch;
    batch.n = c.ctx - 1;
    batch.inputs.resize(static_cast<std::size_t>(batch.B * batch.n));
    batch.targets.resize(batch.inputs.size());
    std::vector<int> seq;
    std::vector<char> scored;
    int repeat = 0;
    for (auto _ : state) {
        for (int b = 0; b < c.batch; ++b) {
            task.sample_into(rng, seq, scored, repeat);
            for (Eigen::Index t = 0; t < batch.n; ++t) {
                batch.inputs[b * batch.n + t] = seq[t];
                batch.targets[b * batch.n + t] = seq[t + 1];
            }
        }
        opt.zero_grad();
        benchmark::DoNotOptimize(model.loss_and_grad(batch, &rng));
        nn::clip_grad_norm(params, 1.0);
        opt.step();
    }
    state.counters["tokens_per_second"] =
        benchmark::Counter(static_cast<double>(c.batch * (c.ctx - 1)), benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel("layers " + std::to_string(c.layers) + ", heads " + std::to_string(c.heads) + ", embd " +
                   std::to_string(c.embd) + ", ctx " + std::to_string(c.ctx) + ", vocab " + std::to_string(c.vocab) +
                   ", batch " + std::to_string(c.batch));
}
// 0: the default configuration; 64: the same at embd 64 (the width).
BENCHMARK(BM_TransformerLabStep)->Arg(0)->Arg(64)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
