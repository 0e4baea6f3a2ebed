// SPDX-License-Identifier: GPL-3.0-or-later
// Forward-only layers over weights the caller owns (a checkpoint's memory-mapped tensors), for
// inference: the layer classes own their Params (a copy of every weight), these functions take
// views and copy nothing. Row-major, one row per token, like the rest of the kit:
//
//   linear_forward      y = x Wᵀ + b       W (out × in) as nn.Linear stores it,
//                       or y = x W + b     W (in × out) as GPT-2's Conv1D stores it (transposed)
//   layer_norm_forward  y = (x − μ)/√(σ² + eps) ⊙ γ + β     the statistics in double (norm.hpp)
//   rms_norm_forward    y = x/√(mean(x²) + eps) ⊙ γ
//   attention_forward   per head h (key/value head g = h / (H / H_kv)):
//                       A_h = softmax(q_h k_gᵀ · scale [+ causal mask]), o_h = A_h v_g
//                       recording every A_h into the caller's buffer (H × n × n).
//
// The whole sequence goes through each projection as one matrix product (Eigen GEMM, noalias):
// there is no per-token loop. The causal softmax runs over each row's visible prefix only and
// writes exact zeros above the diagonal.
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// A weight matrix seen in place: `data` holds rows × cols values row-major. `transposed` says
// the matrix is stored (in × out) (Conv1D) rather than (out × in) (nn.Linear).
template <class S>
struct WeightView {
    const S* data = nullptr;
    Eigen::Index rows = 0, cols = 0;  // as stored
    bool transposed = false;

    Eigen::Index out_features() const { return transposed ? cols : rows; }
    Eigen::Index in_features() const { return transposed ? rows : cols; }
    Eigen::Map<const Mat<S>> stored() const { return {data, rows, cols}; }  // (rows × cols)
};

// x (n × in) → y (n × out) = x Wᵀ + b; bias (out) or nullptr. y may not alias x. Throws
// std::invalid_argument naming `what` and the sizes when they do not fit. float with n ≤
// kStreamingRows: linear_forward_streaming (a matrix–vector kernel) instead of the GEMM.
template <class S>
void linear_forward(const CRef<S>& x, const WeightView<S>& w, const S* bias, MRef<S> y,
                    const char* what = "linear");

// A weight in the element type it is stored in (a checkpoint's float16 / bfloat16 read in
// place, little-endian, aligned to its element size), for linear_forward_streaming.
enum class WeightType { F32, F16, BF16 };
struct RawWeightView {
    const void* data = nullptr;
    Eigen::Index rows = 0, cols = 0;  // as stored
    bool transposed = false;          // (in × out), Conv1D
    WeightType type = WeightType::F32;

    Eigen::Index out_features() const { return transposed ? cols : rows; }
    Eigen::Index in_features() const { return transposed ? rows : cols; }
};

// Rows up to this go through the streaming kernel in linear_forward (generation's steps).
constexpr Eigen::Index kStreamingRows = 4;

// y (m × out) = x (m × in) Wᵀ + b for a few rows (generation: m = 1): every weight element
// read exactly once, in order, converted to float in registers (AVX2 + FMA + F16C; several
// accumulators), no packing and no copy of the weight. Meant for m ≤ kStreamingRows (more rows
// go through in groups of that many, reading the weight again each time). Without the kernel
// (ATTNVIZ_PORTABLE): Eigen's product, 16-bit weights converted a few rows at a time into a
// small per-thread buffer. The sums run in a different order than Eigen's (agree to rounding).
// Throws std::invalid_argument naming `what` and the sizes when they do not fit.
void linear_forward_streaming(const CRef<float>& x, const RawWeightView& w, const float* bias, MRef<float> y,
                              const char* what = "linear");
// Whether the AVX2 kernel above is compiled in (false in a portable build).
bool streaming_kernel_compiled();

// x (n × d) → y (n × d); gamma, beta (d), beta may be nullptr. y may be x.
template <class S>
void layer_norm_forward(const CRef<S>& x, const S* gamma, const S* beta, double eps, MRef<S> y);
template <class S>
void rms_norm_forward(const CRef<S>& x, const S* gamma, double eps, MRef<S> y);

struct AttentionShape {
    Eigen::Index n = 0;         // tokens
    int heads = 1;              // H
    int kv_heads = 1;           // H_kv, dividing H
    Eigen::Index head_dim = 0;  // d
    bool causal = false;
    double scale = 0.0;         // 0: 1/√d
    // Keys before the queries (a key/value cache): the n queries sit at positions past … past +
    // n − 1 and k, v hold T = past + n rows; causal query i sees keys 0 … past + i.
    Eigen::Index past = 0;
};

// q (n × H·d), k, v (T × H_kv·d), T = past + n → context (n × H·d), head h in columns
// [h·d, (h+1)·d). weights: H·n·T values, head h's (n × T) matrix (rows = queries) at
// weights + h·n·T; it is both the scratch of the scores and the recorded attention. Throws
// std::invalid_argument on a shape that does not fit.
// Threads the float linear_forward splits its columns over (each packs its own panels); 1 by
// default. A process-wide setting, like Eigen::setNbThreads; n < 1 means 1.
void set_inference_threads(int n);
int inference_threads();

template <class S>
void attention_forward(const CRef<S>& q, const CRef<S>& k, const CRef<S>& v, const AttentionShape& shape,
                       S* weights, MRef<S> context);

}  // namespace attnviz::nn
