// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON {"name": {"dtype", "shape", "data_offsets": [begin, end]},
// "__metadata__": {string: string}}, then the raw little-endian tensor bytes, offsets relative
// to the first byte after the header. Used both to open exported attention tensors and to save
// and load trained model parameters.
#pragma once

#include "attnviz/core/io/dtype.hpp"
#include "attnviz/core/io/mapped_file.hpp"
#include "attnviz/core/tensor.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::io {

// A header larger than this is refused before it is parsed: a hostile length field must not
// make us allocate or scan gigabytes of "JSON".
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100ull * 1000 * 1000;

struct SafetensorsEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;  // row-major (C order), as stored; [] is a scalar
    std::uint64_t begin = 0;          // byte range [begin, end) relative to the data section
    std::uint64_t end = 0;

    std::int64_t element_count() const;  // product of shape (1 for a scalar)
};

struct SafetensorsHeader {
    std::vector<SafetensorsEntry> tensors;  // in the order of their data offsets
    std::map<std::string, std::string> metadata;  // "__metadata__", empty when absent
    std::uint64_t data_offset = 0;  // absolute file offset of the data section (8 + N)

    const SafetensorsEntry* find(std::string_view name) const;  // nullptr when absent
};

// Parses and validates the header of a whole file held in `file`: the length field, the JSON,
// each dtype, shape and byte range (in bounds, size = elements × element size, no overlap, the
// data section exactly covered). `file_name` only labels messages. Throws std::invalid_argument
// ("model.safetensors: tensor 'attentions.3': data_offsets [0, 96] hold 96 bytes, expected
// 128 for F32 [2, 4, 4]").
SafetensorsHeader parse_safetensors_header(std::span<const std::byte> file,
                                           std::string_view file_name);

// A memory-mapped safetensors file: the header is parsed on opening, tensors are converted on
// demand and nothing else is copied.
class SafetensorsFile {
public:
    // Throws std::invalid_argument when the file cannot be opened or its header is invalid.
    explicit SafetensorsFile(const std::filesystem::path& path);
    // The same over a file already mapped or in memory (fuzzers, tests); its path() names it.
    explicit SafetensorsFile(std::shared_ptr<const MappedFile> file);

    const std::filesystem::path& path() const { return path_; }
    const SafetensorsHeader& header() const { return header_; }
    const std::vector<SafetensorsEntry>& tensors() const { return header_.tensors; }
    const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
    // Throws std::invalid_argument naming the file and the tensor when it is absent.
    const SafetensorsEntry& entry(std::string_view name) const;

    // The raw little-endian bytes of a tensor, inside the mapping (valid while this lives).
    std::span<const std::byte> bytes(const SafetensorsEntry& e) const;
    // The mapping itself, for views that must outlive this object.
    std::shared_ptr<const MappedFile> mapping() const { return file_; }

    // All elements in row-major order, converted. Throws for an absent tensor or an integer
    // dtype.
    std::vector<float> read_float(std::string_view name) const;
    std::vector<double> read_double(std::string_view name) const;
    // Rank-2 tensor [rows, cols] as a matrix; rank-1 [n] as a vector. Throws on another rank.
    Matrix read_matrix(std::string_view name) const;
    Vector read_vector(std::string_view name) const;

private:
    std::filesystem::path path_;
    std::shared_ptr<const MappedFile> file_;
    SafetensorsHeader header_;
};

// Builds a safetensors file in memory: tensors keep the order they were added in, and the
// header is padded with spaces to a multiple of 8 bytes so that every F32/F64 tensor of the
// written file is aligned for in-place use.
class SafetensorsWriter {
public:
    // `values` are row-major and must number the product of `shape`; `dtype` is the stored
    // type (F16, BF16, F32 or F64; narrowing rounds to nearest even). Throws
    // std::invalid_argument for a duplicate or empty name, "__metadata__", a size mismatch or an
    // integer dtype.
    void add(std::string name, std::vector<std::int64_t> shape, std::span<const double> values,
             DType dtype = DType::F32);
    void add(std::string name, std::vector<std::int64_t> shape, std::span<const float> values,
             DType dtype = DType::F32);
    // float32 values stored as F32 without a copy: the writer keeps a view of `values`, which
    // must stay alive and unchanged until the last bytes() or write() (a model run's 9.4 MB of
    // attentions are written straight from the run's buffer). Same checks as add().
    void add_view(std::string name, std::vector<std::int64_t> shape, std::span<const float> values);
    // A matrix is stored as [rows, cols], a vector as [n].
    void add(std::string name, const Matrix& m, DType dtype = DType::F32);
    void add(std::string name, const Vector& v, DType dtype = DType::F32);

    void set_metadata(std::string key, std::string value);

    std::vector<std::byte> bytes() const;
    // Writes bytes() to `path` through files::write_atomically (attnviz/core/atomic_write.hpp):
    // a temporary beside the real target, fsync'ed and renamed into place, so that a failed save
    // never leaves half a model; a symbolic link's target is replaced, not the link; a device,
    // directory or FIFO is refused. Throws std::invalid_argument naming the path on failure.
    void write(const std::filesystem::path& path) const;

private:
    struct Pending {
        std::string name;
        DType dtype;
        std::vector<std::int64_t> shape;
        std::vector<std::byte> data;  // already encoded, little-endian
        std::span<const std::byte> view;  // add_view: the caller's float32 bytes (data is empty)
        std::span<const std::byte> bytes() const { return view.empty() ? std::span<const std::byte>(data) : view; }
    };
    void check_new(const std::string& name, const std::vector<std::int64_t>& shape) const;
    std::string header() const;  // the JSON header, padded to a multiple of 8 with its 8-byte length
    std::vector<Pending> tensors_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace attnviz::io
