// SPDX-License-Identifier: GPL-3.0-or-later
// AdamW and Adam as PyTorch implements them (betas 0.9, 0.999, eps 1e-8), and d2l's
// grad_clipping (scale all gradients by θ / ‖g‖ when the global norm ‖g‖ exceeds θ).
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// torch.optim.AdamW (Loshchilov & Hutter, "Decoupled weight decay regularization", 2019): each
// step first shrinks every parameter whose Param::weight_decay is set, p ← p · (1 − lr·λ),
// then takes the Adam step, which never sees λ:
//   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,
//   p ← p − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps).
// The layers clear weight_decay on biases and normalisation weights (GPT-2 / BERT / Llama
// practice); a caller may set or clear it on any parameter before training. With λ = 0 nothing
// is multiplied, and the numbers are exactly Adam's.
template <class S>
class AdamW {
public:
    explicit AdamW(const ParamList<S>& params, double lr = 0.001, double weight_decay = 0.01,
                   double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
    void step();
    void zero_grad();
    double lr;            // may change between steps (a schedule)
    double weight_decay;  // λ; may change between steps
    long long steps() const { return t_; }

private:
    ParamList<S> params_;
    std::vector<Mat<S>> m_, v_;
    double beta1_, beta2_, eps_;
    long long t_ = 0;
};

// torch.optim.Adam without weight decay: AdamW with λ = 0.
template <class S>
class Adam : public AdamW<S> {
public:
    explicit Adam(const ParamList<S>& params, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
                  double eps = 1e-8)
        : AdamW<S>(params, lr, 0.0, beta1, beta2, eps)
    {
    }
};

// Returns the global gradient norm before clipping.
template <class S>
double clip_grad_norm(const ParamList<S>& params, double theta);

extern template class AdamW<float>;
extern template class AdamW<double>;
extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace attnviz::nn
