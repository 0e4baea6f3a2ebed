// SPDX-License-Identifier: GPL-3.0-or-later
// The Transformer's position-wise feed-forward blocks, each a forward/backward pair over rows
// (tokens) of width E, with an inner width F (4E in GPT-2 and BERT, ~8E/3 in Llama):
//   Mlp       y = proj(act(fc(x)))                       GPT-2 (c_fc, gelu_new, c_proj),
//             fc: E → F, proj: F → E, with biases        BERT (intermediate.dense, gelu, output.dense)
//   GatedMlp  y = down(act(gate(x)) ⊙ up(x))             Llama / Mistral / Qwen2 (SwiGLU: act = silu)
//             gate, up: E → F, down: F → E, no biases by default
// Every Linear is nn.Linear-shaped (out × in); the names are the caller's, so that a checkpoint's
// tensors map one to one (GPT-2's Conv1D stores its weights transposed: its loader transposes).
#pragma once

#include "attnviz/core/nn/activation.hpp"
#include "attnviz/core/nn/linear.hpp"

namespace attnviz::nn {

template <class S>
struct MlpCache {
    Mat<S> x;       // (n × E) the input
    Mat<S> h;       // (n × F) fc(x), or gate(x), before the activation
    Mat<S> u;       // (n × F) up(x) (GatedMlp only)
    Mat<S> a;       // (n × F) act(h), or act(h) ⊙ u: what the output projection sees
    Mat<S> dh, du;  // (n × F) backward scratch
    Mat<S> dx_up;   // (n × E) backward scratch (GatedMlp: the up branch's input gradient)
};

template <class S>
class Mlp {
public:
    Mlp(const std::string& fc_name, const std::string& proj_name, Eigen::Index embed, Eigen::Index inner,
        Activation act, bool bias = true);

    Eigen::Index embed() const { return fc.in_features(); }
    Eigen::Index inner() const { return fc.out_features(); }

    // x (n × E) → y (n × E).
    void forward(const CRef<S>& x, MRef<S> y, MlpCache<S>& cache) const;
    // dy (n × E) → dx (n × E) overwritten; parameter gradients accumulated.
    void backward(const CRef<S>& dy, MRef<S> dx, MlpCache<S>& cache);

    ParamList<S> parameters();

    Linear<S> fc;    // (F × E)
    Linear<S> proj;  // (E × F)
    Activation act;
};

template <class S>
class GatedMlp {
public:
    GatedMlp(const std::string& gate_name, const std::string& up_name, const std::string& down_name,
             Eigen::Index embed, Eigen::Index inner, Activation act = Activation::Silu, bool bias = false);

    Eigen::Index embed() const { return gate.in_features(); }
    Eigen::Index inner() const { return gate.out_features(); }

    void forward(const CRef<S>& x, MRef<S> y, MlpCache<S>& cache) const;
    void backward(const CRef<S>& dy, MRef<S> dx, MlpCache<S>& cache);

    ParamList<S> parameters();

    Linear<S> gate;  // (F × E)
    Linear<S> up;    // (F × E)
    Linear<S> down;  // (E × F)
    Activation act;
};

extern template class Mlp<float>;
extern template class Mlp<double>;
extern template class GatedMlp<float>;
extern template class GatedMlp<double>;

}  // namespace attnviz::nn
