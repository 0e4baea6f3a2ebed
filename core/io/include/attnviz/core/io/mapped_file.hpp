// SPDX-License-Identifier: GPL-3.0-or-later
// A read-only memory mapping of a whole file. Attention tensors reach hundreds of megabytes:
// mapping lets the OS page in only the heads that are looked at, and keeps the data out of
// the process's private memory. The only POSIX code of the core lives behind this class.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace attnviz::io {

class MappedFile {
public:
    // Throws std::invalid_argument("cannot open x.npy: No such file or directory").
    explicit MappedFile(const std::filesystem::path& path);
    // Owns a copy of `bytes`: lets fuzzers, tests and in-memory data share the file code path.
    explicit MappedFile(std::vector<std::byte> bytes, std::filesystem::path label = {});
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::span<const std::byte> bytes() const { return {data_, size_}; }
    std::size_t size() const { return size_; }

private:
    std::filesystem::path path_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    void* mapping_ = nullptr;       // non-null when mmap'ed
    std::vector<std::byte> owned_;  // used when constructed from bytes
};

}  // namespace attnviz::io
