// SPDX-License-Identifier: GPL-3.0-or-later
// Counting heap allocations in a test executable: include this header from exactly ONE source
// file of the test (it defines malloc and friends). After it, ATTNVIZ_ASAN is defined under
// AddressSanitizer, ATTNVIZ_COUNTS_ALLOCATIONS where counting works (glibc, no ASan), and
// g_allocations counts this thread's allocations.
#pragma once

#include <cstddef>

// AddressSanitizer replaces malloc itself, and these definitions clash with it at start-up
// (__SANITIZE_ADDRESS__: GCC; __has_feature(address_sanitizer): clang).
#if defined(__SANITIZE_ADDRESS__)
#define ATTNVIZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNVIZ_ASAN 1
#endif
#endif

#if defined(__GLIBC__) && !defined(ATTNVIZ_ASAN)
// Counts heap allocations (Eigen allocates with malloc, the standard library with operator new,
// which calls malloc) by interposing glibc's malloc family in this test executable.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}
namespace {
thread_local long long g_allocations = 0;
}
extern "C" {
void* malloc(std::size_t n)
{
    ++g_allocations;
    return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b)
{
    ++g_allocations;
    return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n)
{
    ++g_allocations;
    return __libc_realloc(p, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n)
{
    ++g_allocations;
    *out = __libc_memalign(align, n);
    return *out ? 0 : 12;  // ENOMEM
}
void* aligned_alloc(std::size_t align, std::size_t n)
{
    ++g_allocations;
    return __libc_memalign(align, n);
}
}
#define ATTNVIZ_COUNTS_ALLOCATIONS 1
#endif
