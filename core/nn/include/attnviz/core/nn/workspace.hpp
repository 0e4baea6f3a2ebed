// SPDX-License-Identifier: GPL-3.0-or-later
// Buffers that grow but never shrink, so that a training loop whose batch size varies (the last
// batch of an epoch is smaller) allocates only on its first batches.
#pragma once

#include "attnviz/core/nn/types.hpp"

#include <algorithm>

namespace attnviz::nn {

// Makes `m` at least rows × cols (exactly cols columns) and returns its first `rows` rows.
template <class S>
auto grow(Mat<S>& m, Eigen::Index rows, Eigen::Index cols)
{
    if (m.rows() < rows || m.cols() != cols) m.resize(rows, cols);
    return m.topRows(rows);
}

// Matrix products in slices. Eigen packs its operands into buffers that it takes from the stack
// up to 128 KB (EIGEN_STACK_ALLOCATION_LIMIT) and from the heap beyond; slicing keeps the packed
// left operand of every product of the training loop under 30,000 scalars, so the loop allocates
// nothing, while the slices stay as deep as that allows.
inline Eigen::Index gemm_slice(Eigen::Index width)
{
    return std::max<Eigen::Index>(16, (30000 / std::max<Eigen::Index>(width, 1)) / 16 * 16);
}

// dst = a b (overwrite) or dst += a b (accumulate), sliced along the rows of a and dst.
template <class Dst, class A, class B>
void gemm_rows(Dst&& dst, const A& a, const B& b, bool accumulate)
{
    const Eigen::Index slice = gemm_slice(a.cols());
    for (Eigen::Index i = 0; i < a.rows(); i += slice) {
        const Eigen::Index n = std::min(slice, a.rows() - i);
        if (accumulate)
            dst.middleRows(i, n).noalias() += a.middleRows(i, n) * b;
        else
            dst.middleRows(i, n).noalias() = a.middleRows(i, n) * b;
    }
}

// dst += aᵀ b, sliced along the shared rows of a and b (the product's depth).
template <class Dst, class A, class B>
void gemm_at_b(Dst&& dst, const A& a, const B& b)
{
    const Eigen::Index slice = gemm_slice(std::max(a.cols(), b.cols()));
    for (Eigen::Index i = 0; i < a.rows(); i += slice) {
        const Eigen::Index n = std::min(slice, a.rows() - i);
        dst.noalias() += a.middleRows(i, n).transpose() * b.middleRows(i, n);
    }
}

}  // namespace attnviz::nn
