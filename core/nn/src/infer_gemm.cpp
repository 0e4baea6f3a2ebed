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

// The register tile is 4 token rows × 24 output columns: 12 ymm accumulators, 3 for the panel's
// row and 1 for the broadcast token value (16 registers). Against a 6 × 16 tile it loads 4 token
// values per 12 FMAs instead of 6, and 128 tokens split into whole 4-row blocks. Hot in L1 it
// runs at ~100 GFLOP/s on the EPYC here (its FMA peak measured alone: 102); the whole product,
// packing included, at ~85 (docs/benchmarks.md).
constexpr Index kMr = 4, kNr = 24;
constexpr Index kKc = 256;   // depth of a panel: 256 × 24 floats = 24 KB, kept in L1 for every row block
constexpr Index kMc = 1024;  // token rows packed at once (1 MB at kKc); longer inputs take blocks of them

// C (4 × 24, row stride ldc) (+)= A (kc × 4, the 4 rows interleaved) · P (kc × 24, contiguous).
inline void tile_4x24(Index kc, const float* A, const float* P, float* C, Index ldc, bool accumulate)
{
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00,
           c22 = c00, c30 = c00, c31 = c00, c32 = c00;
#pragma GCC unroll 4
    for (Index k = 0; k < kc; ++k, P += kNr, A += kMr) {
        const __m256 b0 = _mm256_load_ps(P), b1 = _mm256_load_ps(P + 8), b2 = _mm256_load_ps(P + 16);
        __m256 a = _mm256_broadcast_ss(A);
        c00 = _mm256_fmadd_ps(a, b0, c00), c01 = _mm256_fmadd_ps(a, b1, c01), c02 = _mm256_fmadd_ps(a, b2, c02);
        a = _mm256_broadcast_ss(A + 1);
        c10 = _mm256_fmadd_ps(a, b0, c10), c11 = _mm256_fmadd_ps(a, b1, c11), c12 = _mm256_fmadd_ps(a, b2, c12);
        a = _mm256_broadcast_ss(A + 2);
        c20 = _mm256_fmadd_ps(a, b0, c20), c21 = _mm256_fmadd_ps(a, b1, c21), c22 = _mm256_fmadd_ps(a, b2, c22);
        a = _mm256_broadcast_ss(A + 3);
        c30 = _mm256_fmadd_ps(a, b0, c30), c31 = _mm256_fmadd_ps(a, b1, c31), c32 = _mm256_fmadd_ps(a, b2, c32);
    }
    auto put = [accumulate](float* p, __m256 v) {
        _mm256_storeu_ps(p, accumulate ? _mm256_add_ps(_mm256_loadu_ps(p), v) : v);
    };
    put(C, c00), put(C + 8, c01), put(C + 16, c02), C += ldc;
    put(C, c10), put(C + 8, c11), put(C + 16, c12), C += ldc;
    put(C, c20), put(C + 8, c21), put(C + 16, c22), C += ldc;
    put(C, c30), put(C + 8, c31), put(C + 16, c32);
}

// Packs x's rows [i0, i0 + mc) × depth [k0, k0 + kc) as blocks of 4 rows, each (kc × 4) with the
// rows interleaved; rows past `m` are zero (the last block's padding).
void pack_rows(const float* x, Index ldx, Index m, Index i0, Index mc, Index k0, Index kc, float* dst)
{
    for (Index i = i0; i < i0 + mc; i += kMr, dst += kc * kMr) {
        if (i + kMr <= m) {
            const float *r0 = x + i * ldx + k0, *r1 = r0 + ldx, *r2 = r1 + ldx, *r3 = r2 + ldx;
            Index k = 0;
            for (; k + 8 <= kc; k += 8) {  // a 4 × 8 block transposed in registers
                const __m256 a = _mm256_loadu_ps(r0 + k), b = _mm256_loadu_ps(r1 + k);
                const __m256 c = _mm256_loadu_ps(r2 + k), d = _mm256_loadu_ps(r3 + k);
                const __m256 t0 = _mm256_unpacklo_ps(a, b), t1 = _mm256_unpackhi_ps(a, b);
                const __m256 t2 = _mm256_unpacklo_ps(c, d), t3 = _mm256_unpackhi_ps(c, d);
                const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                float* o = dst + k * kMr;
                _mm256_storeu_ps(o, _mm256_permute2f128_ps(u0, u1, 0x20));
                _mm256_storeu_ps(o + 8, _mm256_permute2f128_ps(u2, u3, 0x20));
                _mm256_storeu_ps(o + 16, _mm256_permute2f128_ps(u0, u1, 0x31));
                _mm256_storeu_ps(o + 24, _mm256_permute2f128_ps(u2, u3, 0x31));
            }
            for (; k < kc; ++k) dst[k * kMr] = r0[k], dst[k * kMr + 1] = r1[k], dst[k * kMr + 2] = r2[k], dst[k * kMr + 3] = r3[k];
        } else {
            for (Index k = 0; k < kc; ++k)
                for (Index r = 0; r < kMr; ++r) dst[k * kMr + r] = i + r < m ? x[(i + r) * ldx + k0 + k] : 0.0f;
        }
    }
}

// Packs B's depth [k0, k0 + kc) × columns [j, j + 24) into dst (kc × 24, contiguous, 32-byte
// aligned); columns at or past n are zero (the last panel's padding).
void pack_panel(const float* w, Index ldw, bool k_by_n, Index n, Index k0, Index kc, Index j, float* dst)
{
    const Index valid = std::min(kNr, n - j);
    if (k_by_n) {
        const float* src = w + k0 * ldw + j;
        if (valid == kNr) {
            for (Index k = 0; k < kc; ++k, src += ldw, dst += kNr) {
                _mm256_store_ps(dst, _mm256_loadu_ps(src));
                _mm256_store_ps(dst + 8, _mm256_loadu_ps(src + 8));
                _mm256_store_ps(dst + 16, _mm256_loadu_ps(src + 16));
            }
        } else {
            for (Index k = 0; k < kc; ++k, src += ldw, dst += kNr)
                for (Index c = 0; c < kNr; ++c) dst[c] = c < valid ? src[c] : 0.0f;
        }
        return;
    }
    // B = Wᵀ: column j of B is row j of W. 8 × 8 blocks transposed in registers.
    for (Index jb = 0; jb < kNr; jb += 8) {
        const float* src = w + (j + jb) * ldw + k0;
        if (jb + 8 > valid) {  // the last panel's partial group of rows
            for (Index k = 0; k < kc; ++k)
                for (Index c = 0; c < 8; ++c) dst[k * kNr + jb + c] = jb + c < valid ? src[c * ldw + k] : 0.0f;
            continue;
        }
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
            _mm256_store_ps(d + 0 * kNr, r0), _mm256_store_ps(d + 1 * kNr, r1);
            _mm256_store_ps(d + 2 * kNr, r2), _mm256_store_ps(d + 3 * kNr, r3);
            _mm256_store_ps(d + 4 * kNr, r4), _mm256_store_ps(d + 5 * kNr, r5);
            _mm256_store_ps(d + 6 * kNr, r6), _mm256_store_ps(d + 7 * kNr, r7);
        }
        for (; k < kc; ++k)
            for (Index c = 0; c < 8; ++c) dst[k * kNr + jb + c] = src[c * ldw + k];
    }
}

// The cache lines of the panel at column j (depth [k0, k0 + kc)), asked for a few at a time
// while the previous panel is multiplied: packing then reads from cache instead of waiting on
// memory for lines 9–12 KB apart (one weight row per depth step in the Conv1D layout).
class PanelPrefetch {
public:
    PanelPrefetch(const float* w, Index ldw, bool k_by_n, Index n, Index k0, Index kc, Index j)
        : w_(w), ldw_(ldw), k_by_n_(k_by_n), k0_(k0), kc_(kc), j_(j)
    {
        if (j >= n) return;
        rows_ = k_by_n ? kc : std::min(kNr, n - j);
        per_row_ = k_by_n ? 2 : (kc + 15) / 16;  // Conv1D: 96 bytes over at most 3 lines, ask its ends
        total_ = rows_ * per_row_;
    }
    // Asks for the next `count` lines.
    void ask(Index count)
    {
        for (; count > 0 && next_ < total_; --count, ++next_) {
            const Index row = next_ / per_row_, part = next_ % per_row_;
            const float* p = k_by_n_ ? w_ + (k0_ + row) * ldw_ + j_ + (part ? kNr - 1 : 0)
                                     : w_ + (j_ + row) * ldw_ + k0_ + std::min(part * 16, kc_ - 1);
            _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
        }
    }
    Index total() const { return total_; }

private:
    const float* w_;
    Index ldw_;
    bool k_by_n_;
    Index k0_, kc_, j_;
    Index rows_ = 0, per_row_ = 1, total_ = 0, next_ = 0;
};

float* aligned(std::vector<float>& storage, std::size_t floats)
{
    storage.resize(floats + 16);
    return reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(storage.data()) + 63) &
                                    ~static_cast<std::uintptr_t>(63));
}

// Columns [j_begin, j_end) of y (j_begin a multiple of 24; j_end a multiple of 24 or n), every
// row: one thread's share. Per depth block and block of rows: the rows packed once, then each
// 24-column panel packed (into L1) and multiplied by every 4-row block.
void gemm_columns(Index m, Index n, Index k, const float* x, Index ldx, const float* w, Index ldw, bool k_by_n,
                  float* y, Index ldy, Index j_begin, Index j_end)
{
    thread_local std::vector<float> rows_storage, panel_storage;
    float* const rows = aligned(rows_storage, static_cast<std::size_t>(std::min(kMc, (m + kMr - 1) / kMr * kMr) * kKc));
    float* const panels = aligned(panel_storage, static_cast<std::size_t>(2 * kKc * kNr));
    alignas(32) float edge[kMr * kNr];
    for (Index k0 = 0; k0 < k; k0 += kKc) {
        const Index kc = std::min(kKc, k - k0);
        const bool accumulate = k0 > 0;
        for (Index i0 = 0; i0 < m; i0 += kMc) {
            const Index mc = std::min(kMc, (m - i0 + kMr - 1) / kMr * kMr);
            const Index blocks = mc / kMr;
            pack_rows(x, ldx, m, i0, mc, k0, kc, rows);
            for (Index j = j_begin, p = 0; j < j_end; j += kNr, ++p) {
                float* const P = panels + (p & 1) * kKc * kNr;
                pack_panel(w, ldw, k_by_n, n, k0, kc, j, P);
                PanelPrefetch next(w, ldw, k_by_n, j_end, k0, kc, j + kNr);
                const Index ask = (next.total() + blocks - 1) / blocks;
                const Index cols = std::min(kNr, n - j);
                for (Index b = 0; b < blocks; ++b) {
                    next.ask(ask);
                    const Index i = i0 + b * kMr, live = std::min(kMr, m - i);
                    const float* A = rows + b * kc * kMr;
                    if (live == kMr && cols == kNr) {
                        tile_4x24(kc, A, P, y + i * ldy + j, ldy, accumulate);
                        continue;
                    }
                    // A padded block or panel: through a local tile, only the real cells copied.
                    for (Index r = 0; r < kMr; ++r)
                        for (Index c = 0; c < kNr; ++c)
                            edge[r * kNr + c] = accumulate && r < live && c < cols ? y[(i + r) * ldy + j + c] : 0.0f;
                    tile_4x24(kc, A, P, edge, kNr, true);
                    for (Index r = 0; r < live; ++r)
                        for (Index c = 0; c < cols; ++c) y[(i + r) * ldy + j + c] = edge[r * kNr + c];
                }
            }
        }
    }
}

}  // namespace

bool gemm_packed(Index m, Index n, Index k, const float* x, Index ldx, const float* w, Index ldw, bool k_by_n,
                 float* y, Index ldy)
{
    if (m == 0 || n == 0 || k == 0) return false;
    // Threads split the columns in runs of whole panels; each packs its own rows and panels.
    const Index panels = (n + kNr - 1) / kNr;
    const Index threads = std::min<Index>(std::max(1, g_threads.load(std::memory_order_relaxed)), panels);
    if (threads <= 1) {
        gemm_columns(m, n, k, x, ldx, w, ldw, k_by_n, y, ldy, 0, n);
        return true;
    }
    std::vector<std::thread> pool;
    auto bound = [&](Index t) { return std::min(n, panels * t / threads * kNr); };
    for (Index t = 1; t < threads; ++t)
        pool.emplace_back(gemm_columns, m, n, k, x, ldx, w, ldw, k_by_n, y, ldy, bound(t), bound(t + 1));
    gemm_columns(m, n, k, x, ldx, w, ldw, k_by_n, y, ldy, 0, bound(1));
    for (auto& t : pool) t.join();
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
