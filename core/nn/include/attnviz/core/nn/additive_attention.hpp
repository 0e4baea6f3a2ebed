// SPDX-License-Identifier: GPL-3.0-or-later
// d2l's AdditiveAttention with one query per sequence (the decoder's use):
//   score(q, k_t) = w_v · tanh(W_q q + W_k k_t), softmax over t < valid_len (d2l replaces the
//   masked scores by −1e6; here they are −∞ and their weights exactly 0, which is what −1e6
//   gives in float and double), context = Σ_t dropout(α_t) v_t.
// W_q (h × q), W_k (h × k), w_v (1 × h), no biases. Keys and values are time-major stacks
// (row t·B + b), as the encoder produces them; the key projection is done once per batch.
#pragma once

#include "attnviz/core/nn/linear.hpp"

namespace attnviz::nn {

template <class S>
struct AttentionScratch {
    Mat<S> qp;      // (B × h)
    Mat<S> scores;  // (Tk·B × 1)
    Mat<S> ds;      // (B × Tk)
    Mat<S> tmp;     // (B × h)
    Mat<S> dqp;     // (B × h)
    Mat<S> wcol;    // (B × 1): one column of weights ⊙ mask
};

template <class S>
class AdditiveAttention {
public:
    // Parameter names "<prefix>.W_q.weight", "<prefix>.W_k.weight", "<prefix>.w_v.weight".
    AdditiveAttention(const std::string& prefix, Eigen::Index key_size, Eigen::Index query_size,
                      Eigen::Index hidden);

    Eigen::Index hidden() const { return W_q.out_features(); }

    // keys (Tk·B × k) → kp (Tk·B × h) = keys W_kᵀ.
    void project_keys(const CRef<S>& keys, MRef<S> kp) const;
    // The keys of sequence b at step t are row t·stride + b (stride ≥ B): the first B sequences of
    // a larger batch may attend alone (decoders whose shorter targets have ended).
    // query (B × q), kp (Tk·stride × h), values (Tk·stride × v), valid (B lengths) →
    //   feat (Tk·B × h) tanh features, weights (B × Tk) attention weights, ctx (B × v).
    // mask (B × Tk) multiplies the weights before they meet the values (dropout); empty (0 × 0) = none.
    void step(const CRef<S>& query, const CRef<S>& kp, const CRef<S>& values, const int* valid, Eigen::Index B,
              Eigen::Index stride, Eigen::Index Tk, MRef<S> feat, MRef<S> weights, const CRef<S>& mask,
              MRef<S> ctx, AttentionScratch<S>& scratch) const;
    // dctx (B × v) of one step (with that step's query, feat, weights, mask) →
    //   dquery (B × q) overwritten; dkp (Tk·stride × h), dvalues (Tk·stride × v), W_q and w_v
    //   gradients accumulated.
    void step_backward(const CRef<S>& dctx, const CRef<S>& query, const CRef<S>& values, const int* valid,
                       Eigen::Index B, Eigen::Index stride, Eigen::Index Tk, const CRef<S>& feat,
                       const CRef<S>& weights,
                       const CRef<S>& mask, MRef<S> dkp, MRef<S> dvalues, MRef<S> dquery,
                       AttentionScratch<S>& scratch);
    // After all steps: keys (Tk·B × k), dkp (Tk·B × h) → W_k gradient accumulated, dkeys += dkp W_k.
    void keys_backward(const CRef<S>& keys, const CRef<S>& dkp, MRef<S> dkeys);

    ParamList<S> parameters() { return {&W_q.weight, &W_k.weight, &w_v.weight}; }

    Linear<S> W_q;  // weight (h × q)
    Linear<S> W_k;  // weight (h × k)
    Linear<S> w_v;  // weight (1 × h)
};

extern template class AdditiveAttention<float>;
extern template class AdditiveAttention<double>;

}  // namespace attnviz::nn
