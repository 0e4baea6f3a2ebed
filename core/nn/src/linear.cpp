// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/linear.hpp"

#include "attnviz/core/nn/workspace.hpp"

namespace attnviz::nn {

template <class S>
Linear<S>::Linear(std::string name, Eigen::Index in, Eigen::Index out, bool with_bias)
    : weight(name + ".weight", out, in), has_bias(with_bias)
{
    if (with_bias) {
        bias = Param<S>(name + ".bias", 1, out);
        bias.weight_decay = false;
    }
}

template <class S>
void Linear<S>::forward(const CRef<S>& x, MRef<S> y) const
{
    require_dims(x.rows(), x.cols(), x.rows(), in_features(), weight.name, " input");
    require_dims(y.rows(), y.cols(), x.rows(), out_features(), weight.name, " output");
    gemm_rows(y, x, weight.value.transpose(), false);  // (n × in)(in × out)
    if (has_bias) y.rowwise() += bias.value.row(0);
}

template <class S>
void Linear<S>::backward_params(const CRef<S>& x, const CRef<S>& dy)
{
    require_dims(dy.rows(), dy.cols(), x.rows(), out_features(), weight.name, " output gradient");
    gemm_at_b(weight.grad, dy, x);  // (out × n)(n × in)
    if (has_bias) bias.grad.row(0) += dy.colwise().sum();
}

template <class S>
void Linear<S>::backward_input(const CRef<S>& dy, MRef<S> dx) const
{
    require_dims(dx.rows(), dx.cols(), dy.rows(), in_features(), weight.name, " input gradient");
    gemm_rows(dx, dy, weight.value, false);  // (n × out)(out × in)
}

template <class S>
ParamList<S> Linear<S>::parameters()
{
    if (has_bias) return {&weight, &bias};
    return {&weight};
}

template class Linear<float>;
template class Linear<double>;

}  // namespace attnviz::nn
