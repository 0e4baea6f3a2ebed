// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/safetensors.hpp"

#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/io/checked_math.hpp"
#include "attnviz/core/json.hpp"

#include <algorithm>
#include <bit>
#include <type_traits>
#include <cstring>
#include <stdexcept>
#include <string>

namespace attnviz::io {

namespace {

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

[[noreturn]] void fail(std::string_view file, const std::string& what)
{
    throw std::invalid_argument(std::string(file) + ": " + what);
}

[[noreturn]] void fail_tensor(std::string_view file, std::string_view tensor,
                              const std::string& what)
{
    fail(file, "tensor " + in_quotes(tensor) + ": " + what);
}

std::uint64_t read_u64_le(const std::byte* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
    return v;
}

// A JSON number that must be a non-negative integer exactly representable in a double.
std::uint64_t as_index(const json::Value& v, std::string_view file, std::string_view tensor,
                       std::string_view field)
{
    if (!v.is_number())
        fail_tensor(file, tensor,
                    std::string(field) + " must hold non-negative integers, got a " +
                        type_name(v.type()));
    const double d = v.as_number();
    if (!(d >= 0) || d > 9007199254740992.0 || d != static_cast<double>(static_cast<std::uint64_t>(d)))
        fail_tensor(file, tensor,
                    std::string(field) + " must hold non-negative integers, got " + json::dump(v));
    return static_cast<std::uint64_t>(d);
}

std::string shape_text(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

SafetensorsEntry parse_entry(const std::string& name, const json::Value& v, std::string_view file)
{
    if (!v.is_object())
        fail_tensor(file, name, std::string("expected an object, got a ") + type_name(v.type()));
    SafetensorsEntry e;
    e.name = name;

    const json::Value* dtype = v.find("dtype");
    if (!dtype || !dtype->is_string()) fail_tensor(file, name, "missing \"dtype\" string");
    const auto t = dtype_from_safetensors_name(dtype->as_string());
    if (!t)
        fail_tensor(file, name,
                    "unsupported dtype " + in_quotes(dtype->as_string()) +
                        " (expected F16, BF16, F32 or F64; I32 and I64 are listed only)");
    e.dtype = *t;

    const json::Value* shape = v.find("shape");
    if (!shape || !shape->is_array()) fail_tensor(file, name, "missing \"shape\" array");
    if (shape->as_array().size() > 64)
        fail_tensor(file, name, "shape has " + std::to_string(shape->as_array().size()) +
                                    " dimensions (at most 64 are accepted)");
    for (const json::Value& d : shape->as_array()) {
        const std::uint64_t n = as_index(d, file, name, "shape");
        if (n > static_cast<std::uint64_t>(INT64_MAX)) fail_tensor(file, name, "shape too large");
        e.shape.push_back(static_cast<std::int64_t>(n));
    }

    const json::Value* offsets = v.find("data_offsets");
    if (!offsets || !offsets->is_array() || offsets->as_array().size() != 2)
        fail_tensor(file, name, "expected \"data_offsets\": [begin, end]");
    e.begin = as_index(offsets->as_array()[0], file, name, "data_offsets");
    e.end = as_index(offsets->as_array()[1], file, name, "data_offsets");
    if (e.end < e.begin)
        fail_tensor(file, name, "data_offsets [" + std::to_string(e.begin) + ", " +
                                    std::to_string(e.end) + "] end before they begin");

    const auto count = checked_product(e.shape);
    const auto bytes = count ? checked_mul(static_cast<std::uint64_t>(*count),
                                           element_size(e.dtype))
                             : std::nullopt;
    if (!bytes) fail_tensor(file, name, "shape " + shape_text(e.shape) + " is too large");
    if (*bytes != e.end - e.begin)
        fail_tensor(file, name,
                    "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                        "] hold " + std::to_string(e.end - e.begin) + " bytes, expected " +
                        std::to_string(*bytes) + " for " +
                        std::string(safetensors_name(e.dtype)) + " " + shape_text(e.shape));
    return e;
}

}  // namespace

std::int64_t SafetensorsEntry::element_count() const
{
    return checked_product(shape).value_or(-1);
}

const SafetensorsEntry* SafetensorsHeader::find(std::string_view name) const
{
    for (const SafetensorsEntry& e : tensors)
        if (e.name == name) return &e;
    return nullptr;
}

SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file,
                                           std::string_view file_name)
{
    if (file.size() < 8)
        fail(file_name, "truncated: expected at least 8 bytes (the header length), got " +
                            std::to_string(file.size()));
    const std::uint64_t n = read_u64_le(file.data());
    if (n > kMaxSafetensorsHeaderBytes)
        fail(file_name, "header of " + std::to_string(n) +
                            " bytes exceeds the 100 MB limit (expected a safetensors file)");
    if (n > file.size() - 8)
        fail(file_name, "truncated: the header length says " + std::to_string(n) +
                            " bytes but only " + std::to_string(file.size() - 8) + " follow");

    const std::string_view text(reinterpret_cast<const char*>(file.data() + 8), n);
    json::Value root;
    try {
        root = json::parse(text);
    } catch (const std::invalid_argument& e) {
        fail(file_name, std::string("header is not valid JSON: ") + e.what());
    }
    if (!root.is_object())
        fail(file_name, std::string("header must be a JSON object, got a ") +
                            type_name(root.type()));

    SafetensorsHeader h;
    h.data_offset = 8 + n;
    for (const auto& [key, value] : root.as_object()) {
        if (key == "__metadata__") {
            if (!value.is_object()) fail(file_name, "\"__metadata__\" must be an object");
            for (const auto& [mk, mv] : value.as_object()) {
                if (!mv.is_string())
                    fail(file_name, "\"__metadata__\" value " + in_quotes(mk) + " must be a string, got a " +
                                        type_name(mv.type()));
                h.metadata[mk] = mv.as_string();
            }
            continue;
        }
        if (h.find(key)) fail_tensor(file_name, key, "appears twice in the header");
        h.tensors.push_back(parse_entry(key, value, file_name));
    }

    std::stable_sort(h.tensors.begin(), h.tensors.end(),
                     [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
                         return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
                     });
    const std::uint64_t data_size = file.size() - h.data_offset;
    std::uint64_t covered = 0;
    for (const SafetensorsEntry& e : h.tensors) {
        if (e.end > data_size)
            fail_tensor(file_name, e.name,
                        "truncated: data_offsets end at " + std::to_string(e.end) +
                            " but the data section holds only " + std::to_string(data_size) +
                            " bytes");
        if (e.begin < covered)
            fail_tensor(file_name, e.name, "data_offsets overlap another tensor's bytes");
        if (e.begin > covered)
            fail_tensor(file_name, e.name,
                        "data_offsets leave a gap of " + std::to_string(e.begin - covered) +
                            " bytes before this tensor");
        covered = e.end;
    }
    if (covered != data_size)
        fail(file_name, "the data section holds " + std::to_string(data_size) +
                            " bytes but the header's tensors cover " + std::to_string(covered));
    return h;
}

// ---- reading --------------------------------------------------------------------------------

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : path_(path), file_(std::make_shared<MappedFile>(path))
{
    header_ = parse_safetensors_header(file_->bytes(), path.string());
}

SafetensorsFile::SafetensorsFile(std::shared_ptr<const MappedFile> file) : path_(file->path()), file_(std::move(file))
{
    header_ = parse_safetensors_header(file_->bytes(), path_.string());
}

const SafetensorsEntry& SafetensorsFile::entry(std::string_view name) const
{
    if (const SafetensorsEntry* e = header_.find(name)) return *e;
    std::string have;
    for (const SafetensorsEntry& e : header_.tensors) {
        if (have.size() > 200) { have += ", ..."; break; }
        have += (have.empty() ? "" : ", ") + e.name;
    }
    fail_tensor(path_.string(), name, "not found (the file holds: " + (have.empty() ? "nothing" : have) + ")");
}

std::span<const std::byte> SafetensorsFile::bytes(const SafetensorsEntry& e) const
{
    return file_->bytes().subspan(header_.data_offset + e.begin, e.end - e.begin);
}

namespace {

template <typename T>
std::vector<T> convert_all(const SafetensorsFile& f, std::string_view name)
{
    const SafetensorsEntry& e = f.entry(name);
    if (!is_floating(e.dtype))
        fail_tensor(f.path().string(), name,
                    "dtype " + std::string(safetensors_name(e.dtype)) +
                        " cannot be read as floating point (expected F16, BF16, F32 or F64)");
    const std::span<const std::byte> raw = f.bytes(e);
    const std::size_t size = element_size(e.dtype);
    std::vector<T> out(raw.size() / size);
    for (std::size_t i = 0; i < out.size(); ++i) {
        if constexpr (std::is_same_v<T, float>)
            out[i] = load_as_float(raw.data() + i * size, e.dtype, ByteOrder::Little);
        else
            out[i] = load_as_double(raw.data() + i * size, e.dtype, ByteOrder::Little);
    }
    return out;
}

}  // namespace

std::vector<float> SafetensorsFile::read_float(std::string_view name) const
{
    return convert_all<float>(*this, name);
}

std::vector<double> SafetensorsFile::read_double(std::string_view name) const
{
    return convert_all<double>(*this, name);
}

Matrix SafetensorsFile::read_matrix(std::string_view name) const
{
    const SafetensorsEntry& e = entry(name);
    if (e.shape.size() != 2)
        fail_tensor(path_.string(), name, "expected rank 2 [rows, cols], got shape " + shape_text(e.shape));
    const std::vector<double> v = read_double(name);
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        v.data(), e.shape[0], e.shape[1]);
}

Vector SafetensorsFile::read_vector(std::string_view name) const
{
    const SafetensorsEntry& e = entry(name);
    if (e.shape.size() != 1)
        fail_tensor(path_.string(), name, "expected rank 1 [n], got shape " + shape_text(e.shape));
    const std::vector<double> v = read_double(name);
    return Eigen::Map<const Vector>(v.data(), static_cast<Index>(v.size()));
}

// ---- writing --------------------------------------------------------------------------------

namespace {

// `shape` must hold exactly `values` elements.
void check_count(const std::string& name, const std::vector<std::int64_t>& shape, std::size_t values)
{
    const auto count = checked_product(shape);
    if (!count || static_cast<std::uint64_t>(*count) != values)
        throw std::invalid_argument("safetensors writer: tensor " + in_quotes(name) + ": shape " +
                                    shape_text(shape) + " needs " +
                                    (count ? std::to_string(*count) : std::string("too many")) +
                                    " values, got " + std::to_string(values));
}

template <typename T>
std::vector<std::byte> encode(const std::string& name, const std::vector<std::int64_t>& shape,
                              std::span<const T> values, DType dtype)
{
    if (!is_floating(dtype))
        throw std::invalid_argument("safetensors writer: tensor " + in_quotes(name) +
                                    ": cannot write dtype " +
                                    std::string(safetensors_name(dtype)) +
                                    " (expected F16, BF16, F32 or F64)");
    check_count(name, shape, values.size());
    const std::size_t size = element_size(dtype);
    std::vector<std::byte> data(values.size() * size);
    if constexpr (std::is_same_v<T, float>)
        if (dtype == DType::F32 && std::endian::native == std::endian::little) {  // the bytes as they are
            if (!values.empty()) std::memcpy(data.data(), values.data(), data.size());
            return data;
        }
    for (std::size_t i = 0; i < values.size(); ++i)
        store_from_double(data.data() + i * size, static_cast<double>(values[i]), dtype,
                          ByteOrder::Little);
    return data;
}

}  // namespace

void SafetensorsWriter::check_new(const std::string& name, const std::vector<std::int64_t>& shape) const
{
    if (name.empty() || name == "__metadata__")
        throw std::invalid_argument("safetensors writer: invalid tensor name " + in_quotes(name));
    for (const Pending& p : tensors_)
        if (p.name == name)
            throw std::invalid_argument("safetensors writer: tensor " + in_quotes(name) +
                                        " added twice");
    for (std::int64_t d : shape)
        if (d < 0)
            throw std::invalid_argument("safetensors writer: tensor " + in_quotes(name) +
                                        ": negative dimension in shape " + shape_text(shape));
}

void SafetensorsWriter::add(std::string name, std::vector<std::int64_t> shape,
                            std::span<const double> values, DType dtype)
{
    check_new(name, shape);
    std::vector<std::byte> data = encode(name, shape, values, dtype);
    tensors_.push_back({std::move(name), dtype, std::move(shape), std::move(data), {}});
}

void SafetensorsWriter::add(std::string name, std::vector<std::int64_t> shape,
                            std::span<const float> values, DType dtype)
{
    check_new(name, shape);
    std::vector<std::byte> data = encode(name, shape, values, dtype);
    tensors_.push_back({std::move(name), dtype, std::move(shape), std::move(data), {}});
}

void SafetensorsWriter::add_view(std::string name, std::vector<std::int64_t> shape, std::span<const float> values)
{
    if constexpr (std::endian::native != std::endian::little) {
        add(std::move(name), std::move(shape), values, DType::F32);  // the bytes must be swapped: a copy
        return;
    }
    check_new(name, shape);
    check_count(name, shape, values.size());
    tensors_.push_back({std::move(name), DType::F32, std::move(shape), {}, std::as_bytes(values)});
}

void SafetensorsWriter::add(std::string name, const Matrix& m, DType dtype)
{
    // Eigen is column-major; safetensors is row-major.
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = m;
    add(std::move(name), {rm.rows(), rm.cols()},
        std::span<const double>(rm.data(), static_cast<std::size_t>(rm.size())), dtype);
}

void SafetensorsWriter::add(std::string name, const Vector& v, DType dtype)
{
    add(std::move(name), {v.size()},
        std::span<const double>(v.data(), static_cast<std::size_t>(v.size())), dtype);
}

void SafetensorsWriter::set_metadata(std::string key, std::string value)
{
    metadata_[std::move(key)] = std::move(value);
}

std::string SafetensorsWriter::header() const
{
    json::Object root;
    if (!metadata_.empty()) {
        json::Object meta;
        for (const auto& [k, v] : metadata_) meta.emplace_back(k, json::Value(v));
        root.emplace_back("__metadata__", json::Value(std::move(meta)));
    }
    std::uint64_t offset = 0;
    for (const Pending& p : tensors_) {
        json::Array shape;
        for (std::int64_t d : p.shape) shape.emplace_back(static_cast<long long>(d));
        json::Object entry;
        entry.emplace_back("dtype", json::Value(std::string(safetensors_name(p.dtype))));
        entry.emplace_back("shape", json::Value(std::move(shape)));
        const std::uint64_t size = p.bytes().size();
        entry.emplace_back("data_offsets",
                           json::Value(json::Array{json::Value(static_cast<unsigned long long>(offset)),
                                                   json::Value(static_cast<unsigned long long>(offset + size))}));
        offset += size;
        root.emplace_back(p.name, json::Value(std::move(entry)));
    }
    std::string header = json::dump(json::Value(std::move(root)));
    // Pad so that 8 + header is a multiple of 8: every tensor then starts 8-aligned in a mapping.
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return out + header;
}

std::vector<std::byte> SafetensorsWriter::bytes() const
{
    const std::string head = header();
    std::size_t total = head.size();
    for (const Pending& p : tensors_) total += p.bytes().size();
    std::vector<std::byte> out(total);
    std::memcpy(out.data(), head.data(), head.size());
    std::size_t pos = head.size();
    for (const Pending& p : tensors_) {
        const std::span<const std::byte> b = p.bytes();
        if (!b.empty()) std::memcpy(out.data() + pos, b.data(), b.size());
        pos += b.size();
    }
    return out;
}

void SafetensorsWriter::write(const std::filesystem::path& path) const
{
    // Through the core's one atomic writer: the real target behind a symbolic link is replaced,
    // a device or directory is refused, and a failed save leaves the old file as it was. The
    // header and each tensor's bytes are written in turn, not joined into one buffer first.
    const std::string head = header();
    std::vector<std::span<const std::byte>> pieces{std::as_bytes(std::span<const char>(head))};
    for (const Pending& p : tensors_) pieces.push_back(p.bytes());
    files::write_atomically(path, std::span<const std::span<const std::byte>>(pieces));
}

}  // namespace attnviz::io
