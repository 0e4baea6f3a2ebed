// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/embedding.hpp"

#include <stdexcept>

namespace attnviz::nn {

template <class S>
Embedding<S>::Embedding(std::string name, Eigen::Index vocab_size, Eigen::Index dim)
    : weight(name + ".weight", vocab_size, dim)
{
}

namespace {
void check_id(int id, Eigen::Index vocab, const std::string& name)
{
    if (id < 0 || id >= vocab)
        throw std::invalid_argument(name + ": token id " + std::to_string(id) + " outside [0, " +
                                    std::to_string(vocab) + ")");
}
}  // namespace

template <class S>
void Embedding<S>::forward(const int* ids, Eigen::Index n, MRef<S> out) const
{
    require_dims(out.rows(), out.cols(), n, dim(), weight.name, " output");
    for (Eigen::Index i = 0; i < n; ++i) {
        check_id(ids[i], vocab_size(), weight.name);
        out.row(i) = weight.value.row(ids[i]);
    }
}

template <class S>
void Embedding<S>::backward(const int* ids, Eigen::Index n, const CRef<S>& dout)
{
    require_dims(dout.rows(), dout.cols(), n, dim(), weight.name, " output gradient");
    for (Eigen::Index i = 0; i < n; ++i) {
        check_id(ids[i], vocab_size(), weight.name);
        weight.grad.row(ids[i]) += dout.row(i);
    }
}

template class Embedding<float>;
template class Embedding<double>;

}  // namespace attnviz::nn
