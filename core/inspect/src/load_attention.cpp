// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/load_attention.hpp"

#include "attnviz/core/io/attention_json.hpp"
#include "attnviz/core/io/npy.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace attnviz::inspect {

namespace {

constexpr const char* kAcceptedShapes =
    "[n_q, n_k], [heads, n_q, n_k], [layers, heads, n_q, n_k] or "
    "[layers, batch, heads, n_q, n_k]";
constexpr const char* kAcceptedSeriesShapes =
    "[n_q, n_k], [heads, n_q, n_k] or [batch, heads, n_q, n_k] per layer";

std::string shape_text(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

[[noreturn]] void fail(const std::string& file, const std::string& tensor, const std::string& what)
{
    throw std::invalid_argument(file + ": tensor '" + tensor + "': " + what);
}

// A strided array anywhere in memory; the common input of every format's layout.
struct ArrayRef {
    const std::byte* data;
    io::DType dtype;
    io::ByteOrder order;
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> strides;  // elements
    std::string tensor;
};

std::vector<std::int64_t> c_strides(const std::vector<std::int64_t>& shape)
{
    std::vector<std::int64_t> s(shape.size());
    std::int64_t step = 1;
    for (std::size_t d = shape.size(); d-- > 0;) { s[d] = step; step *= shape[d]; }
    return s;
}

void require_float(const std::string& file, const ArrayRef& a)
{
    if (!io::is_floating(a.dtype))
        fail(file, a.tensor, "unsupported dtype " + std::string(io::dtype_name(a.dtype)) +
                                 " (expected float16, bfloat16, float32 or float64)");
}

void require_nonempty(const std::string& file, const ArrayRef& a)
{
    for (std::int64_t d : a.shape)
        if (d < 1)
            fail(file, a.tensor, "shape " + shape_text(a.shape) +
                                     " has an empty dimension (expected every dimension >= 1)");
}

// Picks the batch entry of dimension `dim` (or checks that none was asked for).
const std::byte* select_batch(const std::string& file, const ArrayRef& a, int dim, Index batch,
                              Index& batch_count)
{
    if (dim < 0) {
        if (batch != 0)
            fail(file, a.tensor, "shape " + shape_text(a.shape) +
                                     " has no batch dimension (expected batch 0, got " +
                                     std::to_string(batch) + ")");
        batch_count = 1;
        return a.data;
    }
    batch_count = a.shape[static_cast<std::size_t>(dim)];
    if (batch < 0 || batch >= batch_count)
        fail(file, a.tensor, "batch " + std::to_string(batch) + " out of range (expected 0.." +
                                 std::to_string(batch_count - 1) + ")");
    return a.data + batch * a.strides[static_cast<std::size_t>(dim)] *
                        static_cast<std::int64_t>(io::element_size(a.dtype));
}

StackLayout single_tensor_layout(const std::string& file, const std::string& format,
                                 const ArrayRef& a, Index batch,
                                 std::shared_ptr<const void> storage)
{
    require_float(file, a);
    const std::size_t rank = a.shape.size();
    if (rank < 2 || rank > 5)
        fail(file, a.tensor, "wrong rank " + std::to_string(rank) + ", shape " +
                                 shape_text(a.shape) + " (expected " + kAcceptedShapes + ")");
    require_nonempty(file, a);

    StackLayout s;
    s.file = file;
    s.format = format;
    s.file_shape = a.shape;
    s.storage = std::move(storage);
    // Dimension index of each role, or -1 when the rank has no such dimension.
    const int layer_dim = rank >= 4 ? 0 : -1;
    const int batch_dim = rank == 5 ? 1 : -1;
    const int head_dim = rank >= 3 ? static_cast<int>(rank) - 3 : -1;
    const auto dim = [&](int d) { return d < 0 ? std::int64_t{1} : a.shape[static_cast<std::size_t>(d)]; };
    const auto stride = [&](int d) { return d < 0 ? std::int64_t{0} : a.strides[static_cast<std::size_t>(d)]; };

    s.layers = dim(layer_dim);
    s.heads = dim(head_dim);
    s.query_count = a.shape[rank - 2];
    s.key_count = a.shape[rank - 1];
    s.batch = batch;
    const std::byte* base = select_batch(file, a, batch_dim, batch, s.batch_count);
    const std::int64_t size = static_cast<std::int64_t>(io::element_size(a.dtype));
    for (Index l = 0; l < s.layers; ++l)
        s.sources.push_back({base + l * stride(layer_dim) * size, a.dtype, a.order, stride(head_dim),
                             a.strides[rank - 2], a.strides[rank - 1], a.tensor});
    return s;
}

// The Python snippet in docs/import-format.md writes tokens as a JSON list inside the
// string-valued __metadata__.
std::vector<std::string> metadata_tokens(const std::string& file,
                                         const std::map<std::string, std::string>& meta,
                                         const std::string& key)
{
    const auto it = meta.find(key);
    if (it == meta.end()) return {};
    json::Value v;
    try {
        v = json::parse(it->second);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(file + ": __metadata__ '" + key +
                                    "' must be a JSON list of strings: " + e.what());
    }
    if (!v.is_array())
        throw std::invalid_argument(file + ": __metadata__ '" + key +
                                    "' must be a JSON list of strings, got a " +
                                    json::type_name(v.type()));
    std::vector<std::string> out;
    for (const json::Value& t : v.as_array()) {
        if (!t.is_string())
            throw std::invalid_argument(file + ": __metadata__ '" + key +
                                        "' must be a JSON list of strings, found a " +
                                        json::type_name(t.type()));
        out.push_back(t.as_string());
    }
    return out;
}

void apply_tokens(AttentionStack& stack, std::vector<std::string> keys,
                  std::vector<std::string> queries)
{
    if (keys.empty() && queries.empty()) return;
    if (keys.empty())
        for (Index j = 0; j < stack.key_count(); ++j) keys.push_back(std::to_string(j));
    stack.set_tokens(std::move(keys), std::move(queries));
}

// A tensor named "attentions." followed by digits only is a layer of the series, whatever the
// digits say: its index, or SIZE_MAX when it does not fit (then it is out of sequence like any
// index past the last layer, not silently ignored). Leading zeros ("attentions.05") are refused:
// the series is attentions.0 … attentions.L-1, and "05" would be a second name for layer 5.
// Any other name is not part of the series.
std::optional<std::size_t> series_index(const std::string& file, const std::string& name)
{
    constexpr std::string_view prefix = "attentions.";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    for (char c : digits)
        if (c < '0' || c > '9') return std::nullopt;
    if (digits.size() > 1 && digits.front() == '0')
        fail(file, name, "layer index with a leading zero (expected attentions.0, attentions.1, …)");
    std::size_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return SIZE_MAX;
    return value;
}

AttentionStack load_safetensors(std::shared_ptr<const io::MappedFile> file, const std::string& name,
                                const LoadOptions& options)
{
    const io::SafetensorsHeader header = io::parse_safetensors_header(file->bytes(), name);
    const auto ref = [&](const io::SafetensorsEntry& e) {
        return ArrayRef{file->bytes().data() + header.data_offset + e.begin, e.dtype,
                        io::ByteOrder::Little, e.shape, c_strides(e.shape), e.name};
    };

    std::vector<const io::SafetensorsEntry*> series;
    for (const io::SafetensorsEntry& e : header.tensors) {
        const auto i = series_index(name, e.name);
        if (!i) continue;
        if (*i >= header.tensors.size())
            fail(name, e.name, "layer index out of sequence (expected attentions.0 … attentions." +
                                   std::to_string(header.tensors.size() - 1) + ")");
        if (series.size() <= *i) series.resize(*i + 1, nullptr);
        series[*i] = &e;
    }

    StackLayout layout;
    if (!series.empty()) {
        for (std::size_t i = 0; i < series.size(); ++i)
            if (!series[i])
                throw std::invalid_argument(name + ": tensor 'attentions." + std::to_string(i) +
                                            "' is missing (expected attentions.0 … attentions." +
                                            std::to_string(series.size() - 1) + ")");
        const ArrayRef first = ref(*series[0]);
        require_float(name, first);
        const std::size_t rank = first.shape.size();
        if (rank < 2 || rank > 4)
            fail(name, first.tensor, "wrong rank " + std::to_string(rank) + ", shape " +
                                         shape_text(first.shape) + " (expected " +
                                         kAcceptedSeriesShapes + ")");
        // Each layer's tensor is laid out as a rank+1 tensor's slice would be: reuse the
        // single-tensor layout (rank 2/3/4 → heads at rank-3, batch at 0 for rank 4) on it.
        for (std::size_t l = 0; l < series.size(); ++l) {
            const ArrayRef a = ref(*series[l]);
            require_float(name, a);
            if (a.shape != first.shape)
                fail(name, a.tensor, "shape " + shape_text(a.shape) + " differs from " +
                                         first.tensor + "'s " + shape_text(first.shape) +
                                         " (expected every layer to have the same shape)");
            require_nonempty(name, a);
            StackLayout one;
            if (rank == 4) {
                // [batch, heads, n_q, n_k] is a one-layer [layers=1, batch, heads, ...] tensor.
                ArrayRef five = a;
                five.shape.insert(five.shape.begin(), 1);
                five.strides.insert(five.strides.begin(), 0);
                one = single_tensor_layout(name, "safetensors", five, options.batch, nullptr);
            } else {
                one = single_tensor_layout(name, "safetensors", a, options.batch, nullptr);
            }
            if (l == 0) layout = one;
            else layout.sources.push_back(one.sources.front());
        }
        layout.layers = static_cast<Index>(series.size());
        layout.file_shape = first.shape;
        layout.storage = file;
    } else {
        const io::SafetensorsEntry* chosen = nullptr;
        if (header.tensors.size() == 1) chosen = &header.tensors.front();
        for (const char* preferred : {"attention", "attentions"})
            if (!chosen) chosen = header.find(preferred);
        if (!chosen) {
            std::string names;
            for (const auto& e : header.tensors) names += (names.empty() ? "" : ", ") + e.name;
            throw std::invalid_argument(
                name + ": cannot tell which tensor holds the attention (expected one tensor, one "
                       "named 'attention', or attentions.0 … attentions.L-1; found " +
                (names.empty() ? std::string("none") : names) + ")");
        }
        layout = single_tensor_layout(name, "safetensors", ref(*chosen), options.batch, file);
    }

    AttentionStack stack(std::move(layout), options.softmax);
    apply_tokens(stack, metadata_tokens(name, header.metadata, "tokens"),
                 metadata_tokens(name, header.metadata, "query_tokens"));
    return stack;
}

AttentionStack load_npy(std::shared_ptr<const io::MappedFile> file, const std::string& name,
                        const LoadOptions& options)
{
    const io::NpyHeader h = io::parse_npy_header(file->bytes(), name);
    const ArrayRef a{file->bytes().data() + h.data_offset, h.dtype, h.order, h.shape, h.strides(),
                     "array"};
    return AttentionStack(single_tensor_layout(name, "npy", a, options.batch, file), options.softmax);
}

AttentionStack load_json(std::shared_ptr<const io::MappedFile> file, const std::string& name,
                         const LoadOptions& options)
{
    const std::string_view text(reinterpret_cast<const char*>(file->bytes().data()), file->size());
    auto parsed = std::make_shared<io::AttentionJson>(io::parse_attention_json(text, name));
    const ArrayRef a{reinterpret_cast<const std::byte*>(parsed->values.data()), io::DType::F32,
                     io::native_byte_order(), parsed->shape, c_strides(parsed->shape), "attention"};
    AttentionStack stack(single_tensor_layout(name, "json", a, options.batch, parsed),
                         options.softmax);
    apply_tokens(stack, parsed->tokens.value_or(std::vector<std::string>{}),
                 parsed->query_tokens.value_or(std::vector<std::string>{}));
    return stack;
}

}  // namespace

AttentionFormat detect_format(const io::MappedFile& file)
{
    std::string ext = file.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".npy") return AttentionFormat::Npy;
    if (ext == ".safetensors") return AttentionFormat::Safetensors;
    if (ext == ".json") return AttentionFormat::Json;
    const auto bytes = file.bytes();
    if (bytes.size() >= 6 && std::memcmp(bytes.data(), "\x93NUMPY", 6) == 0)
        return AttentionFormat::Npy;
    for (std::byte b : bytes) {
        const char c = static_cast<char>(b);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '{') return AttentionFormat::Json;
        break;
    }
    return AttentionFormat::Safetensors;
}

AttentionStack load_attention(std::shared_ptr<const io::MappedFile> file, const LoadOptions& options)
{
    const std::string name = file->path().string();
    const auto load = [&]() {
        switch (options.format.value_or(detect_format(*file))) {
        case AttentionFormat::Npy: return load_npy(file, name, options);
        case AttentionFormat::Safetensors: return load_safetensors(file, name, options);
        case AttentionFormat::Json: return load_json(file, name, options);
        }
        throw std::invalid_argument(name + ": unknown format");
    };
    AttentionStack stack = load();
    // Opening scanned every value: had the file been cut short or rewritten meanwhile, what was
    // scanned (zeros where it was cut, see MappedFile) is not the file. Refuse it.
    file->check_unchanged();
    return stack;
}

AttentionStack load_attention(const std::filesystem::path& path, const LoadOptions& options)
{
    return load_attention(std::make_shared<const io::MappedFile>(path), options);
}

}  // namespace attnviz::inspect
