// SPDX-License-Identifier: GPL-3.0-or-later
// A few rows through a weight (infer.hpp: linear_forward_streaming): generation feeds one token
// per step, so each projection is a matrix–vector product that reads every weight element once
// and does two flops with it. That is memory-bound; what matters is streaming the weight at the
// memory's speed, never copying it (the packed GEMM would copy every panel for one row, and a
// float16 weight would be converted into a buffer first).
//
//   Conv1D (in × out, y = x W): y_r += x_r,i · W[i, :] for four weight rows i at once (four
//     sequential streams), y's rows (≤ 4 × out floats) staying in L1/L2.
//   nn.Linear (out × in, y = x Wᵀ): dot products of x_r with four (or two) weight rows at once,
//     each with its own accumulator, summed horizontally at the row's end.
//
// Float16 (F16C) and bfloat16 (a 16-bit shift) are converted in registers as they are loaded.
// Without AVX2, FMA and F16C (ATTNVIZ_PORTABLE) the same sums go through Eigen, 16-bit weights a
// block of rows at a time through a small per-thread buffer (never the whole matrix).
#include "attnviz/core/nn/infer.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>
#define ATTNVIZ_INFER_GEMV 1
#endif

namespace attnviz::nn {

namespace {

using Index = Eigen::Index;

std::string dims(Index r, Index c) { return std::to_string(r) + "x" + std::to_string(c); }

// IEEE half → float, exactly (subnormals, infinities and NaN included).
float half_to_float(std::uint16_t h)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
    if (exponent == 0) {
        const float m = static_cast<float>(mantissa) * 0x1.0p-24f;  // subnormal (or zero)
        return sign ? -m : m;
    }
    if (exponent == 31) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

[[maybe_unused]] float element(const RawWeightView& w, Index i)
{
    std::uint16_t b;
    switch (w.type) {
    case WeightType::F32: {
        float f;
        std::memcpy(&f, static_cast<const std::byte*>(w.data) + i * 4, 4);
        return f;
    }
    case WeightType::BF16:
        std::memcpy(&b, static_cast<const std::byte*>(w.data) + i * 2, 2);
        return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
    case WeightType::F16:
        std::memcpy(&b, static_cast<const std::byte*>(w.data) + i * 2, 2);
        return half_to_float(b);
    }
    return 0.0f;
}

#ifdef ATTNVIZ_INFER_GEMV

// Loading 8 consecutive elements as floats, and one as a float, per stored type.
struct F32 {
    using T = float;
    static __m256 load8(const T* p) { return _mm256_loadu_ps(p); }
    static float load1(const T* p) { return *p; }
};
struct BF16 {
    using T = std::uint16_t;
    static __m256 load8(const T* p)
    {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    }
    static float load1(const T* p) { return std::bit_cast<float>(static_cast<std::uint32_t>(*p) << 16); }
};
struct F16 {
    using T = std::uint16_t;
    static __m256 load8(const T* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
    static float load1(const T* p) { return half_to_float(*p); }
};

float hsum(__m256 v)
{
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

// Conv1D: y (M × n, stride ldy) += x (M × k, stride ldx) · W (k × n, row stride ldw).
// U weight rows per pass: their x values are broadcast once (M·U registers), each 8-column
// chunk of the U rows is loaded once and used for every x row.
template <class L, int M, int U>
void gemv_in_by_out(Index n, Index k, const float* x, Index ldx, const typename L::T* w, Index ldw, float* y,
                    Index ldy)
{
    const Index n8 = n / 8 * 8;
    Index i = 0;
    auto pass = [&]<int R>(Index i0) {
        __m256 xb[M][R];
        for (int r = 0; r < M; ++r)
            for (int u = 0; u < R; ++u) xb[r][u] = _mm256_set1_ps(x[r * ldx + i0 + u]);
        const typename L::T* row[R];
        for (int u = 0; u < R; ++u) row[u] = w + (i0 + u) * ldw;
        for (Index j = 0; j < n8; j += 8) {
            __m256 wv[R];
            for (int u = 0; u < R; ++u) wv[u] = L::load8(row[u] + j);
            for (int r = 0; r < M; ++r) {
                float* yp = y + r * ldy + j;
                __m256 acc = _mm256_loadu_ps(yp);
                for (int u = 0; u < R; ++u) acc = _mm256_fmadd_ps(xb[r][u], wv[u], acc);
                _mm256_storeu_ps(yp, acc);
            }
        }
        for (Index j = n8; j < n; ++j)
            for (int r = 0; r < M; ++r) {
                float s = y[r * ldy + j];
                for (int u = 0; u < R; ++u) s += x[r * ldx + i0 + u] * L::load1(row[u] + j);
                y[r * ldy + j] = s;
            }
    };
    for (; i + U <= k; i += U) pass.template operator()<U>(i);
    for (; i < k; ++i) pass.template operator()<1>(i);
}

// nn.Linear: y (M × n) = x (M × k) · Wᵀ, W (n × k, row stride ldw): R weight rows at a time,
// M·R accumulators, each weight chunk loaded once for every x row.
template <class L, int M, int R>
void gemv_out_by_in(Index n, Index k, const float* x, Index ldx, const typename L::T* w, Index ldw, float* y,
                    Index ldy)
{
    const Index k8 = k / 8 * 8;
    auto block = [&]<int B>(Index j0) {
        __m256 acc[M][B];
        for (int r = 0; r < M; ++r)
            for (int u = 0; u < B; ++u) acc[r][u] = _mm256_setzero_ps();
        const typename L::T* row[B];
        for (int u = 0; u < B; ++u) row[u] = w + (j0 + u) * ldw;
        for (Index c = 0; c < k8; c += 8) {
            __m256 xv[M];
            for (int r = 0; r < M; ++r) xv[r] = _mm256_loadu_ps(x + r * ldx + c);
            for (int u = 0; u < B; ++u) {
                const __m256 wv = L::load8(row[u] + c);
                for (int r = 0; r < M; ++r) acc[r][u] = _mm256_fmadd_ps(xv[r], wv, acc[r][u]);
            }
        }
        for (int r = 0; r < M; ++r)
            for (int u = 0; u < B; ++u) {
                float s = hsum(acc[r][u]);
                for (Index c = k8; c < k; ++c) s += x[r * ldx + c] * L::load1(row[u] + c);
                y[r * ldy + j0 + u] = s;
            }
    };
    Index j = 0;
    for (; j + R <= n; j += R) block.template operator()<R>(j);
    for (; j < n; ++j) block.template operator()<1>(j);
}

template <class L, int M>
void gemv_rows(bool in_by_out, Index n, Index k, const float* x, Index ldx, const void* w, Index ldw, float* y,
               Index ldy)
{
    const auto* wt = static_cast<const typename L::T*>(w);
    if (in_by_out) {
        // y starts as 0 (the caller adds the bias). Weight rows per pass: 8 for one x row, 4 for
        // two, 2 for three or four (M·U broadcasts stay within the 16 registers). Measured on
        // GPT-2 small's shapes (one row): 8 rows per pass streams ~5 % faster than 4 and ~15 %
        // faster than 2 (more independent loads in flight); software prefetching did not help.
        for (int r = 0; r < M; ++r) std::fill_n(y + r * ldy, n, 0.0f);
        gemv_in_by_out<L, M, (M == 1 ? 8 : M == 2 ? 4 : 2)>(n, k, x, ldx, wt, ldw, y, ldy);
    } else {
        // M·R accumulators: 8 weight rows for one x row (the LM head: ~20 % faster than 4 rows,
        // as fast as a plain streaming sum), 4 for two, 2 for three or four.
        gemv_out_by_in<L, M, (M == 1 ? 8 : M == 2 ? 4 : 2)>(n, k, x, ldx, wt, ldw, y, ldy);
    }
}

template <class L>
void gemv_dispatch(Index m, bool in_by_out, Index n, Index k, const float* x, Index ldx, const void* w, Index ldw,
                   float* y, Index ldy)
{
    switch (m) {
    case 1: return gemv_rows<L, 1>(in_by_out, n, k, x, ldx, w, ldw, y, ldy);
    case 2: return gemv_rows<L, 2>(in_by_out, n, k, x, ldx, w, ldw, y, ldy);
    case 3: return gemv_rows<L, 3>(in_by_out, n, k, x, ldx, w, ldw, y, ldy);
    default: return gemv_rows<L, 4>(in_by_out, n, k, x, ldx, w, ldw, y, ldy);
    }
}

#endif

// Without the kernel: Eigen over float32 in place, or over blocks of converted rows (≤ 64 KB).
[[maybe_unused]] void portable(const CRef<float>& x, const RawWeightView& w, MRef<float> y)
{
    using RowMat = Mat<float>;
    if (w.type == WeightType::F32) {
        const Eigen::Map<const RowMat> W(static_cast<const float*>(w.data), w.rows, w.cols);
        if (w.transposed)
            y.noalias() = x * W;
        else
            y.noalias() = x * W.transpose();
        return;
    }
    thread_local std::vector<float> buffer;
    const Index block = std::max<Index>(1, 16384 / std::max<Index>(1, w.cols));  // stored rows per block
    buffer.resize(static_cast<std::size_t>(block * w.cols));
    if (w.transposed) y.setZero();
    for (Index r0 = 0; r0 < w.rows; r0 += block) {
        const Index b = std::min(block, w.rows - r0);
        for (Index e = 0; e < b * w.cols; ++e) buffer[static_cast<std::size_t>(e)] = element(w, r0 * w.cols + e);
        const Eigen::Map<const RowMat> W(buffer.data(), b, w.cols);  // stored rows [r0, r0 + b)
        if (w.transposed)
            y.noalias() += x.middleCols(r0, b) * W;  // input features r0 … r0 + b − 1
        else
            y.middleCols(r0, b).noalias() = x * W.transpose();  // output features r0 … r0 + b − 1
    }
}

}  // namespace

void linear_forward_streaming(const CRef<float>& x, const RawWeightView& w, const float* bias, MRef<float> y,
                              const char* what)
{
    if (x.cols() != w.in_features() || y.rows() != x.rows() || y.cols() != w.out_features() || !w.data)
        throw std::invalid_argument(std::string(what) + ": input " + dims(x.rows(), x.cols()) + ", weight " +
                                    dims(w.rows, w.cols) + (w.transposed ? " (in x out)" : " (out x in)") +
                                    ", output " + dims(y.rows(), y.cols()) + " do not fit");
    const Index m = x.rows();
#ifdef ATTNVIZ_INFER_GEMV
    // Output features [j0, j1) (multiples of 8 but the last) of rows [0, m): four x rows at a
    // time (the register budget); more rows go through in groups of four.
    const Index n = w.out_features(), k = w.in_features();
    const std::size_t element = w.type == WeightType::F32 ? 4 : 2;
    auto columns = [&](Index j0, Index j1) {
        // nn.Linear: weight rows [j0, j1); Conv1D: columns [j0, j1) of every weight row.
        const std::size_t first = static_cast<std::size_t>(w.transposed ? j0 : j0 * w.cols);  // element
        const void* wp = static_cast<const std::byte*>(w.data) + first * element;
        for (Index r0 = 0; r0 < m; r0 += kStreamingRows) {
            const Index rows = std::min<Index>(kStreamingRows, m - r0);
            const float* xp = x.data() + r0 * x.outerStride();
            float* yp = y.data() + r0 * y.outerStride() + j0;
            switch (w.type) {
            case WeightType::F32:
                gemv_dispatch<F32>(rows, w.transposed, j1 - j0, k, xp, x.outerStride(), wp, w.cols, yp, y.outerStride());
                break;
            case WeightType::BF16:
                gemv_dispatch<BF16>(rows, w.transposed, j1 - j0, k, xp, x.outerStride(), wp, w.cols, yp, y.outerStride());
                break;
            case WeightType::F16:
                gemv_dispatch<F16>(rows, w.transposed, j1 - j0, k, xp, x.outerStride(), wp, w.cols, yp, y.outerStride());
                break;
            }
        }
    };
    // With inference_threads() > 1 and a weight of a million elements or more, the threads
    // split the output features (each reads its own part of the weight once; each output is
    // computed exactly as on one thread). Below that, starting a thread costs more than it saves.
    const Index threads = std::min<Index>(inference_threads(), std::max<Index>(1, n / 64));
    if (threads <= 1 || n * k < (Index{1} << 20)) {
        columns(0, n);
    } else {
        auto bound = [&](Index t) { return t == threads ? n : n * t / threads / 8 * 8; };
        std::vector<std::thread> pool;
        for (Index t = 1; t < threads; ++t) pool.emplace_back(columns, bound(t), bound(t + 1));
        columns(0, bound(1));
        for (auto& t : pool) t.join();
    }
#else
    (void)m;
    portable(x, w, y);
#endif
    if (bias) y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias, y.cols());
}

bool streaming_kernel_compiled()
{
#ifdef ATTNVIZ_INFER_GEMV
    return true;
#else
    return false;
#endif
}

}  // namespace attnviz::nn
