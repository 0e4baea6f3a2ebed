// SPDX-License-Identifier: GPL-3.0-or-later
// nn.Linear: y = x Wᵀ + b, weight (out × in), bias (1 × out) or none.
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

template <class S>
class Linear {
public:
    Linear(std::string name, Eigen::Index in, Eigen::Index out, bool bias);

    Eigen::Index in_features() const { return weight.value.cols(); }
    Eigen::Index out_features() const { return weight.value.rows(); }

    // x (n × in) → y (n × out).
    void forward(const CRef<S>& x, MRef<S> y) const;
    // x (n × in), dy (n × out): accumulates weight.grad (out × in) and bias.grad (1 × out).
    void backward_params(const CRef<S>& x, const CRef<S>& dy);
    // dy (n × out) → dx (n × in), overwritten.
    void backward_input(const CRef<S>& dy, MRef<S> dx) const;

    ParamList<S> parameters();

    Param<S> weight;  // (out × in)
    Param<S> bias;    // (1 × out); empty (0 × 0) when the layer has no bias
    bool has_bias;
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace attnviz::nn
