// SPDX-License-Identifier: GPL-3.0-or-later
// The body shared by every fuzz target: open the bytes as one format, read every head, and
// accept std::invalid_argument as the only way to refuse. Anything else (a crash, a sanitizer
// report, another exception) is a finding.
#pragma once

#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/mapped_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace attnviz::fuzz {

inline void open_as(const std::uint8_t* data, std::size_t size, inspect::AttentionFormat format)
{
    std::vector<std::byte> bytes(size);
    if (size) std::memcpy(bytes.data(), data, size);
    auto file = std::make_shared<const io::MappedFile>(std::move(bytes), "fuzz-input");
    // The last byte picks the options, so that the softmax and batch paths are reached too.
    inspect::LoadOptions options;
    options.format = format;
    if (size > 0) {
        options.softmax = (data[size - 1] & 1) != 0;
        options.batch = (data[size - 1] >> 1) & 1;
    }
    try {
        const inspect::AttentionStack s = inspect::load_attention(file, options);
        float sink = 0;
        for (Index l = 0; l < s.layers(); ++l)
            for (Index h = 0; h < s.heads(); ++h) sink += s.head(l, h).matrix().sum();
        (void)sink;
    } catch (const std::invalid_argument&) {
    }
}

}  // namespace attnviz::fuzz
