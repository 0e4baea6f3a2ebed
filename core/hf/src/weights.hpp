// SPDX-License-Identifier: GPL-3.0-or-later
// The checkpoint's tensors, memory-mapped: model.safetensors, or the shards that
// model.safetensors.index.json's "weight_map" names. Nothing is copied on opening; a weight is
// seen in place when it is float32 (and aligned), and converted into a caller's scratch buffer
// when it is float16 or bfloat16 (a matrix at a time, when the forward reaches it).
#pragma once

#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/nn/infer.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace attnviz::hf {

// One tensor inside a mapping.
struct TensorRef {
    std::string name;
    io::DType dtype = io::DType::F32;
    std::vector<std::int64_t> shape;
    const std::byte* data = nullptr;  // little-endian elements
    std::int64_t elements = 0;

    // True when the elements can be read as float in place (F32, 4-byte aligned).
    bool in_place() const;
};

// Converts `count` elements of an F32/F16/BF16 tensor starting at element `first` into `out`.
// Plain loops over bits that the compiler vectorises (no per-element dispatch).
void convert_to_float(const TensorRef& t, std::int64_t first, std::int64_t count, float* out);

// A reusable buffer for converted weights: grows, never shrinks.
struct Scratch {
    std::vector<float> buffer;
    float* get(std::size_t n)
    {
        if (buffer.size() < n) buffer.resize(n);
        return buffer.data();
    }
};

// The float view of a 2-D tensor (rows × cols as stored): in place, or converted into scratch.
nn::WeightView<float> weight_view(const TensorRef& t, Scratch& scratch, bool transposed = false);
// Rows [first, first + count) of a 2-D tensor as floats (embedding lookups, LM head blocks).
const float* rows_view(const TensorRef& t, std::int64_t first, std::int64_t count, Scratch& scratch);
// A small tensor (bias, norm weight) converted whole: kilobytes, owned by the architecture.
std::vector<float> to_floats(const TensorRef& t);

class WeightStore {
public:
    // `folder` holds model.safetensors or model.safetensors.index.json (+ its shards). Throws
    // std::invalid_argument naming the file that is missing or wrong.
    explicit WeightStore(const std::filesystem::path& folder);

    bool has(const std::string& name) const { return index_.count(name) > 0; }
    // The tensor, its dtype floating (F32/F16/BF16) and its shape `shape`; throws
    // std::invalid_argument("model.safetensors: tensor 'h.0.attn.c_attn.weight' has shape
    // [8, 24], expected [8, 16] (n_embd × 2·n_embd)") naming the expectation.
    TensorRef get(const std::string& name, const std::vector<std::int64_t>& shape,
                  const std::string& meaning = {}) const;
    // The first of `names` present, or "" when none is.
    std::string first_present(std::initializer_list<std::string> names) const;

    // The dtype most weights have ("float32", ...), and the files' total size.
    std::string main_dtype() const;
    std::size_t total_bytes() const { return total_bytes_; }
    std::vector<std::string> names() const;

private:
    struct Located {
        const io::SafetensorsFile* file;
        const io::SafetensorsEntry* entry;
    };
    std::vector<std::unique_ptr<io::SafetensorsFile>> files_;
    std::map<std::string, Located> index_;
    std::size_t total_bytes_ = 0;
};

std::string shape_text(const std::vector<std::int64_t>& shape);  // "[8, 24]"

}  // namespace attnviz::hf
