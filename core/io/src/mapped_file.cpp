// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/mapped_file.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <mutex>
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

// ---- The SIGBUS guard ------------------------------------------------------------------------
// A fixed table, so that the signal handler reads it without locks or allocation (lock-free
// atomics only). A slot is [begin, end) of one live mapping, page-rounded; `lost` records that
// the handler replaced part of it with zero pages.
struct GuardSlot {
    std::atomic<bool> used{false};
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
    std::atomic<bool> lost{false};
};
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "the SIGBUS handler needs lock-free atomics");

GuardSlot g_slots[kMaxGuardedMappings];
std::uintptr_t g_page_size = 4096;
struct sigaction g_previous {};
std::once_flag g_install_once;
std::atomic<bool> g_installed{false};  // false again once a foreign fault uninstalls it

void on_sigbus(int sig, siginfo_t* info, void* context)
{
    const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
    for (GuardSlot& s : g_slots) {
        const std::uintptr_t begin = s.begin.load(std::memory_order_acquire);
        if (begin == 0 || addr < begin) continue;
        const std::uintptr_t end = s.end.load(std::memory_order_acquire);
        if (addr >= end) continue;
        // The file shrank under this mapping: from the faulting page to the mapping's end, put
        // private zero pages in place (one call, so the rest of a large head does not fault page
        // by page). mmap is a plain system call on Linux, safe here although POSIX does not list
        // it as async-signal-safe. Returning retries the read, which now sees 0.
        const std::uintptr_t page = addr & ~(g_page_size - 1);
        void* r = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (r == MAP_FAILED) break;
        s.lost.store(true, std::memory_order_release);
        return;
    }
    // Not one of ours: what would have happened without this handler. The previous action is
    // put back and the faulting access, re-executed on return, is delivered to it by the kernel
    // with its own flags and mask (Qt Test's crash handler, for one, relies on SA_RESETHAND; a
    // direct call would loop). The guard is gone from then on, but a real fault elsewhere ends
    // the process anyway. A SIGBUS sent with kill() (si_code <= 0) does not come back by
    // itself: it is raised again.
    (void)context;
    g_installed.store(false);  // later files are read into memory instead of mapped
    ::sigaction(SIGBUS, &g_previous, nullptr);
    if (info->si_code <= 0) ::raise(sig);
}

void install_guard()
{
    const long page = ::sysconf(_SC_PAGESIZE);
    if (page > 0) g_page_size = static_cast<std::uintptr_t>(page);
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    g_installed.store(::sigaction(SIGBUS, &sa, &g_previous) == 0);
}

// A slot for [begin, begin + size) rounded up to pages, or -1 when the table is full.
int guard(const void* begin, std::size_t size)
{
    std::call_once(g_install_once, install_guard);
    if (!g_installed.load()) return -1;
    const auto b = reinterpret_cast<std::uintptr_t>(begin);
    const std::uintptr_t e = b + ((size + g_page_size - 1) & ~(g_page_size - 1));
    for (int i = 0; i < kMaxGuardedMappings; ++i) {
        bool expected = false;
        if (!g_slots[i].used.compare_exchange_strong(expected, true)) continue;
        g_slots[i].lost.store(false);
        g_slots[i].end.store(e, std::memory_order_release);
        g_slots[i].begin.store(b, std::memory_order_release);
        return i;
    }
    return -1;
}

void unguard(int slot)
{
    g_slots[slot].begin.store(0, std::memory_order_release);
    g_slots[slot].end.store(0, std::memory_order_release);
    g_slots[slot].used.store(false, std::memory_order_release);
}

// The whole file through read(2): the fallback when no guard slot is free.
std::vector<std::byte> read_whole(int fd, std::size_t size, const std::filesystem::path& path)
{
    std::vector<std::byte> out(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, "cannot read", errno);
        if (n == 0) break;  // shrank meanwhile: change_on_disk() will say so
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
}

bool same_time(const timespec& a, const timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

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
    opened_size_ = size_;
    opened_mtime_ = st.st_mtim;
    fd_ = fd;  // kept: change_on_disk() asks it, whatever the path now names
    if (size_ == 0) return;
    // MAP_PRIVATE + PROT_READ: we never write the file.
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        fd_ = -1;
        fail(path, "cannot map", err);
    }
    guard_slot_ = guard(p, size_);
    if (guard_slot_ < 0) {
        // No guard for this mapping: read the file instead, never a mapping that can kill us.
        ::munmap(p, size_);
        try {
            owned_ = read_whole(fd, size_, path);
        } catch (...) {
            ::close(fd);
            fd_ = -1;
            throw;
        }
        data_ = owned_.data();
        size_ = owned_.size();
        return;
    }
    mapping_ = p;
    data_ = static_cast<const std::byte*>(p);
#ifdef MADV_HUGEPAGE
    // A file the kernel still has to read from disk then comes in as 2 MB page-cache folios,
    // each mapped by one entry, whatever order the reader touches it in (a model's forward
    // touches its weights 9–12 KB apart, which otherwise leaves it in small folios). Mapping and
    // unmapping GPT-2 small's 498 MB cost 3–4 ms that way against 25–55 ms in 4 KB pages
    // (docs/benchmarks.md). Only advice: a kernel without it, or a file already cached, is unchanged.
    if (size_ >= (std::size_t{2} << 20)) ::madvise(p, size_, MADV_HUGEPAGE);
#endif
}

MappedFile::MappedFile(std::vector<std::byte> bytes, std::filesystem::path label)
    : path_(std::move(label)), owned_(std::move(bytes))
{
    data_ = owned_.data();
    size_ = owned_.size();
    opened_size_ = size_;
}

MappedFile::~MappedFile()
{
    if (guard_slot_ >= 0) unguard(guard_slot_);
    if (mapping_) ::munmap(mapping_, size_);  // also unmaps the guard's zero pages, if any
    if (fd_ >= 0) ::close(fd_);
}

std::string MappedFile::change_on_disk() const
{
    if (fd_ < 0) return {};
    const bool lost = guard_slot_ >= 0 && g_slots[guard_slot_].lost.load(std::memory_order_acquire);
    struct stat st {};
    const bool stat_ok = ::fstat(fd_, &st) == 0;
    const auto now = stat_ok ? static_cast<std::size_t>(st.st_size) : opened_size_;
    const bool resized = now != opened_size_;
    const bool touched = stat_ok && !same_time(st.st_mtim, opened_mtime_);
    if (!lost && !resized && !touched) return {};
    std::string s = path_.string() + " changed on disk after it was opened";
    if (resized) s += " (" + std::to_string(opened_size_) + " bytes then, " + std::to_string(now) + " now)";
    if (lost) s += "; the part cut off reads as zeros";
    return s + ": the values read from it may be wrong; open it again";
}

std::string MappedFile::replacement_on_disk() const
{
    if (fd_ < 0) return {};
    struct stat now {}, held {};
    if (::fstat(fd_, &held) != 0) return {};
    if (::stat(path_.c_str(), &now) == 0 && now.st_dev == held.st_dev && now.st_ino == held.st_ino) return {};
    return path_.string() + " was replaced or removed on disk after it was opened: what is shown is the file "
                            "as it was then; open it again to see the new one";
}

void MappedFile::check_unchanged() const
{
    if (std::string change = change_on_disk(); !change.empty()) throw std::invalid_argument(change);
}

}  // namespace attnviz::io
