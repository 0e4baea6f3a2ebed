// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary config.json and model.safetensors.index.json opened as a Hugging
// Face checkpoint (attnviz::hf), over the real weights of a small fixture (tests/data/hf), and
// a model that opens runs one short forward. Input: one byte choosing the fixture (GPT-2 F16,
// BERT MLM BF16, Llama GQA F32, sharded Mistral BF16), then config.json, then optionally
// "\n--index--\n" and the shard index (used by the sharded fixture). std::invalid_argument is
// the only accepted refusal; a crash, a sanitizer report, another exception (std::bad_alloc: a
// size from the config that escaped the checks) is a finding.
#include "attnviz/core/hf/model.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <cstdlib>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const char* const kFixtures[] = {"gpt2_f16", "bert_mlm_bf16", "llama_gqa_f32", "mistral_sharded_bf16"};

// One private copy of each fixture, made on the first input.
const fs::path& root()
{
    static fs::path dir;
    if (dir.empty()) {
        dir = fs::temp_directory_path() / ("attnviz_fuzz_hf_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        for (const char* f : kFixtures)
            fs::copy(fs::path(ATTNVIZ_TEST_DATA_DIR) / "hf" / f, dir / f, fs::copy_options::recursive);
        std::atexit([] { fs::remove_all(dir); });
    }
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace attnviz;
    if (size < 1) return 0;
    const fs::path folder = root() / kFixtures[data[0] % 4];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    constexpr std::string_view kSeparator = "\n--index--\n";
    const std::size_t cut = text.find(kSeparator);
    std::ofstream(folder / "config.json", std::ios::binary | std::ios::trunc) << text.substr(0, cut);
    if (cut != std::string_view::npos && data[0] % 4 == 3)
        std::ofstream(folder / "model.safetensors.index.json", std::ios::binary | std::ios::trunc)
            << text.substr(cut + kSeparator.size());
    try {
        const auto model = hf::Model::open(folder);
        const int n = model->info().max_positions < 3 ? model->info().max_positions : 3;
        std::vector<int> ids(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = i % model->info().vocab;
        (void)model->run(ids);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
