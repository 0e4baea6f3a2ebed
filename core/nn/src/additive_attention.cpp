// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/additive_attention.hpp"

#include "attnviz/core/nn/softmax.hpp"
#include "attnviz/core/nn/workspace.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

template <class S>
AdditiveAttention<S>::AdditiveAttention(const std::string& prefix, Eigen::Index key_size, Eigen::Index query_size,
                                        Eigen::Index h)
    : W_q(prefix + ".W_q", query_size, h, false), W_k(prefix + ".W_k", key_size, h, false),
      w_v(prefix + ".w_v", h, 1, false)
{
}

template <class S>
void AdditiveAttention<S>::project_keys(const CRef<S>& keys, MRef<S> kp) const
{
    W_k.forward(keys, kp);
}

template <class S>
void AdditiveAttention<S>::step(const CRef<S>& query, const CRef<S>& kp, const CRef<S>& values, const int* valid,
                                Eigen::Index B, Eigen::Index stride, Eigen::Index Tk, MRef<S> feat,
                                MRef<S> weights, const CRef<S>& mask, MRef<S> ctx, AttentionScratch<S>& sc) const
{
    const Eigen::Index h = hidden();
    if (stride < B) throw std::invalid_argument("attention: stride " + std::to_string(stride) + " < batch " + std::to_string(B));
    require_dims(kp.rows(), kp.cols(), Tk * stride, h, "attention projected keys");
    require_dims(values.rows(), values.cols(), Tk * stride, ctx.cols(), "attention values");
    require_dims(feat.rows(), feat.cols(), Tk * B, h, "attention features");
    require_dims(weights.rows(), weights.cols(), B, Tk, "attention weights");
    auto qp = grow(sc.qp, B, h);
    W_q.forward(query, qp);  // (B × h)
    for (Eigen::Index t = 0; t < Tk; ++t)
        feat.middleRows(t * B, B).array() = (kp.middleRows(t * stride, B) + qp).array().tanh();
    auto scores = grow(sc.scores, Tk * B, 1);
    scores.noalias() = feat * w_v.weight.value.transpose();  // (Tk·B × h)(h × 1)
    // scores as (Tk × B) row-major is (B × Tk) column-major.
    weights = Eigen::Map<const Mat<S>>(scores.data(), Tk, B).transpose();
    // d2l replaces the scores past valid_len by −1e6 before its softmax; −∞ gives the same
    // weights (exp(−1e6 − max) rounds to 0 in float and double) and the shared softmax makes
    // them exactly 0. valid_len ≥ 1 always (the source ends with <eos>), so no row is fully
    // masked. The unmasked weights are bit for bit what the d2l-style loop gave.
    for (Eigen::Index b = 0; b < B; ++b)
        for (Eigen::Index t = std::max<Eigen::Index>(valid[b], 0); t < Tk; ++t)
            weights(b, t) = -std::numeric_limits<S>::infinity();
    softmax_rows(weights, weights);
    const bool drop = mask.size() > 0;
    ctx.setZero();
    auto wcol = grow(sc.wcol, B, 1);  // a plain column: broadcasting an expression would allocate
    for (Eigen::Index t = 0; t < Tk; ++t) {
        if (drop)
            wcol.array() = weights.col(t).array() * mask.col(t).array();
        else
            wcol = weights.col(t);
        ctx.array() += values.middleRows(t * stride, B).array().colwise() * wcol.col(0).array();
    }
}

template <class S>
void AdditiveAttention<S>::step_backward(const CRef<S>& dctx, const CRef<S>& query, const CRef<S>& values,
                                         const int* valid, Eigen::Index B, Eigen::Index stride, Eigen::Index Tk,
                                         const CRef<S>& feat,
                                         const CRef<S>& weights, const CRef<S>& mask, MRef<S> dkp, MRef<S> dvalues,
                                         MRef<S> dquery, AttentionScratch<S>& sc)
{
    const Eigen::Index h = hidden();
    const bool drop = mask.size() > 0;
    auto ds = grow(sc.ds, B, Tk);  // first ∂/∂α, then ∂/∂score
    for (Eigen::Index t = 0; t < Tk; ++t) {
        const auto v = values.middleRows(t * stride, B);
        ds.col(t) = (v.array() * dctx.array()).rowwise().sum().matrix();
        auto wcol = grow(sc.wcol, B, 1);
        if (drop) {
            wcol.array() = weights.col(t).array() * mask.col(t).array();
            ds.col(t).array() *= mask.col(t).array();
        } else {
            wcol = weights.col(t);
        }
        dvalues.middleRows(t * stride, B).array() += dctx.array().colwise() * wcol.col(0).array();
    }
    softmax_rows_backward(weights, ds, ds);  // ∂/∂α → ∂/∂score, in place
    // Masked weights are exactly 0, so their score gradients are ±0 already; +0 keeps every
    // sum they enter exactly as before.
    for (Eigen::Index b = 0; b < B; ++b)
        for (Eigen::Index t = std::max<Eigen::Index>(valid[b], 0); t < Tk; ++t) ds(b, t) = S(0);
    auto tmp = grow(sc.tmp, B, h);
    auto dqp = grow(sc.dqp, B, h);
    dqp.setZero();
    for (Eigen::Index t = 0; t < Tk; ++t) {
        const auto f = feat.middleRows(t * B, B);
        w_v.weight.grad.noalias() += ds.col(t).transpose() * f;  // (1 × B)(B × h)
        // ∂/∂(tanh argument) = ds[b, t] · w_v ⊙ (1 − feat²), written without a product expression
        // (which Eigen would evaluate into a heap temporary).
        tmp.array() = (S(1) - f.array().square()).rowwise() * w_v.weight.value.row(0).array();
        auto wcol = grow(sc.wcol, B, 1);
        wcol = ds.col(t);
        tmp.array().colwise() *= wcol.col(0).array();
        dqp += tmp;
        dkp.middleRows(t * stride, B) += tmp;
    }
    W_q.backward_params(query, dqp);
    W_q.backward_input(dqp, dquery);
}

template <class S>
void AdditiveAttention<S>::keys_backward(const CRef<S>& keys, const CRef<S>& dkp, MRef<S> dkeys)
{
    W_k.backward_params(keys, dkp);
    gemm_rows(dkeys, dkp, W_k.weight.value, true);  // (Tk·B × h)(h × k)
}

template class AdditiveAttention<float>;
template class AdditiveAttention<double>;

}  // namespace attnviz::nn
