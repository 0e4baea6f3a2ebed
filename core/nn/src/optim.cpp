// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/optim.hpp"

#include <cmath>

namespace attnviz::nn {

template <class S>
Adam<S>::Adam(const ParamList<S>& params, double lr_, double beta1, double beta2, double eps)
    : lr(lr_), params_(params), beta1_(beta1), beta2_(beta2), eps_(eps)
{
    for (const auto* p : params_) {
        m_.push_back(Mat<S>::Zero(p->value.rows(), p->value.cols()));
        v_.push_back(Mat<S>::Zero(p->value.rows(), p->value.cols()));
    }
}

template <class S>
void Adam<S>::step()
{
    ++t_;
    const double bc1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
    const double bc2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
    const S step_size = static_cast<S>(lr / bc1);
    const S inv_sqrt_bc2 = static_cast<S>(1.0 / std::sqrt(bc2));
    const S b1 = static_cast<S>(beta1_), b2 = static_cast<S>(beta2_), eps = static_cast<S>(eps_);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        auto g = params_[i]->grad.array();
        auto m = m_[i].array();
        auto v = v_[i].array();
        m = b1 * m + (S(1) - b1) * g;
        v = b2 * v + (S(1) - b2) * g * g;
        params_[i]->value.array() -= step_size * m / (v.sqrt() * inv_sqrt_bc2 + eps);
    }
}

template <class S>
void Adam<S>::zero_grad()
{
    for (auto* p : params_) p->zero_grad();
}

template <class S>
double clip_grad_norm(const ParamList<S>& params, double theta)
{
    double sq = 0.0;
    for (const auto* p : params) sq += static_cast<double>(p->grad.squaredNorm());
    const double norm = std::sqrt(sq);
    if (norm > theta) {
        const S scale = static_cast<S>(theta / norm);
        for (auto* p : params) p->grad *= scale;
    }
    return norm;
}

template class Adam<float>;
template class Adam<double>;
template double clip_grad_norm<float>(const ParamList<float>&, double);
template double clip_grad_norm<double>(const ParamList<double>&, double);

}  // namespace attnviz::nn
