// SPDX-License-Identifier: GPL-3.0-or-later
// Adam as PyTorch implements it (betas 0.9, 0.999, eps 1e-8, no weight decay) and d2l's
// grad_clipping (scale all gradients by θ / ‖g‖ when the global norm ‖g‖ exceeds θ).
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

template <class S>
class Adam {
public:
    explicit Adam(const ParamList<S>& params, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
                  double eps = 1e-8);
    // p -= lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
    void step();
    void zero_grad();
    double lr;
    long long steps() const { return t_; }

private:
    ParamList<S> params_;
    std::vector<Mat<S>> m_, v_;
    double beta1_, beta2_, eps_;
    long long t_ = 0;
};

// Returns the global gradient norm before clipping.
template <class S>
double clip_grad_norm(const ParamList<S>& params, double theta);

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace attnviz::nn
