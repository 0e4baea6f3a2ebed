// SPDX-License-Identifier: GPL-3.0-or-later
// The one row softmax of the code base, and its backward. Every softmax over attention scores
// goes through it: the playground's fused chain (column-major double blocks), the seq2seq
// decoder's additive attention, its next-token probabilities and the Transformer kit's
// self-attention (row-major Mat<S>).
//
//   y_ij = exp(x_ij − max_k x_ik) / Σ_k exp(x_ik − max_k x_ik)
//
// Masking is by value: an entry x_ij = −∞ is masked and gives y_ij exactly 0 (not the ~5e-309
// that Eigen's vectorised exp returns for −∞), and a row whose every entry is −∞ gives a row of
// zeros, reported as fully masked. The input must hold no NaN and no +∞ (they give NaN): a
// caller whose logits can overflow (the playground's scores ÷ temperature) refuses those first,
// so that an overflowed row is never mistaken for a masked one (issue 11).
//
// Storage decides the order of the passes, not the result's meaning:
//   row-major               each row: max, exp, sum, divide (Eigen vectorises along the row);
//   column-major            a block of ≤ 64 rows at a time, a column at a time: each column is a
//                           contiguous run that Eigen vectorises, where a row would be strided.
// The two orders sum in a different order, so they agree to rounding, not bit for bit. Which
// entries of a row take the scalar std::exp (its unaligned head and tail) and which Eigen's
// vectorised exp (1 ulp apart) depends on the output's address: results are reproducible for
// Eigen-allocated (aligned) matrices of the same shape. The row path is exactly the arithmetic
// the seq2seq model was trained with (max, vectorised exp, Eigen's sum, division), so its
// training is unchanged.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

namespace attnviz::nn {

namespace detail {

// exp(x), and exactly +0 for x = −∞. The packet path is Eigen's own vectorised exp with the
// −∞ lanes cleared; the scalar path (a row's unaligned head and tail) is std::exp, as Eigen's
// exp() uses, so finite entries get exactly the bits `.exp()` gives them.
template <class S>
struct ExpOrZero {
    S operator()(const S& x) const
    {
        return x == -std::numeric_limits<S>::infinity() ? S(0) : static_cast<S>(std::exp(x));
    }
    template <class Packet>
    Packet packetOp(const Packet& x) const
    {
        namespace ei = Eigen::internal;
        const Packet neg_inf = ei::pset1<Packet>(-std::numeric_limits<S>::infinity());
        return ei::pandnot(ei::pexp(x), ei::pcmp_eq(x, neg_inf));
    }
};

// Rows per column-major block: 64 rows × 2048 keys × 8 bytes = 1 MB, so a block's logits and
// weights stay in cache between the passes (measured in docs/benchmarks.md).
inline constexpr Eigen::Index kSoftmaxRowBlock = 64;

template <class X>
inline constexpr bool kRowPath = std::decay_t<X>::IsRowMajor;

}  // namespace detail

}  // namespace attnviz::nn

namespace Eigen::internal {
template <class S>
struct functor_traits<attnviz::nn::detail::ExpOrZero<S>> {
    enum {
        PacketAccess = functor_traits<scalar_exp_op<S>>::PacketAccess,
        Cost = functor_traits<scalar_exp_op<S>>::Cost + 2 * NumTraits<S>::AddCost,
    };
};
}  // namespace Eigen::internal

namespace attnviz::nn {
namespace detail {

// Row `index` of the row path: out = exp(x − mx) / Σ exp(x − mx), mx = the row's max. out may
// be x. The arithmetic is exactly the seq2seq model's (max, vectorised exp, Eigen's sum of the
// row, division), so its training is unchanged bit for bit.
template <class XRow, class YRow>
void softmax_row(const XRow& x, typename XRow::Scalar mx, YRow&& out, std::vector<Eigen::Index>* fully_masked,
                 Eigen::Index index)
{
    using S = typename XRow::Scalar;
    if (mx == -std::numeric_limits<S>::infinity()) {
        out.setZero();
        if (fully_masked) fully_masked->push_back(index);
    } else {
        out.array() = (x.array() - mx).unaryExpr(ExpOrZero<S>());
        const S sum = out.sum();
        out /= sum;
    }
}

}  // namespace detail

// What the entries of x may hold.
enum class Masking {
    NegInf,  // finite numbers, and −∞ for a masked entry: weight exactly 0; a row of only −∞ is
             // fully masked (all-zero weights, reported)
    None,    // finite numbers only, which the caller has checked (the playground refuses
             // overflow first): Eigen's plain exp on the column path, ~1% faster at n = 2048
};

// Row maxima of x (n × m) into row_max (n): what softmax_rows_from_max needs. Column-major
// blocks are read a column at a time.
template <class X, class V>
void softmax_row_max(const Eigen::MatrixBase<X>& x, V&& row_max)
{
    using S = typename X::Scalar;
    if constexpr (detail::kRowPath<X>) {
        for (Eigen::Index i = 0; i < x.rows(); ++i) row_max(i) = x.row(i).maxCoeff();
    } else {
        row_max.setConstant(-std::numeric_limits<S>::infinity());
        for (Eigen::Index j = 0; j < x.cols(); ++j) row_max = row_max.cwiseMax(x.col(j));
    }
}

// y (n × m) = softmax of each row of x (n × m), given each row's maximum row_max (n), which a
// caller that computes the logits has for free. y may be x itself (in place).
//
// Normalising divides by the row sum on the row path (the seq2seq model's arithmetic) and
// multiplies by its reciprocal on the column path (the playground's, which the division would
// slow at n = 2048); the two differ by at most one rounding.
template <class X, class V, class Y>
void softmax_rows_from_max(const Eigen::MatrixBase<X>& x, const V& row_max, Y&& y,
                           Masking masking = Masking::NegInf, std::vector<Eigen::Index>* fully_masked = nullptr)
{
    using S = typename X::Scalar;
    constexpr S kNegInf = -std::numeric_limits<S>::infinity();
    const Eigen::Index n = x.rows(), m = x.cols();
    if constexpr (detail::kRowPath<X>) {
        for (Eigen::Index i = 0; i < n; ++i) detail::softmax_row(x.row(i), row_max(i), y.row(i), fully_masked, i);
    } else {
        // (b) buffers on the stack: the playground calls this once per 32-row block and head,
        // and a heap buffer per call would show in its timings.
        using Buf = Eigen::Array<S, Eigen::Dynamic, 1, 0, detail::kSoftmaxRowBlock, 1>;
        for (Eigen::Index r0 = 0; r0 < n; r0 += detail::kSoftmaxRowBlock) {
            const Eigen::Index b = std::min(detail::kSoftmaxRowBlock, n - r0);
            const auto xb = x.middleRows(r0, b);  // (b × m)
            auto yb = y.middleRows(r0, b);         // (b × m)
            Buf shift(b), sum(b);
            // A fully masked row is shifted by 0, so that its entries stay −∞ (−∞ − (−∞) is
            // NaN) and come out as exactly 0.
            for (Eigen::Index i = 0; i < b; ++i) {
                const S mx = row_max(r0 + i);
                shift(i) = mx == kNegInf ? S(0) : mx;
            }
            sum.setZero();
            for (Eigen::Index j = 0; j < m; ++j) {
                // ExpOrZero and exp give the same bits for finite entries.
                if (masking == Masking::NegInf)
                    yb.col(j).array() = (xb.col(j).array() - shift).unaryExpr(detail::ExpOrZero<S>());
                else
                    yb.col(j).array() = (xb.col(j).array() - shift).exp();
                sum += yb.col(j).array();
            }
            for (Eigen::Index i = 0; i < b; ++i)
                if (row_max(r0 + i) == kNegInf) {
                    sum(i) = S(1);  // its weights are already 0
                    if (fully_masked) fully_masked->push_back(r0 + i);
                }
            const Buf inv_sum = sum.inverse();
            for (Eigen::Index j = 0; j < m; ++j) yb.col(j).array() *= inv_sum;
        }
    }
}

// y (n × m) = row softmax of x (n × m); y may be x itself. See the top of this file.
template <class X, class Y>
void softmax_rows(const Eigen::MatrixBase<X>& x, Y&& y, Masking masking = Masking::NegInf,
                  std::vector<Eigen::Index>* fully_masked = nullptr)
{
    using S = typename X::Scalar;
    if constexpr (detail::kRowPath<X>) {
        // Each row's max as it goes: no buffer, so that a training step allocates nothing.
        for (Eigen::Index i = 0; i < x.rows(); ++i)
            detail::softmax_row(x.row(i), x.row(i).maxCoeff(), y.row(i), fully_masked, i);
    } else {
        Eigen::Matrix<S, Eigen::Dynamic, 1> row_max(x.rows());
        softmax_row_max(x, row_max);
        softmax_rows_from_max(x, row_max, y, masking, fully_masked);
    }
}

// The backward of y = softmax_rows(x): dx = y ⊙ (dy − rowsum(dy ⊙ y)), all (n × m). dx may be
// dy itself. Masked entries (y = 0) get dx = 0 (±0).
template <class Yt, class DY, class DX>
void softmax_rows_backward(const Eigen::MatrixBase<Yt>& y, const Eigen::MatrixBase<DY>& dy, DX&& dx)
{
    using S = typename Yt::Scalar;
    if constexpr (detail::kRowPath<Yt>) {
        for (Eigen::Index i = 0; i < y.rows(); ++i) {
            const auto a = y.row(i);
            const S dot = (a.array() * dy.row(i).array()).sum();
            dx.row(i).array() = a.array() * (dy.row(i).array() - dot);
        }
    } else {
        using Buf = Eigen::Array<S, Eigen::Dynamic, 1, 0, detail::kSoftmaxRowBlock, 1>;
        for (Eigen::Index r0 = 0; r0 < y.rows(); r0 += detail::kSoftmaxRowBlock) {
            const Eigen::Index b = std::min(detail::kSoftmaxRowBlock, y.rows() - r0);
            Buf dot = Buf::Zero(b);
            for (Eigen::Index j = 0; j < y.cols(); ++j)
                dot += y.col(j).segment(r0, b).array() * dy.col(j).segment(r0, b).array();
            for (Eigen::Index j = 0; j < y.cols(); ++j)
                dx.col(j).segment(r0, b).array() =
                    y.col(j).segment(r0, b).array() * (dy.col(j).segment(r0, b).array() - dot);
        }
    }
}

}  // namespace attnviz::nn
