// SPDX-License-Identifier: GPL-3.0-or-later
// nn.Embedding without padding_idx: row lookup forward, scatter-add backward.
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

template <class S>
class Embedding {
public:
    Embedding(std::string name, Eigen::Index vocab_size, Eigen::Index dim);

    Eigen::Index vocab_size() const { return weight.value.rows(); }
    Eigen::Index dim() const { return weight.value.cols(); }

    // ids (n) → out (n × dim). Throws std::invalid_argument on an id outside [0, vocab_size).
    void forward(const int* ids, Eigen::Index n, MRef<S> out) const;
    // ids (n), dout (n × dim): weight.grad rows += dout rows.
    void backward(const int* ids, Eigen::Index n, const CRef<S>& dout);

    ParamList<S> parameters() { return {&weight}; }

    Param<S> weight;  // (vocab × dim)
};

extern template class Embedding<float>;
extern template class Embedding<double>;

}  // namespace attnviz::nn
