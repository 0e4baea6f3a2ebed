// SPDX-License-Identifier: GPL-3.0-or-later
#include "infer_gemm.hpp"

#include <algorithm>
#include <cstdint>
#include <atomic>
#include <thread>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define ATTNVIZ_INFER_GEMM 1
#endif

namespace attnviz::nn {

namespace {
std::atomic<int> g_threads{1};
}

void set_inference_threads(int n) { g_threads.store(n < 1 ? 1 : n, std::memory_order_relaxed); }
int inference_threads() { return g_threads.load(std::memory_order_relaxed); }

}  // namespace attnviz::nn

namespace attnviz::nn::detail {

#ifdef ATTNVIZ_INFER_GEMM

namespace {

using Index = Eigen::Index;

constexpr Index kMr = 6, kNr = 16;  // the register tile: 6 rows × 16 columns = 12 ymm accumulators
constexpr Index kKc = 256;           // depth of a packed panel: 256 × 16 floats = 16 KB, in L1
constexpr Index kNc = 512;           // columns packed at once: 256 × 512 floats = 512 KB, in L2

// C (6 × 16, row stride ldc) (+)= A (6 × kc, row stride lda) · P (kc × 16, contiguous).
inline void tile_6x16(Index kc, const float* A, Index lda, const float* P, float* C, Index ldc, bool accumulate)
{
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
           c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const float *a0 = A, *a1 = A + lda, *a2 = A + 2 * lda, *a3 = A + 3 * lda, *a4 = A + 4 * lda, *a5 = A + 5 * lda;
    for (Index k = 0; k < kc; ++k, P += kNr) {
        const __m256 b0 = _mm256_loadu_ps(P), b1 = _mm256_loadu_ps(P + 8);
        __m256 a = _mm256_broadcast_ss(a0 + k);
        c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(a1 + k);
        c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(a2 + k);
        c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(a3 + k);
        c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(a4 + k);
        c40 = _mm256_fmadd_ps(a, b0, c40), c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(a5 + k);
        c50 = _mm256_fmadd_ps(a, b0, c50), c51 = _mm256_fmadd_ps(a, b1, c51);
    }
    auto put = [accumulate](float* p, __m256 v) {
        _mm256_storeu_ps(p, accumulate ? _mm256_add_ps(_mm256_loadu_ps(p), v) : v);
    };
    put(C, c00), put(C + 8, c01), C += ldc;
    put(C, c10), put(C + 8, c11), C += ldc;
    put(C, c20), put(C + 8, c21), C += ldc;
    put(C, c30), put(C + 8, c31), C += ldc;
    put(C, c40), put(C + 8, c41), C += ldc;
    put(C, c50), put(C + 8, c51);
}

// Packs B rows [k0, k0 + kc) × columns [j, j + 16) into dst (kc × 16, contiguous).
void pack_panel(const float* w, Index ldw, bool k_by_n, Index k0, Index kc, Index j, float* dst)
{
    if (k_by_n) {
        const float* src = w + k0 * ldw + j;
        for (Index k = 0; k < kc; ++k, src += ldw, dst += kNr) {
            _mm256_storeu_ps(dst, _mm256_loadu_ps(src));
            _mm256_storeu_ps(dst + 8, _mm256_loadu_ps(src + 8));
        }
    } else {
        // B = Wᵀ: column j of B is row j of W. 8 × 8 blocks transposed in registers.
        for (Index jb = 0; jb < kNr; jb += 8) {
            const float* src = w + (j + jb) * ldw + k0;
            Index k = 0;
            for (; k + 8 <= kc; k += 8) {
                __m256 r0 = _mm256_loadu_ps(src + 0 * ldw + k), r1 = _mm256_loadu_ps(src + 1 * ldw + k);
                __m256 r2 = _mm256_loadu_ps(src + 2 * ldw + k), r3 = _mm256_loadu_ps(src + 3 * ldw + k);
                __m256 r4 = _mm256_loadu_ps(src + 4 * ldw + k), r5 = _mm256_loadu_ps(src + 5 * ldw + k);
                __m256 r6 = _mm256_loadu_ps(src + 6 * ldw + k), r7 = _mm256_loadu_ps(src + 7 * ldw + k);
                const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
                const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
                const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
                const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
                r0 = _mm256_permute2f128_ps(s0, s4, 0x20), r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
                r2 = _mm256_permute2f128_ps(s2, s6, 0x20), r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
                r4 = _mm256_permute2f128_ps(s0, s4, 0x31), r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
                r6 = _mm256_permute2f128_ps(s2, s6, 0x31), r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
                float* d = dst + k * kNr + jb;
                _mm256_storeu_ps(d + 0 * kNr, r0), _mm256_storeu_ps(d + 1 * kNr, r1);
                _mm256_storeu_ps(d + 2 * kNr, r2), _mm256_storeu_ps(d + 3 * kNr, r3);
                _mm256_storeu_ps(d + 4 * kNr, r4), _mm256_storeu_ps(d + 5 * kNr, r5);
                _mm256_storeu_ps(d + 6 * kNr, r6), _mm256_storeu_ps(d + 7 * kNr, r7);
            }
            for (; k < kc; ++k)
                for (Index c = 0; c < 8; ++c) dst[k * kNr + jb + c] = src[c * ldw + k];
        }
    }
}

// Columns [j_begin, j_end) (multiples of 16) of the tiled part: rows [0, m6) of y, and the
// zero-padded tail rows into tail_y (row stride n16). One thread's share.
void gemm_columns(Index m6, Index n16, Index k, const float* x, Index ldx, const float* w, Index ldw, bool k_by_n,
                  float* y, Index ldy, const float* tail_x, float* tail_y, Index j_begin, Index j_end)
{
    thread_local std::vector<float> packed_storage;
    // The panels start on a cache line: each 16-float row of a panel is then one line.
    packed_storage.resize(static_cast<std::size_t>(kKc * kNc + 16));
    float* const packed = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(packed_storage.data()) + 63) &
                                                   ~static_cast<std::uintptr_t>(63));
    for (Index k0 = 0; k0 < k; k0 += kKc) {
        const Index kc = std::min(kKc, k - k0);
        for (Index j0 = j_begin; j0 < j_end; j0 += kNc) {
            const Index nc = std::min(kNc, j_end - j0);
            for (Index p = 0; p < nc / kNr; ++p) pack_panel(w, ldw, k_by_n, k0, kc, j0 + p * kNr, packed + p * kc * kNr);
            for (Index i = 0; i < m6; i += kMr)
                for (Index p = 0; p < nc / kNr; ++p)
                    tile_6x16(kc, x + i * ldx + k0, ldx, packed + p * kc * kNr, y + i * ldy + j0 + p * kNr, ldy, k0 > 0);
            if (tail_x)
                for (Index p = 0; p < nc / kNr; ++p)
                    tile_6x16(kc, tail_x + k0, k, packed + p * kc * kNr, tail_y + j0 + p * kNr, n16, k0 > 0);
        }
    }
}

}  // namespace

bool gemm_packed(Index m, Index n, Index k, const float* x, Index ldx, const float* w, Index ldw, bool k_by_n,
                 float* y, Index ldy)
{
    const Index m6 = m / kMr * kMr, n16 = n / kNr * kNr;
    if (n16 == 0 || k == 0) return false;
    // The last m − m6 rows go through the same tiles, zero-padded to 6 (a product of a few rows
    // by Eigen would pack the whole weight again).
    thread_local std::vector<float> tail_x, tail_y;
    const Index tail = m - m6;
    if (tail > 0) {
        tail_x.assign(static_cast<std::size_t>(kMr * k), 0.0f);
        tail_y.assign(static_cast<std::size_t>(kMr * n16), 0.0f);
        for (Index r = 0; r < tail; ++r) std::copy(x + (m6 + r) * ldx, x + (m6 + r) * ldx + k, tail_x.data() + r * k);
    }
    const float* tx = tail > 0 ? tail_x.data() : nullptr;
    float* ty = tail > 0 ? tail_y.data() : nullptr;
    // Threads split the columns in runs of whole panels; each packs its own.
    const Index panels = n16 / kNr;
    const Index threads = std::min<Index>(std::max(1, g_threads.load(std::memory_order_relaxed)), panels);
    if (threads <= 1) {
        gemm_columns(m6, n16, k, x, ldx, w, ldw, k_by_n, y, ldy, tx, ty, 0, n16);
    } else {
        std::vector<std::thread> pool;
        auto bounds = [&](Index t) { return panels * t / threads * kNr; };
        for (Index t = 1; t < threads; ++t)
            pool.emplace_back(gemm_columns, m6, n16, k, x, ldx, w, ldw, k_by_n, y, ldy, tx, ty, bounds(t), bounds(t + 1));
        gemm_columns(m6, n16, k, x, ldx, w, ldw, k_by_n, y, ldy, tx, ty, 0, bounds(1));
        for (auto& t : pool) t.join();
    }
    for (Index r = 0; r < tail; ++r)
        std::copy(tail_y.data() + r * n16, tail_y.data() + (r + 1) * n16, y + (m6 + r) * ldy);
    // The columns the tiles leave: [n16, n), every row.
    using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Stride = Eigen::OuterStride<>;
    const Eigen::Map<const RowMat, 0, Stride> X(x, m, k, Stride(ldx));
    Eigen::Map<RowMat, 0, Stride> Y(y, m, n, Stride(ldy));
    auto edges = [&](const auto& B) {
        if (n16 < n) Y.rightCols(n - n16).noalias() = X * B.rightCols(n - n16);
    };
    if (k_by_n)
        edges(Eigen::Map<const RowMat, 0, Stride>(w, k, n, Stride(ldw)));
    else
        edges(Eigen::Map<const RowMat, 0, Stride>(w, n, k, Stride(ldw)).transpose());
    return true;
}

#else

bool gemm_packed(Eigen::Index, Eigen::Index, Eigen::Index, const float*, Eigen::Index, const float*, Eigen::Index, bool,
                 float*, Eigen::Index)
{
    return false;
}

#endif

}  // namespace attnviz::nn::detail
