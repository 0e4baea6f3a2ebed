// SPDX-License-Identifier: GPL-3.0-or-later
// The two normalisations of the Transformer kit, over the last dimension (each row):
//   LayerNorm (GPT-2, BERT; torch.nn.LayerNorm): y = (x − μ) / √(σ² + eps) ⊙ w + b, with the biased
//             variance σ² = mean((x − μ)²); weight initialised to 1, bias to 0.
//   RMSNorm   (Llama, Mistral, Qwen2; HF LlamaRMSNorm): y = x / √(mean(x²) + eps) ⊙ w; weight 1.
// Row statistics are accumulated in double whatever S is (Hugging Face computes RMSNorm in
// float32 for half-precision models for the same reason: a 4096-wide mean of squares in a
// narrow type loses digits). The forward keeps per-row statistics for the backward.
#pragma once

#include "attnviz/core/nn/types.hpp"

namespace attnviz::nn {

// What a forward keeps for its backward: per row, the mean (LayerNorm only) and 1/√(var + eps).
template <class S>
struct NormCache {
    Mat<S> x;                  // (n × d) the forward's input
    Eigen::VectorXd mean;      // (n)
    Eigen::VectorXd rstd;      // (n)
};

template <class S>
class LayerNorm {
public:
    // Parameters "<name>.weight" (1 × d, ones) and "<name>.bias" (1 × d, zeros), neither decayed.
    LayerNorm(std::string name, Eigen::Index dim, double eps = 1e-5, bool bias = true);

    Eigen::Index dim() const { return weight.value.cols(); }

    // x (n × d) → y (n × d); y may not alias x. cache: what backward needs.
    void forward(const CRef<S>& x, MRef<S> y, NormCache<S>& cache) const;
    // dy (n × d) → dx (n × d) overwritten; weight and bias gradients accumulated.
    void backward(const CRef<S>& dy, MRef<S> dx, const NormCache<S>& cache);

    ParamList<S> parameters();

    Param<S> weight;  // (1 × d)
    Param<S> bias;    // (1 × d), or empty (0 × 0) without bias
    double eps;
    bool has_bias;
};

template <class S>
class RMSNorm {
public:
    // Parameter "<name>.weight" (1 × d, ones), not decayed.
    RMSNorm(std::string name, Eigen::Index dim, double eps = 1e-6);

    Eigen::Index dim() const { return weight.value.cols(); }

    void forward(const CRef<S>& x, MRef<S> y, NormCache<S>& cache) const;
    void backward(const CRef<S>& dy, MRef<S> dx, const NormCache<S>& cache);

    ParamList<S> parameters() { return {&weight}; }

    Param<S> weight;  // (1 × d)
    double eps;
};

extern template class LayerNorm<float>;
extern template class LayerNorm<double>;
extern template class RMSNorm<float>;
extern template class RMSNorm<double>;

}  // namespace attnviz::nn
