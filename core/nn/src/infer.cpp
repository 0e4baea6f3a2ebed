// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/infer.hpp"

#include "attnviz/core/nn/softmax.hpp"
#include "infer_gemm.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace attnviz::nn {

namespace {

std::string dims(Eigen::Index r, Eigen::Index c) { return std::to_string(r) + "x" + std::to_string(c); }

}  // namespace

template <class S>
void linear_forward(const CRef<S>& x, const WeightView<S>& w, const S* bias, MRef<S> y, const char* what)
{
    if (x.cols() != w.in_features() || y.rows() != x.rows() || y.cols() != w.out_features())
        throw std::invalid_argument(std::string(what) + ": input " + dims(x.rows(), x.cols()) + ", weight " +
                                    dims(w.rows, w.cols) + (w.transposed ? " (in x out)" : " (out x in)") +
                                    ", output " + dims(y.rows(), y.cols()) + " do not fit");
    const auto W = w.stored();
    if constexpr (std::is_same_v<S, float>) {
        // A few rows (a generation step): stream the weight once, matrix–vector (infer_gemv.cpp).
        if (x.rows() <= kStreamingRows) {
            linear_forward_streaming(x, RawWeightView{w.data, w.rows, w.cols, w.transposed, WeightType::F32}, bias, y,
                                     what);
            return;
        }
    }
    // One product over the whole sequence: (n × in)(in × out). float: the packed kernel
    // (infer_gemm.hpp) when the machine has it, else Eigen.
    bool done = false;
    if constexpr (std::is_same_v<S, float>)
        done = detail::gemm_packed(x.rows(), y.cols(), x.cols(), x.data(), x.outerStride(), w.data, w.cols,
                                   w.transposed, y.data(), y.outerStride());
    if (done) {
    } else if (w.transposed)
        y.noalias() = x * W;
    else
        y.noalias() = x * W.transpose();
    if (bias) y.rowwise() += Eigen::Map<const Eigen::Matrix<S, 1, Eigen::Dynamic>>(bias, y.cols());
}

template <class S>
void layer_norm_forward(const CRef<S>& x, const S* gamma, const S* beta, double eps, MRef<S> y)
{
    if (y.rows() != x.rows() || y.cols() != x.cols())
        throw std::invalid_argument("layer_norm_forward: input " + dims(x.rows(), x.cols()) + ", output " +
                                    dims(y.rows(), y.cols()));
    const Eigen::Index d = x.cols();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        // Two passes in double, as nn::LayerNorm: no cancellation in the variance. Plain loops
        // over the row (no temporary: a generation step allocates nothing here), each sum kept
        // in 8 independent partial sums so that it vectorises instead of waiting on one chain
        // of additions (GPT-2 small's 25 norms over 128 tokens: 5 ms of a forward before).
        const S* in = x.data() + i * x.outerStride();
        S* out = y.data() + i * y.outerStride();
        auto sum8 = [d](auto&& term) {
            double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            Eigen::Index j = 0;
            for (; j + 8 <= d; j += 8)
                for (int u = 0; u < 8; ++u) part[u] += term(j + u);
            for (; j < d; ++j) part[0] += term(j);
            return ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
        };
        const double mu = sum8([in](Eigen::Index j) { return static_cast<double>(in[j]); }) / static_cast<double>(d);
        const double var = sum8([in, mu](Eigen::Index j) {
            const double c = static_cast<double>(in[j]) - mu;
            return c * c;
        });
        const double r = 1.0 / std::sqrt(var / static_cast<double>(d) + eps);
        for (Eigen::Index j = 0; j < d; ++j) {
            const S v = static_cast<S>((static_cast<double>(in[j]) - mu) * r) * gamma[j];
            out[j] = beta ? v + beta[j] : v;
        }
    }
}

template <class S>
void rms_norm_forward(const CRef<S>& x, const S* gamma, double eps, MRef<S> y)
{
    if (y.rows() != x.rows() || y.cols() != x.cols())
        throw std::invalid_argument("rms_norm_forward: input " + dims(x.rows(), x.cols()) + ", output " +
                                    dims(y.rows(), y.cols()));
    const Eigen::Index d = x.cols();
    const Eigen::Map<const Eigen::Array<S, 1, Eigen::Dynamic>> g(gamma, d);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double ms = x.row(i).template cast<double>().squaredNorm() / static_cast<double>(d);
        const S r = static_cast<S>(1.0 / std::sqrt(ms + eps));
        y.row(i).array() = (x.row(i).array() * r) * g;
    }
}

template <class S>
void attention_forward(const CRef<S>& q, const CRef<S>& k, const CRef<S>& v, const AttentionShape& s,
                       S* weights, MRef<S> context)
{
    const Eigen::Index n = s.n, d = s.head_dim, past = s.past, T = past + n;
    const int H = s.heads, Hkv = s.kv_heads;
    if (n < 1 || d < 1 || past < 0 || H < 1 || Hkv < 1 || H % Hkv != 0 || q.rows() != n || q.cols() != H * d ||
        k.rows() != T || k.cols() != Hkv * d || v.rows() != T || v.cols() != Hkv * d || context.rows() != n ||
        context.cols() != H * d)
        throw std::invalid_argument("attention_forward: " + std::to_string(H) + " heads, " + std::to_string(Hkv) +
                                    " key/value heads of width " + std::to_string(d) + " over " +
                                    std::to_string(n) + " tokens after " + std::to_string(past) +
                                    " cached do not fit q " + dims(q.rows(), q.cols()) + ", k " +
                                    dims(k.rows(), k.cols()) + ", v " + dims(v.rows(), v.cols()) + ", context " +
                                    dims(context.rows(), context.cols()));
    const S scale = static_cast<S>(s.scale > 0.0 ? s.scale : 1.0 / std::sqrt(static_cast<double>(d)));
    const int group = H / Hkv;
    // The softmax runs in an Eigen-allocated (aligned) buffer and is then copied out: which
    // entries of a row take the vectorised exp depends on the row's address (nn/softmax.hpp),
    // and the caller's buffer may sit at any 16-byte offset, so in place the weights could
    // differ in the last bit from one process to the next.
    if (past > 0) {
        // With a cache (generation: one query per step over T keys): plain loops over contiguous
        // rows, the scores in a per-thread buffer that only grows (at least 4096 scores: one
        // query over GPT-2's 1,024 positions never grows it), so that a step allocates nothing
        // (Eigen's products over these strided blocks made a temporary per head).
        // Eigen's aligned allocator: the vectorised exp then sees the same alignment every run.
        thread_local std::vector<S, Eigen::aligned_allocator<S>> kept;
        const auto need = static_cast<std::size_t>(T);
        if (kept.size() < need) kept.resize(std::max<std::size_t>({need, 2 * kept.size(), 4096}));
        using Row = Eigen::Map<const Eigen::Matrix<S, 1, Eigen::Dynamic>>;
        for (int h = 0; h < H; ++h) {
            const int g = h / group;
            for (Eigen::Index i = 0; i < n; ++i) {
                const Eigen::Index visible = s.causal ? past + i + 1 : T;  // keys 0 … visible − 1
                const Row qi(q.data() + i * q.outerStride() + h * d, d);  // (d)
                Eigen::Map<Eigen::Matrix<S, 1, Eigen::Dynamic>> scores(kept.data(), visible);
                for (Eigen::Index j = 0; j < visible; ++j)
                    scores(j) = qi.dot(Row(k.data() + j * k.outerStride() + g * d, d)) * scale;
                softmax_rows(scores, scores);
                auto ctx = context.row(i).segment(h * d, d);  // (d)
                ctx.setZero();
                for (Eigen::Index j = 0; j < visible; ++j) ctx += scores(j) * Row(v.data() + j * v.outerStride() + g * d, d);
                S* out = weights + (static_cast<Eigen::Index>(h) * n + i) * T;  // row i of head h's (n × T)
                std::copy_n(kept.data(), visible, out);
                std::fill(out + visible, out + T, S(0));
            }
        }
        return;
    }
    Mat<S> A(n, n);  // (n × n)
    for (int h = 0; h < H; ++h) {
        const int g = h / group;
        Eigen::Map<Mat<S>> out(weights + static_cast<Eigen::Index>(h) * n * n, n, n);  // (n × n)
        const auto qh = q.middleCols(h * d, d);   // (n × d)
        const auto kg = k.middleCols(g * d, d);   // (n × d)
        const auto vg = v.middleCols(g * d, d);   // (n × d)
        if (s.causal) {
            // Row i sees keys 0 … i: in blocks of kCausalBlock query rows, the scores and the
            // weighted sum use only the keys the block's last row sees (about half the products
            // of the full square at n = 128); the softmax runs over each row's prefix and the
            // rest of the row is exactly 0.
            constexpr Eigen::Index kCausalBlock = 32;
            for (Eigen::Index i0 = 0; i0 < n; i0 += kCausalBlock) {
                const Eigen::Index rows = std::min(kCausalBlock, n - i0), seen = i0 + rows;
                A.block(i0, 0, rows, seen).noalias() = (qh.middleRows(i0, rows) * kg.topRows(seen).transpose()) * scale;
                for (Eigen::Index i = i0; i < i0 + rows; ++i) {
                    auto row = A.row(i).head(i + 1);
                    softmax_rows(row, row);
                    A.row(i).tail(n - i - 1).setZero();
                }
                context.block(i0, h * d, rows, d).noalias() = A.block(i0, 0, rows, seen) * vg.topRows(seen);
            }
        } else {
            A.noalias() = (qh * kg.transpose()) * scale;
            softmax_rows(A, A);
            context.middleCols(h * d, d).noalias() = A * vg;
        }
        out = A;
    }
}

#define ATTNVIZ_INFER(S)                                                                                   \
    template void linear_forward<S>(const CRef<S>&, const WeightView<S>&, const S*, MRef<S>, const char*); \
    template void layer_norm_forward<S>(const CRef<S>&, const S*, const S*, double, MRef<S>);              \
    template void rms_norm_forward<S>(const CRef<S>&, const S*, double, MRef<S>);                          \
    template void attention_forward<S>(const CRef<S>&, const CRef<S>&, const CRef<S>&, const AttentionShape&, \
                                       S*, MRef<S>);
ATTNVIZ_INFER(float)
ATTNVIZ_INFER(double)
#undef ATTNVIZ_INFER

}  // namespace attnviz::nn
