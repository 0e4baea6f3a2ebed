// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/input_files.hpp"

#include "shell/command.hpp"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnviz::shell {

namespace {

[[noreturn]] void refuse(const std::string& label, const std::string& what)
{
    throw std::invalid_argument(label + ": " + what);
}

// Why a file of this type cannot be read whole; empty for a regular file.
std::string not_regular(mode_t mode)
{
    if (S_ISREG(mode)) return {};
    if (S_ISDIR(mode)) return "is a directory";
    if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
    if (S_ISSOCK(mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

std::string too_large(qint64 cap, const char* what)
{
    return "larger than the " + format_bytes(static_cast<double>(cap)) + " limit of " + what;
}

// Reads from `fd` until end of file, refusing more than `cap` bytes.
QByteArray read_all(int fd, qint64 cap, const std::string& label, const char* what)
{
    QByteArray bytes;
    constexpr qint64 kChunk = 1 << 16;
    for (;;) {
        const qint64 at = bytes.size();
        // At most one byte past the cap is read: enough to know the input is over it.
        const qint64 want = std::min(kChunk, cap + 1 - at);
        bytes.resize(at + want);
        const ssize_t n = ::read(fd, bytes.data() + at, static_cast<std::size_t>(want));
        if (n < 0) {
            if (errno == EINTR) {
                bytes.resize(at);
                continue;
            }
            refuse(label, std::string("cannot read: ") + std::strerror(errno));
        }
        bytes.resize(at + n);
        if (bytes.size() > cap)
            refuse(label, too_large(cap, what));
        if (n == 0) return bytes;
    }
}

}  // namespace

void require_regular_file(const QString& path) { require_regular_file(path, -1, nullptr); }

void require_regular_file(const QString& path, qint64 cap, const char* what)
{
    const std::string label = path.toStdString();
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        refuse(label, std::string("cannot read: ") + std::strerror(errno));
    if (const std::string why = not_regular(st.st_mode); !why.empty()) refuse(label, why);
    if (cap >= 0 && st.st_size > cap) refuse(label, too_large(cap, what));
}

QByteArray read_capped(const QString& path, qint64 cap, const char* what)
{
    if (path == QLatin1String("-")) return read_all(STDIN_FILENO, cap, "stdin", what);
    require_regular_file(path);
    const std::string label = path.toStdString();
    // O_NONBLOCK: should the path have become a FIFO since the check, the open returns at once
    // and the check below refuses it.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) refuse(label, std::string("cannot read: ") + std::strerror(errno));
    struct stat st {};
    std::string why = ::fstat(fd, &st) != 0 ? std::string("cannot read: ") + std::strerror(errno)
                                            : not_regular(st.st_mode);
    if (why.empty() && st.st_size > cap)
        why = too_large(cap, what);
    if (!why.empty()) {
        ::close(fd);
        refuse(label, why);
    }
    try {
        QByteArray bytes = read_all(fd, cap, label, what);
        ::close(fd);
        return bytes;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

}  // namespace attnviz::shell
