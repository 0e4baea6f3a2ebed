// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/optim.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

template <class S>
AdamW<S>::AdamW(const ParamList<S>& params, double lr_, double wd, double beta1, double beta2, double eps)
    : lr(lr_), weight_decay(wd), params_(params), beta1_(beta1), beta2_(beta2), eps_(eps)
{
    if (!(wd >= 0.0) || !std::isfinite(wd))
        throw std::invalid_argument("AdamW: weight decay must be a finite number ≥ 0, got " + std::to_string(wd));
    for (const auto* p : params_) {
        m_.push_back(Mat<S>::Zero(p->value.rows(), p->value.cols()));
        v_.push_back(Mat<S>::Zero(p->value.rows(), p->value.cols()));
    }
}

template <class S>
void AdamW<S>::step()
{
    ++t_;
    const double bc1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
    const double bc2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
    const S step_size = static_cast<S>(lr / bc1);
    const S inv_sqrt_bc2 = static_cast<S>(1.0 / std::sqrt(bc2));
    const S b1 = static_cast<S>(beta1_), b2 = static_cast<S>(beta2_), eps = static_cast<S>(eps_);
    const S shrink = static_cast<S>(1.0 - lr * weight_decay);  // torch: param.mul_(1 - lr * wd)
    for (std::size_t i = 0; i < params_.size(); ++i) {
        if (weight_decay != 0.0 && params_[i]->weight_decay) params_[i]->value *= shrink;
        auto g = params_[i]->grad.array();
        auto m = m_[i].array();
        auto v = v_[i].array();
        m = b1 * m + (S(1) - b1) * g;
        v = b2 * v + (S(1) - b2) * g * g;
        params_[i]->value.array() -= step_size * m / (v.sqrt() * inv_sqrt_bc2 + eps);
    }
}

template <class S>
void AdamW<S>::zero_grad()
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

template class AdamW<float>;
template class AdamW<double>;
template class Adam<float>;
template class Adam<double>;
template double clip_grad_norm<float>(const ParamList<float>&, double);
template double clip_grad_norm<double>(const ParamList<double>&, double);

}  // namespace attnviz::nn
