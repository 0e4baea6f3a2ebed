// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/mapped_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnviz::io {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err)
{
    throw std::invalid_argument(std::string(what) + " " + path.string() + ": " +
                                std::strerror(err));
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        fail(path, "cannot stat", err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::invalid_argument("cannot open " + path.string() + ": not a regular file");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
        // MAP_PRIVATE + PROT_READ: the file may change under us on disk, but we never write it.
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            fail(path, "cannot map", err);
        }
        mapping_ = p;
        data_ = static_cast<const std::byte*>(p);
    }
    ::close(fd);  // the mapping stays valid without the descriptor
}

MappedFile::MappedFile(std::vector<std::byte> bytes, std::filesystem::path label)
    : path_(std::move(label)), owned_(std::move(bytes))
{
    data_ = owned_.data();
    size_ = owned_.size();
}

MappedFile::~MappedFile()
{
    if (mapping_) ::munmap(mapping_, size_);
}

}  // namespace attnviz::io
