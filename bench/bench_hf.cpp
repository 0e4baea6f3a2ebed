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

constexpr int kLayers = 12, kHeads = 12, kEmbed = 768, kVocab = 50257, kPositions = 1024;

// Writes the checkpoint tensor by tensor (uniform ±0.05 from a xorshift generator; 1 MB chunks,
// so writing adds little to the process's memory).
void write_gpt2_small(const fs::path& folder)
{
    fs::create_directories(folder);
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> tensors{{"wte.weight", {kVocab, kEmbed}},
                                                                           {"wpe.weight", {kPositions, kEmbed}}};
    const std::int64_t E = kEmbed;
    for (int l = 0; l < kLayers; ++l) {
        const std::string h = "h." + std::to_string(l) + ".";
        for (const auto& [name, shape] : std::vector<std::pair<std::string, std::vector<std::int64_t>>>{
                 {"ln_1.weight", {E}}, {"ln_1.bias", {E}}, {"attn.c_attn.weight", {E, 3 * E}},
                 {"attn.c_attn.bias", {3 * E}}, {"attn.c_proj.weight", {E, E}}, {"attn.c_proj.bias", {E}},
                 {"ln_2.weight", {E}}, {"ln_2.bias", {E}}, {"mlp.c_fc.weight", {E, 4 * E}},
                 {"mlp.c_fc.bias", {4 * E}}, {"mlp.c_proj.weight", {4 * E, E}}, {"mlp.c_proj.bias", {E}}})
            tensors.push_back({h + name, shape});
    }
    tensors.push_back({"ln_f.weight", {E}});
    tensors.push_back({"ln_f.bias", {E}});
    json::Value header = json::Object{};
    std::uint64_t offset = 0;
    std::vector<std::uint64_t> counts;
    for (const auto& [name, shape] : tensors) {
        const auto count = static_cast<std::uint64_t>(
            std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>()));
        json::Array dims, offsets{json::Value(offset), json::Value(offset + 4 * count)};
        for (auto d : shape) dims.emplace_back(d);
        json::Value e = json::Object{};
        e["dtype"] = "F32";
        e["shape"] = json::Value(dims);
        e["data_offsets"] = json::Value(offsets);
        header[name] = e;
        offset += 4 * count;
        counts.push_back(count);
    }
    header["__metadata__"]["format"] = "pt";
    std::string text = json::dump(header);
    text += std::string((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(folder / "model.safetensors", std::ios::binary);
    const std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xFF));
    out << text;
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    std::vector<float> chunk(1 << 18);
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const bool norm_weight = tensors[t].first.find("ln_") != std::string::npos &&
                                 tensors[t].first.find(".weight") != std::string::npos;
        for (std::uint64_t done = 0; done < counts[t];) {
            const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), counts[t] - done));
            for (std::size_t i = 0; i < m; ++i) {
                state ^= state << 13, state ^= state >> 7, state ^= state << 17;
                const float u = static_cast<float>(state >> 40) / static_cast<float>(1 << 24) - 0.5f;
                chunk[i] = norm_weight ? 1.0f + 0.1f * u : 0.1f * u;
            }
            out.write(reinterpret_cast<const char*>(chunk.data()), static_cast<std::streamsize>(m * 4));
            done += m;
        }
    }
    std::ofstream(folder / "config.json")
        << R"({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": 12, "n_head": 12, )"
           R"("n_embd": 768, "n_positions": 1024, "n_ctx": 1024, "vocab_size": 50257, )"
           R"("layer_norm_epsilon": 1e-05, "activation_function": "gelu_new"})";
}

const fs::path& model_folder()
{
    static fs::path folder;
    if (!folder.empty()) return folder;
    if (const char* keep = std::getenv("ATTNVIZ_GPT2_SMALL_DIR")) {
        folder = keep;
        if (fs::exists(folder / "model.safetensors")) return folder;
    } else {
        folder = fs::temp_directory_path() / ("attnviz_bench_gpt2_small_" + std::to_string(::getpid()));
        std::atexit([] { fs::remove_all(folder); });
    }
    write_gpt2_small(folder);
    return folder;
}

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
