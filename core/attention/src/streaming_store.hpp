// SPDX-License-Identifier: GPL-3.0-or-later
// Writing a block of rows into a large column-major matrix without first reading it.
//
// The attention variants fill their (n × n) results a block of query rows at a time. In a
// column-major matrix such a block is n_k short runs, one per column, 8·n bytes apart: ordinary
// stores first read every cache line they touch (a "read for ownership"), which the prefetcher
// cannot foresee at that stride, and at n = 2048 the reads cost as much as the writes.
// Non-temporal (streaming) stores write whole lines without reading them: 15 blocks of 64 rows
// copied into 2048² matrices took 42 ms instead of 68 ms (docs/benchmarks.md). Lines the block
// shares with its neighbours are written with ordinary stores, so the values are exactly those
// of a plain assignment.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <cstdint>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace attnviz::detail {

// d[0..b) = s[0..b) · factor. A factor of 1 copies exactly (x · 1 = x, also for ±0, ±inf and
// NaN). Whole cache lines of d are written with streaming stores, the partial lines at either
// end with ordinary ones. Call streaming_fence() after the last call, before another thread
// may read d.
inline void stream_column(const double* s, double factor, double* d, Index b)
{
    Index i = 0;
#if defined(__SSE2__)
    for (; i < b && reinterpret_cast<std::uintptr_t>(d + i) % 64 != 0; ++i) d[i] = s[i] * factor;
#if defined(__AVX__)
    const __m256d f = _mm256_set1_pd(factor);
    for (; i + 8 <= b; i += 8) {
        _mm256_stream_pd(d + i, _mm256_mul_pd(_mm256_loadu_pd(s + i), f));
        _mm256_stream_pd(d + i + 4, _mm256_mul_pd(_mm256_loadu_pd(s + i + 4), f));
    }
#else
    const __m128d f = _mm_set1_pd(factor);
    for (; i + 8 <= b; i += 8)
        for (Index k = 0; k < 8; k += 2) _mm_stream_pd(d + i + k, _mm_mul_pd(_mm_loadu_pd(s + i + k), f));
#endif
#endif
    for (; i < b; ++i) d[i] = s[i] * factor;
}

// dst = src · factor, a column at a time. src: (b × m), contiguous (column-major, leading
// dimension b); dst: (b × m) rows of a column-major matrix.
inline void stream_rows(const Matrix& src, double factor, Eigen::Ref<Matrix> dst)
{
    const Index b = src.rows();
    for (Index j = 0; j < src.cols(); ++j)
        stream_column(src.data() + j * b, factor, dst.data() + j * dst.outerStride(), b);
}

// Orders the streaming stores before any later store (such as the one that hands the result
// to another thread): they are weakly ordered, and a mutex does not order them.
inline void streaming_fence()
{
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

}  // namespace attnviz::detail
