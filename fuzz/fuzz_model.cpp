// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes opened as a seq2seq model file (safetensors with the d2l
// state_dict names, vocabularies and sizes in __metadata__), as `translate --model` and the
// model window open one; a model that loads translates one sentence. std::invalid_argument is
// the only accepted refusal; a crash, a sanitizer report, another exception (std::bad_alloc:
// a size that escaped model_io.hpp's limits) or memory beyond -rss_limit_mb is a finding.
// Seeded with resources/models and a small model written by seq2seq::model_bytes.
#include "attnviz/core/io/mapped_file.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace attnviz;
    std::vector<std::byte> bytes(size);
    if (size) std::memcpy(bytes.data(), data, size);
    try {
        const io::SafetensorsFile file(std::make_shared<const io::MappedFile>(std::move(bytes), "fuzz-model"));
        seq2seq::LoadedModel m = seq2seq::load_model(file);
        // A short sentence of tokens the vocabulary may or may not hold, over at most 12 steps:
        // decoding reaches every tensor, and a model that loaded must translate without fault.
        const int steps = m.num_steps < 12 ? m.num_steps : 12;
        (void)seq2seq::translate_greedy(m.model, m.src_vocab, m.tgt_vocab, "a b", steps);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
