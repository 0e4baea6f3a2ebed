// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/atomic_write.hpp"

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnviz::files {

namespace {

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why)
{
    throw std::invalid_argument("cannot save " + path.string() + ": " + why);
}

const char* kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// Closes the descriptor and removes the temporary unless released: every early exit of
// write_atomically() leaves the directory as it found it.
class Temporary {
public:
    Temporary(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    ~Temporary()
    {
        if (fd_ >= 0) ::close(fd_);
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }
    // close(2) can report a delayed write error (NFS, quota): it is checked, not ignored.
    int close()
    {
        const int r = ::close(fd_);
        fd_ = -1;
        return r;
    }
    void release() { path_.clear(); }

private:
    int fd_;
    std::filesystem::path path_;
};

// A new file beside `target`, created exclusively (O_EXCL) with mode 0666 so that the umask
// applies as it would to any new file. Named ".NAME.partial-XXXXXXXX": hidden, and plainly
// leftover should the machine stop between creation and rename.
Temporary create_temporary(const std::filesystem::path& shown, const std::filesystem::path& target)
{
    std::random_device entropy;
    std::mt19937_64 rng((static_cast<std::uint64_t>(entropy()) << 32) ^ entropy() ^
                        static_cast<std::uint64_t>(::getpid()));
    static constexpr char hex[] = "0123456789abcdef";
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string suffix(8, '0');
        std::uint64_t r = rng();
        for (char& c : suffix) {
            c = hex[r & 15];
            r >>= 4;
        }
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, bug 105329) on "." + string.
        std::string name(1, '.');
        name += target.filename().string();
        name += ".partial-";
        name += suffix;
        std::filesystem::path tmp = target.parent_path() / name;
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return Temporary(fd, std::move(tmp));
        if (errno != EEXIST) {
            const int err = errno;
            refuse(shown, std::string("cannot create a temporary file in ") +
                              (target.parent_path().empty() ? std::string(".") : target.parent_path().string()) +
                              ": " + std::strerror(err));
        }
    }
    refuse(shown, "cannot create a temporary file beside it (100 names taken)");
}

}  // namespace

std::filesystem::path resolve_save_target(const std::filesystem::path& path)
{
    std::filesystem::path p = path;
    // 40: Linux's own limit on links followed in one lookup (MAXSYMLINKS).
    for (int hop = 0; hop <= 40; ++hop) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        std::error_code ec;
        const std::filesystem::path to = std::filesystem::read_symlink(p, ec);
        if (ec) refuse(path, "cannot read the symbolic link " + p.string() + ": " + ec.message());
        p = to.is_absolute() ? to : p.parent_path() / to;
    }
    refuse(path, "too many levels of symbolic links");
}

namespace {

// The real target of `path`, and whether it exists (then as a regular file, in *existing).
std::filesystem::path checked_target(const std::filesystem::path& path, struct stat* existing, bool* replaces)
{
    if (path.empty() || !path.has_filename()) refuse(path, "not a file name");
    const std::filesystem::path target = resolve_save_target(path);
    if (!target.has_filename()) refuse(path, "not a file name");
    *replaces = false;
    if (::stat(target.c_str(), existing) == 0) {
        if (!S_ISREG(existing->st_mode))
            refuse(path, std::string("it is ") + kind_of(existing->st_mode) +
                             ", not a regular file; only a regular file or a new path is replaced");
        *replaces = true;
    } else if (errno != ENOENT) {
        const int err = errno;
        refuse(path, std::strerror(err));
    }
    return target;
}

}  // namespace

std::filesystem::path check_save_target(const std::filesystem::path& path)
{
    struct stat existing {};
    bool replaces = false;
    std::filesystem::path target = checked_target(path, &existing, &replaces);
    if (!replaces) {
        const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
        struct stat d {};
        if (::stat(dir.c_str(), &d) != 0) {
            const int err = errno;
            refuse(path, "cannot create a file in " + dir.string() + ": " + std::strerror(err));
        }
        if (!S_ISDIR(d.st_mode)) refuse(path, "cannot create a file in " + dir.string() + ": Not a directory");
    }
    return target;
}

void write_atomically(const std::filesystem::path& path, std::span<const std::span<const std::byte>> pieces)
{
    struct stat existing {};
    bool replaces = false;
    const std::filesystem::path target = checked_target(path, &existing, &replaces);

    Temporary tmp = create_temporary(path, target);
    if (replaces) {
        // The replaced file's permission bits (and, for root, its owner) carry over to the new one.
        ::fchmod(tmp.fd(), existing.st_mode & 07777);
        if (::geteuid() == 0 && ::fchown(tmp.fd(), existing.st_uid, existing.st_gid) != 0) {
            // Not fatal: the content is what matters; the new file keeps root's ownership.
        }
    }
    for (const std::span<const std::byte> bytes : pieces) {
        const char* p = reinterpret_cast<const char*>(bytes.data());
        std::size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(tmp.fd(), p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                const int err = errno;
                refuse(path, std::strerror(err));
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }
    // fsync before rename: otherwise a crash soon after can leave the new name on an empty file.
    if (::fsync(tmp.fd()) != 0) {
        const int err = errno;
        refuse(path, std::strerror(err));
    }
    if (tmp.close() != 0) {
        const int err = errno;
        refuse(path, std::strerror(err));
    }
    if (::rename(tmp.path().c_str(), target.c_str()) != 0) {
        const int err = errno;
        refuse(path, std::strerror(err));
    }
    tmp.release();
    // The rename itself is made durable by syncing the directory; failure here loses nothing
    // that the rename has not already done, so it is not reported.
    const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void write_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes)
{
    const std::span<const std::byte> one[] = {bytes};
    write_atomically(path, std::span<const std::span<const std::byte>>(one));
}

void write_atomically(const std::filesystem::path& path, std::string_view text)
{
    write_atomically(path, std::span<const std::byte>(reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

}  // namespace attnviz::files
