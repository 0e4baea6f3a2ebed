// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/gru.hpp"

#include "attnviz/core/nn/dropout.hpp"
#include "attnviz/core/nn/workspace.hpp"

#include <stdexcept>

namespace attnviz::nn {

template <class S>
GRULayer<S>::GRULayer(const std::string& prefix, int layer, Eigen::Index in, Eigen::Index H)
    : weight_ih(prefix + ".weight_ih_l" + std::to_string(layer), 3 * H, in),
      weight_hh(prefix + ".weight_hh_l" + std::to_string(layer), 3 * H, H),
      bias_ih(prefix + ".bias_ih_l" + std::to_string(layer), 1, 3 * H),
      bias_hh(prefix + ".bias_hh_l" + std::to_string(layer), 1, 3 * H)
{
    if (in <= 0 || H <= 0)
        throw std::invalid_argument("GRU: sizes must be positive, got input " + std::to_string(in) + ", hidden " +
                                    std::to_string(H));
    bias_ih.weight_decay = bias_hh.weight_decay = false;
}

template <class S>
void GRULayer<S>::input_projection(const CRef<S>& x, MRef<S> gi) const
{
    require_dims(x.rows(), x.cols(), x.rows(), input_size(), weight_ih.name, " input");
    require_dims(gi.rows(), gi.cols(), x.rows(), 3 * hidden_size(), weight_ih.name, " projection");
    gemm_rows(gi, x, weight_ih.value.transpose(), false);  // (n × in)(in × 3H)
    gi.rowwise() += bias_ih.value.row(0);
}

template <class S>
void GRULayer<S>::step(const CRef<S>& gi, const CRef<S>& h_prev, MRef<S> h, MRef<S> gates, MRef<S> gh) const
{
    const Eigen::Index H = hidden_size();
    gh.noalias() = h_prev * weight_hh.value.transpose();  // (B × H)(H × 3H)
    gh.rowwise() += bias_hh.value.row(0);
    auto r = gates.leftCols(H).array();
    auto z = gates.middleCols(H, H).array();
    auto n = gates.middleCols(2 * H, H).array();
    gates.leftCols(2 * H).array() = (gi.leftCols(2 * H) + gh.leftCols(2 * H)).array().logistic();  // r | z
    gates.rightCols(H) = gh.rightCols(H);
    n = (gi.rightCols(H).array() + r * gh.rightCols(H).array()).tanh();
    h.array() = n + z * (h_prev.array() - n);
}

template <class S>
void GRULayer<S>::step_backward(const CRef<S>& dh, const CRef<S>& h_prev, const CRef<S>& gates, MRef<S> dgi,
                                MRef<S> dgh, MRef<S> dh_prev) const
{
    const Eigen::Index H = hidden_size();
    // One pass per row (the compiler vectorises the inner loop); a_n = gi_n + r ⊙ gh_n is the
    // tanh's argument, a_r and a_z the sigmoids'.
    for (Eigen::Index b = 0; b < dh.rows(); ++b) {
        const S* r = gates.row(b).data();
        const S* z = r + H;
        const S* n = r + 2 * H;
        const S* ghn = r + 3 * H;
        const S* d = dh.row(b).data();
        const S* hp = h_prev.row(b).data();
        S* gi = dgi.row(b).data();
        S* gh = dgh.row(b).data();
        S* dp = dh_prev.row(b).data();
#pragma GCC ivdep
        for (Eigen::Index j = 0; j < H; ++j) {
            const S an = d[j] * (S(1) - z[j]) * (S(1) - n[j] * n[j]);  // ∂/∂a_n
            const S ar = an * ghn[j] * r[j] * (S(1) - r[j]);           // ∂/∂a_r
            const S az = d[j] * (hp[j] - n[j]) * z[j] * (S(1) - z[j]);  // ∂/∂a_z
            gi[j] = ar;
            gi[H + j] = az;
            gi[2 * H + j] = an;
            gh[j] = ar;
            gh[H + j] = az;
            gh[2 * H + j] = an * r[j];
            dp[j] = d[j] * z[j];
        }
    }
    dh_prev.noalias() += dgh * weight_hh.value;  // (B × 3H)(3H × H)
}

template <class S>
void GRULayer<S>::accumulate_grads(const CRef<S>& x, const CRef<S>& h_prev, const CRef<S>& dgi, const CRef<S>& dgh)
{
    gemm_at_b(weight_ih.grad, dgi, x);       // (3H × n)(n × in)
    gemm_at_b(weight_hh.grad, dgh, h_prev);  // (3H × n)(n × H)
    bias_ih.grad.row(0) += dgi.colwise().sum();
    bias_hh.grad.row(0) += dgh.colwise().sum();
}

template <class S>
void GRULayer<S>::accumulate_input_grads(const CRef<S>& x, const CRef<S>& dgi)
{
    gemm_at_b(weight_ih.grad, dgi, x);  // (3H × n)(n × in)
    bias_ih.grad.row(0) += dgi.colwise().sum();
}

template <class S>
void GRULayer<S>::accumulate_hidden_grads(const CRef<S>& h_prev, const CRef<S>& dgh)
{
    gemm_at_b(weight_hh.grad, dgh, h_prev);  // (3H × n)(n × H)
    bias_hh.grad.row(0) += dgh.colwise().sum();
}

template <class S>
void GRULayer<S>::input_grad(const CRef<S>& dgi, MRef<S> dx) const
{
    gemm_rows(dx, dgi, weight_ih.value, false);  // (n × 3H)(3H × in)
}

template <class S>
GRU<S>::GRU(const std::string& prefix, Eigen::Index input_size, Eigen::Index hidden_size, int num_layers,
            double dropout_p)
    : dropout(dropout_p)
{
    if (num_layers < 1) throw std::invalid_argument("GRU: num_layers must be ≥ 1, got " + std::to_string(num_layers));
    if (!(dropout_p >= 0.0 && dropout_p < 1.0))
        throw std::invalid_argument("GRU: dropout must be in [0, 1), got " + std::to_string(dropout_p));
    for (int l = 0; l < num_layers; ++l) layers.emplace_back(prefix, l, l == 0 ? input_size : hidden_size, hidden_size);
}

template <class S>
ParamList<S> GRU<S>::parameters()
{
    ParamList<S> out;
    for (auto& layer : layers)
        for (auto* p : layer.parameters()) out.push_back(p);
    return out;
}

template <class S>
void GRU<S>::forward(const CRef<S>& x, Eigen::Index T, Eigen::Index B, const CRef<S>& h0, MRef<S> y, MRef<S> hn,
                     GRUCache<S>& c, Rng* rng) const
{
    require_dims(x.rows(), x.cols(), T * B, input_size(), "GRU input");
    run_forward(&x, nullptr, T, B, h0, y, hn, c, rng);
}

template <class S>
void GRU<S>::forward_projected(const CRef<S>& gi0, Eigen::Index T, Eigen::Index B, const CRef<S>& h0, MRef<S> y,
                               MRef<S> hn, GRUCache<S>& c, Rng* rng) const
{
    require_dims(gi0.rows(), gi0.cols(), T * B, 3 * hidden_size(), "GRU projected input");
    run_forward(nullptr, &gi0, T, B, h0, y, hn, c, rng);
}

template <class S>
void GRU<S>::run_forward(const CRef<S>* x, const CRef<S>* gi0, Eigen::Index T, Eigen::Index B, const CRef<S>& h0,
                         MRef<S> y, MRef<S> hn, GRUCache<S>& c, Rng* rng) const
{
    const Eigen::Index H = hidden_size(), L = num_layers(), N = T * B;
    require_dims(h0.rows(), h0.cols(), L * B, H, "GRU h0");
    require_dims(y.rows(), y.cols(), N, H, "GRU output");
    require_dims(hn.rows(), hn.cols(), L * B, H, "GRU hn");
    c.T = T;
    c.B = B;
    c.dropped = rng != nullptr && dropout > 0.0;
    c.projected = gi0 != nullptr;
    c.layers.resize(L);
    for (Eigen::Index l = 0; l < L; ++l) {
        const GRULayer<S>& layer = layers[l];
        auto& cl = c.layers[l];
        auto gi = grow(c.gi, N, 3 * H);
        if (l == 0 && gi0) {
            gi = *gi0;
        } else {
            auto input = grow(cl.input, N, layer.input_size());
            if (l == 0) {
                input = *x;
            } else {
                input = c.layers[l - 1].hs.middleRows(B, N);
                if (c.dropped) {
                    auto mask = grow(cl.mask, N, H);
                    dropout_mask<S>(*rng, dropout, mask);
                    input.array() *= mask.array();
                }
            }
            layer.input_projection(input, gi);
        }
        auto hs = grow(cl.hs, N + B, H);
        auto gates = grow(cl.gates, N, 4 * H);
        auto gh = grow(c.gh, B, 3 * H);
        hs.topRows(B) = h0.middleRows(l * B, B);
        for (Eigen::Index t = 0; t < T; ++t)
            layer.step(gi.middleRows(t * B, B), hs.middleRows(t * B, B), hs.middleRows((t + 1) * B, B),
                       gates.middleRows(t * B, B), gh);
        hn.middleRows(l * B, B) = hs.middleRows(T * B, B);
    }
    y = c.layers[L - 1].hs.middleRows(B, N);
}

template <class S>
void GRU<S>::backward(const CRef<S>& dy_top, const CRef<S>& dhn, MRef<S> dx, MRef<S> dh0, GRUCache<S>& c)
{
    const Eigen::Index H = hidden_size(), L = num_layers(), T = c.T, B = c.B, N = T * B;
    require_dims(dy_top.rows(), dy_top.cols(), N, H, "GRU output gradient");
    require_dims(dhn.rows(), dhn.cols(), L * B, H, "GRU hn gradient");
    require_dims(dx.rows(), dx.cols(), N, c.projected ? 3 * H : input_size(), "GRU input gradient");
    require_dims(dh0.rows(), dh0.cols(), L * B, H, "GRU h0 gradient");
    auto dy = grow(c.dy, N, H);
    dy = dy_top;
    auto dgi = grow(c.dgi, N, 3 * H);
    auto dgh = grow(c.dgh, N, 3 * H);
    auto dh = grow(c.dh, B, H);
    auto dh_next = grow(c.dh_next, B, H);
    for (Eigen::Index l = L - 1; l >= 0; --l) {
        GRULayer<S>& layer = layers[l];
        auto& cl = c.layers[l];
        dh_next = dhn.middleRows(l * B, B);
        for (Eigen::Index t = T - 1; t >= 0; --t) {
            dh = dy.middleRows(t * B, B) + dh_next;
            layer.step_backward(dh, cl.hs.middleRows(t * B, B), cl.gates.middleRows(t * B, B),
                                dgi.middleRows(t * B, B), dgh.middleRows(t * B, B), dh_next);
        }
        dh0.middleRows(l * B, B) = dh_next;
        layer.accumulate_hidden_grads(cl.hs.topRows(N), dgh);
        if (l == 0 && c.projected) {
            dx = dgi;
        } else if (l == 0) {
            layer.accumulate_input_grads(cl.input.topRows(N), dgi);
            layer.input_grad(dgi, dx);
        } else {
            layer.accumulate_input_grads(cl.input.topRows(N), dgi);
            layer.input_grad(dgi, dy);  // the gradient of the lower layer's (dropped-out) output
            if (c.dropped) dy.array() *= cl.mask.topRows(N).array();
        }
    }
}

template class GRULayer<float>;
template class GRULayer<double>;
template class GRU<float>;
template class GRU<double>;

}  // namespace attnviz::nn
