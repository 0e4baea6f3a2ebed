// SPDX-License-Identifier: GPL-3.0-or-later
// Opens an attention file (.npy, .safetensors or JSON) as an AttentionStack.
//
// Accepted shapes (of the one tensor, or of each `attentions.i` of a safetensors series):
//   [n_q, n_k]                            one head
//   [heads, n_q, n_k]                     one layer
//   [layers, heads, n_q, n_k]             a model
//   [layers, batch, heads, n_q, n_k]      a model on a batch: `batch` picks one entry
// A safetensors series `attentions.0 … attentions.L-1` stacks the layers; each may be
// [batch, heads, n_q, n_k] (Hugging Face's output_attentions), [heads, n_q, n_k] or [n_q, n_k].
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/io/mapped_file.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace attnviz::inspect {

enum class AttentionFormat { Npy, Safetensors, Json };

struct LoadOptions {
    Index batch = 0;
    bool softmax = false;  // treat the values as raw scores and turn each row into weights
    std::optional<AttentionFormat> format;  // default: by extension, else by the first bytes
};

// Throws std::invalid_argument naming the file, the tensor and what was expected.
AttentionStack load_attention(const std::filesystem::path& path, const LoadOptions& options = {});

// The same, from a file already in memory (or mapped); `file` is named in messages. Fuzzers and
// tests use this with MappedFile's owning constructor.
AttentionStack load_attention(std::shared_ptr<const io::MappedFile> file,
                              const LoadOptions& options = {});

// By extension (.npy, .safetensors, .json), else by content: the npy magic, a '{' (JSON), or
// else safetensors.
AttentionFormat detect_format(const io::MappedFile& file);

}  // namespace attnviz::inspect
