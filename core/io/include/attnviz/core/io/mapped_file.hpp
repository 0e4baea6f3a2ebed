// SPDX-License-Identifier: GPL-3.0-or-later
// A read-only memory mapping of a whole file. Attention tensors reach hundreds of megabytes:
// mapping lets the OS page in only the heads that are looked at, and keeps the data out of
// the process's private memory. The only POSIX code of the core lives behind this class.
//
// A file that shrinks on disk while mapped (np.save to the same path truncates it in place)
// would make every read past its new end raise SIGBUS and kill the program. MappedFile
// installs, once, a SIGBUS handler that recognises a fault inside one of its mappings and puts
// zero-filled pages in place of the vanished part: the read completes (as 0), the mapping is
// marked, and change_on_disk() then says that the file changed. Faults anywhere else go to the
// handler that was there before (or kill the program as usual). Should the handler's fixed table
// of mappings (kMaxGuardedMappings) be full, the file is read into memory instead of mapped, so
// that no mapping is ever unguarded.
#pragma once

#include <cstddef>
#include <ctime>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace attnviz::io {

// Mappings alive at once that the SIGBUS handler can guard; a further file is copied instead.
inline constexpr int kMaxGuardedMappings = 256;

class MappedFile {
public:
    // Throws std::invalid_argument("cannot open x.npy: No such file or directory"), and for a
    // path that is not a regular file ("cannot open /dev/zero: not a regular file").
    explicit MappedFile(const std::filesystem::path& path);
    // Owns a copy of `bytes`: lets fuzzers, tests and in-memory data share the file code path.
    explicit MappedFile(std::vector<std::byte> bytes, std::filesystem::path label = {});
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::span<const std::byte> bytes() const { return {data_, size_}; }
    std::size_t size() const { return size_; }
    // True when the bytes are the file's pages (false: copied, or given in memory).
    bool mapped() const { return mapping_ != nullptr; }

    // Empty while the file on disk is as it was when opened; otherwise one sentence saying what
    // changed, e.g. "x.npy changed on disk after it was opened (1048704 bytes then, 128 now):
    // the values read from it may be wrong; open it again". Checked on the descriptor kept open
    // (fstat: size and modification time) and from the SIGBUS guard's mark. A file given in
    // memory never changes.
    std::string change_on_disk() const;
    // Throws std::invalid_argument(change_on_disk()) when it is not empty.
    void check_unchanged() const;
    // Empty while path() still names the file that was opened; otherwise one sentence: the path
    // now names another file (saved by renaming a new file over it) or none. The bytes held are
    // still the opened file's, whole and unchanged; they are just no longer what the path holds.
    std::string replacement_on_disk() const;

private:
    std::filesystem::path path_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    void* mapping_ = nullptr;       // non-null when mmap'ed
    std::vector<std::byte> owned_;  // used when constructed from bytes (or when copied)
    int fd_ = -1;                   // kept open for change_on_disk(); -1 for bytes in memory
    int guard_slot_ = -1;           // the SIGBUS guard's table entry of this mapping
    std::size_t opened_size_ = 0;
    timespec opened_mtime_{};
};

}  // namespace attnviz::io
