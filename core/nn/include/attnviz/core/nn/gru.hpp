// SPDX-License-Identifier: GPL-3.0-or-later
// nn.GRU, numerically as PyTorch defines it (gate order r, z, n):
//   r  = σ(W_ir x + b_ir + W_hr h + b_hr)
//   z  = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h
// Sequences are time-major stacks of batch matrices: row t·B + b is step t of sequence b.
#pragma once

#include "attnviz/core/random.hpp"
#include "attnviz/core/nn/types.hpp"

#include <vector>

namespace attnviz::nn {

// One layer, exposed step by step for decoders whose input depends on the previous state.
template <class S>
class GRULayer {
public:
    // Parameter names are "<prefix>.weight_ih_l<layer>" etc.
    GRULayer(const std::string& prefix, int layer, Eigen::Index input_size, Eigen::Index hidden_size);

    Eigen::Index input_size() const { return weight_ih.value.cols(); }
    Eigen::Index hidden_size() const { return weight_hh.value.cols(); }

    // x (n × in) → gi (n × 3H) = x W_ihᵀ + b_ih, for many steps at once.
    void input_projection(const CRef<S>& x, MRef<S> gi) const;
    // gi (B × 3H), h_prev (B × H) → h (B × H). gates (B × 4H) receives [r | z | n | W_hn h + b_hn]
    // for the backward pass; gh (B × 3H) is scratch.
    void step(const CRef<S>& gi, const CRef<S>& h_prev, MRef<S> h, MRef<S> gates, MRef<S> gh) const;
    // dh (B × H), the step's h_prev (B × H) and gates (B × 4H) → dgi, dgh (B × 3H) and the
    // gradient reaching h_prev through this step, dh_prev (B × H) = dh ⊙ z + dgh W_hh (overwritten).
    void step_backward(const CRef<S>& dh, const CRef<S>& h_prev, const CRef<S>& gates, MRef<S> dgi,
                       MRef<S> dgh, MRef<S> dh_prev) const;
    // All steps at once: x (n × in), h_prev (n × H), dgi, dgh (n × 3H) → accumulates the gradients.
    void accumulate_grads(const CRef<S>& x, const CRef<S>& h_prev, const CRef<S>& dgi, const CRef<S>& dgh);
    // The two halves of accumulate_grads: weight_ih, bias_ih; weight_hh, bias_hh.
    void accumulate_input_grads(const CRef<S>& x, const CRef<S>& dgi);
    void accumulate_hidden_grads(const CRef<S>& h_prev, const CRef<S>& dgh);
    // dgi (n × 3H) → dx (n × in) = dgi W_ih (overwritten).
    void input_grad(const CRef<S>& dgi, MRef<S> dx) const;

    ParamList<S> parameters() { return {&weight_ih, &weight_hh, &bias_ih, &bias_hh}; }

    Param<S> weight_ih;  // (3H × in)
    Param<S> weight_hh;  // (3H × H)
    Param<S> bias_ih;    // (1 × 3H)
    Param<S> bias_hh;    // (1 × 3H)
};

// What a multi-layer forward keeps for its backward; reused across batches (grows, never shrinks).
template <class S>
struct GRUCache {
    struct Layer {
        Mat<S> input;  // (T·B × in_l): layer 0's input, or the lower layer's output after dropout
        Mat<S> hs;     // ((T+1)·B × H): h_0 then h_1 … h_T
        Mat<S> gates;  // (T·B × 4H)
        Mat<S> mask;   // (T·B × H): dropout mask applied to this layer's input (layers ≥ 1)
    };
    std::vector<Layer> layers;
    Mat<S> gi, dgi, dgh;  // (T·B × 3H)
    Mat<S> gh;            // (B × 3H)
    Mat<S> dy, dx;        // (T·B × H), (T·B × max(in, H))
    Mat<S> dh, dh_next;   // (B × H)
    Eigen::Index T = 0, B = 0;
    bool dropped = false;
    bool projected = false;  // the last forward was forward_projected
};

// Multi-layer GRU with dropout between layers (applied, as in PyTorch, to every layer's output
// except the last, in training only).
template <class S>
class GRU {
public:
    GRU(const std::string& prefix, Eigen::Index input_size, Eigen::Index hidden_size, int num_layers,
        double dropout);

    Eigen::Index input_size() const { return layers.front().input_size(); }
    Eigen::Index hidden_size() const { return layers.front().hidden_size(); }
    int num_layers() const { return static_cast<int>(layers.size()); }

    // x (T·B × in) time-major, h0 (L·B × H; layer l in rows l·B…) → y (T·B × H) top layer's
    // outputs, hn (L·B × H). rng == nullptr: evaluation (no dropout).
    void forward(const CRef<S>& x, Eigen::Index T, Eigen::Index B, const CRef<S>& h0, MRef<S> y, MRef<S> hn,
                 GRUCache<S>& cache, Rng* rng) const;
    // The same with layer 0's input projection gi0 = x W_ih0ᵀ + b_ih0 (T·B × 3H) given instead of
    // x: a caller whose inputs are embeddings computes it by table lookup (vocab × 3H), which is
    // cheaper than a product per position.
    void forward_projected(const CRef<S>& gi0, Eigen::Index T, Eigen::Index B, const CRef<S>& h0, MRef<S> y,
                           MRef<S> hn, GRUCache<S>& cache, Rng* rng) const;
    // dy (T·B × H), dhn (L·B × H) → dx (T·B × in), dh0 (L·B × H) overwritten; parameter gradients
    // accumulated. Uses the cache of the last forward. After forward_projected, dx is instead
    // (T·B × 3H) ∂/∂gi0, and layer 0's weight_ih and bias_ih gradients are the caller's to add.
    void backward(const CRef<S>& dy, const CRef<S>& dhn, MRef<S> dx, MRef<S> dh0, GRUCache<S>& cache);

    ParamList<S> parameters();

    std::vector<GRULayer<S>> layers;
    double dropout;

private:
    void run_forward(const CRef<S>* x, const CRef<S>* gi0, Eigen::Index T, Eigen::Index B, const CRef<S>& h0,
                     MRef<S> y, MRef<S> hn, GRUCache<S>& cache, Rng* rng) const;
};

extern template class GRULayer<float>;
extern template class GRULayer<double>;
extern template class GRU<float>;
extern template class GRU<double>;

}  // namespace attnviz::nn
