// SPDX-License-Identifier: GPL-3.0-or-later
#include "weights.hpp"

#include "attnviz/core/json.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#ifdef __F16C__
#include <immintrin.h>
#endif

namespace attnviz::hf {

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// binary16 → binary32 (where F16C is not compiled in, and for the last few elements) without
// branches per element: the exponent and mantissa shifted into
// place and rescaled by 2^112 (which also normalises subnormals), infinities and NaNs given the
// all-ones exponent, then the sign.
inline std::uint32_t half_bits_to_float_bits(std::uint16_t h)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t em = h & 0x7fffu;
    const std::uint32_t shifted = em << 13;
    const float scaled = std::bit_cast<float>(shifted) * 0x1p112f;
    const std::uint32_t finite = std::bit_cast<std::uint32_t>(scaled);
    const std::uint32_t special = shifted | 0x70000000u;  // exponent 31 → 255
    return sign | (em >= 0x7c00u ? special : finite);
}

}  // namespace

std::string shape_text(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

bool TensorRef::in_place() const
{
    return dtype == io::DType::F32 && io::native_byte_order() == io::ByteOrder::Little &&
           reinterpret_cast<std::uintptr_t>(data) % alignof(float) == 0;
}

void convert_to_float(const TensorRef& t, std::int64_t first, std::int64_t count, float* out)
{
    const std::byte* src = t.data;
    switch (t.dtype) {
    case io::DType::F32:
        std::memcpy(out, src + first * 4, static_cast<std::size_t>(count) * 4);
        return;
    case io::DType::BF16:
        for (std::int64_t i = 0; i < count; ++i) {
            std::uint16_t b;
            std::memcpy(&b, src + (first + i) * 2, 2);
            out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
        }
        return;
    case io::DType::F16: {
        std::int64_t i = 0;
#ifdef __F16C__
        // The hardware conversion, 8 at a time (exact: every half is a float).
        for (; i + 8 <= count; i += 8)
            _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(
                                          reinterpret_cast<const __m128i*>(src + (first + i) * 2))));
#endif
        for (; i < count; ++i) {
            std::uint16_t b;
            std::memcpy(&b, src + (first + i) * 2, 2);
            out[i] = std::bit_cast<float>(half_bits_to_float_bits(b));
        }
        return;
    }
    default:
        throw std::invalid_argument("tensor '" + t.name + "' is " + std::string(io::dtype_name(t.dtype)) +
                                    ", expected float32, float16 or bfloat16");
    }
}

nn::WeightView<float> weight_view(const TensorRef& t, Scratch& scratch, bool transposed)
{
    nn::WeightView<float> w;
    w.rows = t.shape.at(0);
    w.cols = t.shape.size() > 1 ? t.shape[1] : 1;
    w.transposed = transposed;
    if (t.in_place()) {
        w.data = reinterpret_cast<const float*>(t.data);
    } else {
        float* buf = scratch.get(static_cast<std::size_t>(t.elements));
        convert_to_float(t, 0, t.elements, buf);
        w.data = buf;
    }
    return w;
}

const float* rows_view(const TensorRef& t, std::int64_t first, std::int64_t count, Scratch& scratch)
{
    const std::int64_t cols = t.shape.size() > 1 ? t.shape[1] : 1;
    if (t.in_place()) return reinterpret_cast<const float*>(t.data) + first * cols;
    float* buf = scratch.get(static_cast<std::size_t>(count * cols));
    convert_to_float(t, first * cols, count * cols, buf);
    return buf;
}

std::vector<float> to_floats(const TensorRef& t)
{
    std::vector<float> v(static_cast<std::size_t>(t.elements));
    convert_to_float(t, 0, t.elements, v.data());
    return v;
}

WeightStore::WeightStore(const fs::path& folder)
{
    const fs::path single = folder / "model.safetensors";
    const fs::path index = folder / "model.safetensors.index.json";
    std::map<std::string, std::vector<std::string>> wanted;  // shard file → tensor names
    if (fs::exists(single)) {
        files_.push_back(std::make_unique<io::SafetensorsFile>(single));
    } else if (fs::exists(index)) {
        const json::Value root = [&] {
            try {
                return json::parse(read_text(index));
            } catch (const json::ParseError& e) {
                throw std::invalid_argument(index.string() + ": " + e.what());
            }
        }();
        const json::Value* map = root.find("weight_map");
        if (!map || !map->is_object())
            throw std::invalid_argument(index.string() + ": no \"weight_map\" object");
        for (const auto& [name, file] : map->as_object()) {
            if (!file.is_string())
                throw std::invalid_argument(index.string() + ": weight_map entry '" + name +
                                            "' is not a file name string");
            const std::string& f = file.as_string();
            if (f.empty() || f.find('/') != std::string::npos || f.find('\\') != std::string::npos || f == "." ||
                f == "..")
                throw std::invalid_argument(index.string() + ": weight_map entry '" + name + "' names '" + f +
                                            "', not a file name inside the folder");
            wanted[f].push_back(name);
        }
        if (wanted.empty()) throw std::invalid_argument(index.string() + ": the weight_map is empty");
        for (const auto& [f, names] : wanted)
            if (!fs::is_regular_file(folder / f))
                throw std::invalid_argument(index.string() + " names the shard " + f + " (for '" + names.front() +
                                            "'), which is not in " + folder.string());
        for (const auto& [f, names] : wanted) files_.push_back(std::make_unique<io::SafetensorsFile>(folder / f));
    } else {
        throw std::invalid_argument(folder.string() +
                                    ": no model.safetensors and no model.safetensors.index.json (only the "
                                    "safetensors format is read)");
    }
    for (const auto& f : files_) {
        total_bytes_ += f->mapping()->size();
        for (const auto& e : f->tensors()) {
            if (index_.count(e.name))
                throw std::invalid_argument(f->path().filename().string() + ": tensor '" + e.name +
                                            "' is also in " + index_.at(e.name).file->path().filename().string());
            index_[e.name] = {f.get(), &e};
        }
    }
    for (const auto& [f, names] : wanted)
        for (const auto& name : names) {
            auto it = index_.find(name);
            if (it == index_.end() || it->second.file->path().filename() != f)
                throw std::invalid_argument(index.string() + " puts tensor '" + name + "' in " + f +
                                            ", which does not hold it");
        }
}

TensorRef WeightStore::get(const std::string& name, const std::vector<std::int64_t>& shape,
                           const std::string& meaning) const
{
    auto it = index_.find(name);
    if (it == index_.end())
        throw std::invalid_argument("the checkpoint has no tensor '" + name + "' (expected shape " +
                                    shape_text(shape) + (meaning.empty() ? "" : " = " + meaning) + ")");
    const auto& [file, e] = it->second;
    const std::string where = file->path().filename().string() + ": tensor '" + name + "'";
    if (e->dtype != io::DType::F32 && e->dtype != io::DType::F16 && e->dtype != io::DType::BF16)
        throw std::invalid_argument(where + " is " + std::string(io::dtype_name(e->dtype)) +
                                    ", expected float32, float16 or bfloat16");
    if (e->shape != shape)
        throw std::invalid_argument(where + " has shape " + shape_text(e->shape) + ", expected " +
                                    shape_text(shape) + (meaning.empty() ? "" : " (" + meaning + ")"));
    TensorRef t;
    t.name = name;
    t.dtype = e->dtype;
    t.shape = e->shape;
    t.data = file->bytes(*e).data();
    t.elements = e->element_count();
    return t;
}

std::string WeightStore::first_present(std::initializer_list<std::string> names) const
{
    for (const auto& n : names)
        if (has(n)) return n;
    return {};
}

std::string WeightStore::main_dtype() const
{
    std::map<io::DType, std::int64_t> count;
    for (const auto& [name, loc] : index_) count[loc.entry->dtype] += loc.entry->element_count();
    io::DType best = io::DType::F32;
    std::int64_t most = -1;
    for (const auto& [t, c] : count)
        if (c > most) best = t, most = c;
    return std::string(io::dtype_name(best));
}

std::vector<std::string> WeightStore::names() const
{
    std::vector<std::string> v;
    for (const auto& [n, l] : index_) v.push_back(n);
    return v;
}

}  // namespace attnviz::hf
