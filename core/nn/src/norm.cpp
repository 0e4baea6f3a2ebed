// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/norm.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

namespace {

using RowArray = Eigen::Array<double, 1, Eigen::Dynamic>;

void check_eps(double eps, const std::string& name)
{
    if (!(eps > 0.0) || !std::isfinite(eps))
        throw std::invalid_argument(name + ": eps must be a finite number > 0, got " + std::to_string(eps));
}

void check_dim(Eigen::Index dim, const std::string& name)
{
    if (dim < 1) throw std::invalid_argument(name + ": dimension must be ≥ 1, got " + std::to_string(dim));
}

}  // namespace

// ---- LayerNorm ------------------------------------------------------------------------------

template <class S>
LayerNorm<S>::LayerNorm(std::string name, Eigen::Index d, double eps_, bool with_bias)
    : weight(name + ".weight", 1, (check_dim(d, name), d)), eps(eps_), has_bias(with_bias)
{
    check_eps(eps, name);
    weight.value.setOnes();
    weight.weight_decay = false;
    if (with_bias) {
        bias = Param<S>(name + ".bias", 1, d);
        bias.weight_decay = false;
    }
}

template <class S>
void LayerNorm<S>::forward(const CRef<S>& x, MRef<S> y, NormCache<S>& c) const
{
    const Eigen::Index n = x.rows(), d = dim();
    require_dims(x.rows(), x.cols(), n, d, weight.name, " input");
    require_dims(y.rows(), y.cols(), n, d, weight.name, " output");
    c.x = x;
    c.mean.resize(n);
    c.rstd.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        // Two passes (mean, then the mean of squared deviations) in double: no cancellation.
        const auto row = x.row(i).template cast<double>();
        const double mu = row.mean();
        const double var = (row.array() - mu).square().mean();
        const double r = 1.0 / std::sqrt(var + eps);
        c.mean(i) = mu;
        c.rstd(i) = r;
        y.row(i) = ((row.array() - mu) * r).template cast<S>() * weight.value.row(0).array();
        if (has_bias) y.row(i) += bias.value.row(0);
    }
}

template <class S>
void LayerNorm<S>::backward(const CRef<S>& dy, MRef<S> dx, const NormCache<S>& c)
{
    const Eigen::Index n = c.x.rows(), d = dim();
    require_dims(dy.rows(), dy.cols(), n, d, weight.name, " output gradient");
    require_dims(dx.rows(), dx.cols(), n, d, weight.name, " input gradient");
    // x̂ = (x − μ) r, g = dy ⊙ w:
    //   dx = r (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)),  dw += Σ_rows dy ⊙ x̂,  db += Σ_rows dy.
    // Scalar loops in double, two passes per row: no temporary row buffers, so a training loop
    // that calls this every step allocates nothing (a dynamic Eigen array would be a heap block).
    const S* w = weight.value.data();
    S* wg = weight.grad.data();
    S* bg = has_bias ? bias.grad.data() : nullptr;
    const double inv_d = 1.0 / static_cast<double>(d);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double mu = c.mean(i), r = c.rstd(i);
        double sg = 0.0, sgx = 0.0;
        for (Eigen::Index j = 0; j < d; ++j) {
            const double xh = (static_cast<double>(c.x(i, j)) - mu) * r;
            const double g = static_cast<double>(dy(i, j)) * static_cast<double>(w[j]);
            sg += g;
            sgx += g * xh;
        }
        const double mg = sg * inv_d, mgx = sgx * inv_d;
        for (Eigen::Index j = 0; j < d; ++j) {
            const double xh = (static_cast<double>(c.x(i, j)) - mu) * r;
            const double g = static_cast<double>(dy(i, j)) * static_cast<double>(w[j]);
            dx(i, j) = static_cast<S>(r * (g - mg - xh * mgx));
            wg[j] += static_cast<S>(static_cast<double>(dy(i, j)) * xh);
            if (bg) bg[j] += dy(i, j);
        }
    }
}

template <class S>
ParamList<S> LayerNorm<S>::parameters()
{
    if (has_bias) return {&weight, &bias};
    return {&weight};
}

// ---- RMSNorm --------------------------------------------------------------------------------

template <class S>
RMSNorm<S>::RMSNorm(std::string name, Eigen::Index d, double eps_)
    : weight(name + ".weight", 1, (check_dim(d, name), d)), eps(eps_)
{
    check_eps(eps, name);
    weight.value.setOnes();
    weight.weight_decay = false;
}

template <class S>
void RMSNorm<S>::forward(const CRef<S>& x, MRef<S> y, NormCache<S>& c) const
{
    const Eigen::Index n = x.rows(), d = dim();
    require_dims(x.rows(), x.cols(), n, d, weight.name, " input");
    require_dims(y.rows(), y.cols(), n, d, weight.name, " output");
    c.x = x;
    c.mean.resize(0);
    c.rstd.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto row = x.row(i).template cast<double>();
        const double r = 1.0 / std::sqrt(row.squaredNorm() / static_cast<double>(d) + eps);
        c.rstd(i) = r;
        y.row(i) = (row.array() * r).template cast<S>() * weight.value.row(0).array();
    }
}

template <class S>
void RMSNorm<S>::backward(const CRef<S>& dy, MRef<S> dx, const NormCache<S>& c)
{
    const Eigen::Index n = c.x.rows(), d = dim();
    require_dims(dy.rows(), dy.cols(), n, d, weight.name, " output gradient");
    require_dims(dx.rows(), dx.cols(), n, d, weight.name, " input gradient");
    // x̂ = x r, g = dy ⊙ w:  dx = r (g − x̂ ⊙ mean(g ⊙ x̂)),  dw += Σ_rows dy ⊙ x̂.
    const RowArray w = weight.value.row(0).template cast<double>().array();
    RowArray xhat(d), g(d);
    for (Eigen::Index i = 0; i < n; ++i) {
        xhat = c.x.row(i).template cast<double>().array() * c.rstd(i);
        g = dy.row(i).template cast<double>().array() * w;
        const double mgx = (g * xhat).mean();
        dx.row(i) = (c.rstd(i) * (g - xhat * mgx)).template cast<S>().matrix();
        weight.grad.row(0).array() += (dy.row(i).template cast<double>().array() * xhat).template cast<S>();
    }
}

template class LayerNorm<float>;
template class LayerNorm<double>;
template class RMSNorm<float>;
template class RMSNorm<double>;

}  // namespace attnviz::nn
