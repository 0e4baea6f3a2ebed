// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON attention format: {"tokens": [...], "attention": nested arrays,
// optional "query_tokens": [...]}. Meant for small hand-made or scripted examples: every number
// becomes a JSON value while parsing, so large tensors belong in .npy or .safetensors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::io {

struct AttentionJson {
    std::vector<std::int64_t> shape;  // of the nested "attention" arrays, outermost first
    std::vector<float> values;        // row-major (C order), product(shape) entries
    std::optional<std::vector<std::string>> tokens;        // key (column) labels
    std::optional<std::vector<std::string>> query_tokens;  // query (row) labels
};

// Throws std::invalid_argument naming `file_name`, the field and what was expected: invalid
// JSON, a missing "attention", ragged arrays ("attention[1][2]: expected 4 entries, got 3"),
// non-numbers (NaN is written as null by most JSON writers and is refused as such), tokens
// that are not strings. Shapes are checked by the caller that knows which ranks it accepts.
AttentionJson parse_attention_json(std::string_view text, std::string_view file_name);

}  // namespace attnviz::io
