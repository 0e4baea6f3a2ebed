// SPDX-License-Identifier: GPL-3.0-or-later
// A read-only matrix held by shared pointer. Result snapshots hand their matrices to several
// widgets this way without copying them: at 2048 × 2048 one double matrix is 32 MB, and
// copying it into each of five maps per result cost more than all the drawing.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <memory>
#include <utility>

namespace attnviz::widgets {

template <class M>
class SharedView {
public:
    // An empty (0 × 0) matrix.
    SharedView() : ptr_(std::shared_ptr<const M>(), &empty()) {}
    // Owns a matrix of its own: a copy of an lvalue, the storage of an rvalue.
    SharedView(M m) : ptr_(std::make_shared<const M>(std::move(m))) {}  // NOLINT: implicit by design
    // Evaluates an Eigen expression (Matrix::Random(3, 4).cwiseAbs(), say) into its own matrix.
    template <class Derived>
    SharedView(const Eigen::DenseBase<Derived>& expression) : SharedView(M(expression))  // NOLINT
    {
    }

    // Shares `m`, which lives inside whatever `owner` keeps alive (a result snapshot, say):
    // no copy. `m` must not change while any view of it exists.
    static SharedView of(std::shared_ptr<const void> owner, const M& m)
    {
        SharedView v;
        v.ptr_ = std::shared_ptr<const M>(std::move(owner), &m);
        return v;
    }

    const M& operator*() const { return *ptr_; }
    const M* operator->() const { return ptr_.get(); }
    operator const M&() const { return *ptr_; }  // NOLINT: reads like the matrix it holds

    Index rows() const { return ptr_->rows(); }
    Index cols() const { return ptr_->cols(); }
    Index size() const { return ptr_->size(); }
    auto operator()(Index row, Index col) const { return (*ptr_)(row, col); }

private:
    static const M& empty()
    {
        static const M e;
        return e;
    }
    std::shared_ptr<const M> ptr_;
};

using SharedMatrix = SharedView<Matrix>;
using SharedBoolMatrix = SharedView<BoolMatrix>;

}  // namespace attnviz::widgets
