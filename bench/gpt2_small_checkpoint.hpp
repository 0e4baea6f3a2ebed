// SPDX-License-Identifier: GPL-3.0-or-later
// The GPT-2 small checkpoint the hf benchmarks run on (12 layers × 12 heads × 768, vocabulary
// 50,257, 1,024 positions, F32 random weights: a 498 MB model.safetensors in the Hugging Face
// layout), written once per process to a temporary folder removed at exit, or to
// $ATTNVIZ_GPT2_SMALL_DIR (kept, and reused when it already holds the model). Shared by
// bench_hf.cpp and bench_hf_generate.cpp.
#pragma once

#include "attnviz/core/json.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::bench_gpt2 {

namespace fs = std::filesystem;

inline constexpr int kLayers = 12, kHeads = 12, kEmbed = 768, kVocab = 50257, kPositions = 1024;

// Writes the checkpoint tensor by tensor (uniform ±0.05 from a xorshift generator; 1 MB chunks,
// so writing adds little to the process's memory).
inline void write_gpt2_small(const fs::path& folder)
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

inline const fs::path& model_folder()
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

}  // namespace attnviz::bench_gpt2
