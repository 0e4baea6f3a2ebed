// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz_bench: forward-pass timings for every attention variant, and the single-core
// matrix-product rate they are judged against. Figures go to docs/benchmarks.md.
//
//   build/bin/attnviz_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "attnviz/core/attention.hpp"
#include "attnviz/core/parameters.hpp"
#include "attnviz/core/random.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace attnviz;

constexpr Index kDim = 64;      // d_q = d_k = d_v
constexpr Index kHidden = 64;   // h for additive and multi-head
constexpr Index kHeads = 4;     // H for multi-head: head size 16

Matrix random_matrix(Index rows, Index cols, std::uint64_t seed)
{
    Rng rng(seed);
    Matrix m(rows, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    return m;
}

// The reference rate: one dense double GEMM of (n × n)·(n × n), single thread, the same Eigen
// and the same flags as the core. 2n³ flops.
void BM_MatrixProduct(benchmark::State& state)
{
    const Index n = state.range(0);
    const Matrix a = random_matrix(n, n, 1), b = random_matrix(n, n, 2);
    Matrix c(n, n);
    for (auto _ : state) {
        c.noalias() = a * b;
        benchmark::DoNotOptimize(c.data());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(2.0 * double(n) * double(n) * double(n),
                                                   benchmark::Counter::kIsIterationInvariantRate,
                                                   benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatrixProduct)->Arg(1024)->Unit(benchmark::kMillisecond);

// The same product shapes scaled_dot performs, (n × 64)·(64 × n) then (n × n)·(n × 64): the rate
// Eigen reaches on them bounds what attention can reach.
void BM_AttentionShapedProducts(benchmark::State& state)
{
    const Index n = state.range(0);
    const Matrix q = random_matrix(n, kDim, 1), k = random_matrix(n, kDim, 2),
                 v = random_matrix(n, kDim, 3);
    Matrix s(n, n), o(n, kDim);
    for (auto _ : state) {
        s.noalias() = q * k.transpose();
        o.noalias() = s * v;
        benchmark::DoNotOptimize(o.data());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(4.0 * double(n) * double(n) * double(kDim),
                                                   benchmark::Counter::kIsIterationInvariantRate,
                                                   benchmark::Counter::kIs1000);
}
BENCHMARK(BM_AttentionShapedProducts)->Arg(2048)->Unit(benchmark::kMillisecond);

// Useful floating-point work of a forward pass, for the variants whose rate we report.
double flops(Variant v, double n)
{
    const double d = double(kDim), h = double(kHidden);
    switch (v) {
    case Variant::ScaledDot: return 4.0 * n * n * d;               // QKᵀ and AV
    case Variant::MultiHead: return 3.0 * 2.0 * n * d * h          // Q, K, V projections
                                    + 4.0 * n * n * h              // per head QKᵀ and AV
                                    + 2.0 * n * h * d;             // W_o
    default: return 0.0;
    }
}

void BM_Variant(benchmark::State& state, Variant variant)
{
    const Index n = state.range(0);
    const Matrix Q = random_matrix(n, kDim, 1), K = random_matrix(n, kDim, 2), V = random_matrix(n, kDim, 3);
    ParamHyper hp;
    hp.hidden = kHidden;
    hp.num_heads = kHeads;
    const Parameters params = initialise_parameters(variant, dims_of(Q, K, V), hp);
    // Recompute into one result, as the live playground does at every edit: its buffers are
    // reused, so the timing is the arithmetic and not first-touch page faults.
    AttentionResult r;
    compute_attention(variant, Q, K, V, params, {}, 1.0, r);
    for (auto _ : state) {
        compute_attention(variant, Q, K, V, params, {}, 1.0, r);
        benchmark::DoNotOptimize(r.output.data());
    }
    if (const double f = flops(variant, double(n)); f > 0)
        state.counters["GFLOP/s"] = benchmark::Counter(f, benchmark::Counter::kIsIterationInvariantRate,
                                                       benchmark::Counter::kIs1000);
}

void register_variants()
{
    for (Variant v : kAllVariants) {
        const std::string name = "BM_Variant/" + std::string(variant_id(v));
        benchmark::RegisterBenchmark(name.c_str(), BM_Variant, v)
            ->Arg(16)->Arg(128)->Arg(512)->Arg(2048)
            ->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    register_variants();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
