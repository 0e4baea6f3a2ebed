// SPDX-License-Identifier: GPL-3.0-or-later
// Buffers that grow but never shrink, so that a training loop whose batch size varies (the last
// batch of an epoch is smaller) allocates only on its first batches.
#pragma once

#include "attnviz/core/seq2seq/types.hpp"

namespace attnviz::seq2seq {

// Makes `m` at least rows × cols (exactly cols columns) and returns its first `rows` rows.
template <class S>
auto grow(Mat<S>& m, Eigen::Index rows, Eigen::Index cols)
{
    if (m.rows() < rows || m.cols() != cols) m.resize(rows, cols);
    return m.topRows(rows);
}

}  // namespace attnviz::seq2seq
