// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/rotary.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

template <class S>
RotaryEmbedding<S>::RotaryEmbedding(Eigen::Index d, double theta, Eigen::Index r)
    : head_dim_(d), rotary_dim_(r == 0 ? d : r), theta_(theta)
{
    if (d < 2 || rotary_dim_ < 2 || rotary_dim_ > d || rotary_dim_ % 2 != 0)
        throw std::invalid_argument("rotary: expected an even rotary_dim in [2, head_dim], got rotary_dim " +
                                    std::to_string(rotary_dim_) + " for head_dim " + std::to_string(d));
    if (!(theta > 0.0) || !std::isfinite(theta))
        throw std::invalid_argument("rotary: theta must be a finite number > 0, got " + std::to_string(theta));
}

template <class S>
void RotaryEmbedding<S>::table(const int* positions, Eigen::Index n, RotaryTable<S>& t) const
{
    const Eigen::Index half = rotary_dim_ / 2;
    t.cos.resize(n, half);
    t.sin.resize(n, half);
    for (Eigen::Index k = 0; k < half; ++k) {
        // HF: inv_freq = 1 / theta ** (arange(0, r, 2) / r)
        const double inv_freq = 1.0 / std::pow(theta_, static_cast<double>(2 * k) / static_cast<double>(rotary_dim_));
        for (Eigen::Index i = 0; i < n; ++i) {
            if (positions[i] < 0)
                throw std::invalid_argument("rotary: position " + std::to_string(positions[i]) + " at row " +
                                            std::to_string(i) + " is negative");
            const double a = static_cast<double>(positions[i]) * inv_freq;
            t.cos(i, k) = static_cast<S>(std::cos(a));
            t.sin(i, k) = static_cast<S>(std::sin(a));
        }
    }
}

template <class S>
void RotaryEmbedding<S>::rotate(MRef<S> x, Eigen::Index heads, const RotaryTable<S>& t, bool inverse) const
{
    const Eigen::Index n = x.rows(), half = rotary_dim_ / 2;
    require_dims(x.rows(), x.cols(), n, heads * head_dim_, "rotary input");
    require_dims(t.cos.rows(), t.cos.cols(), n, half, "rotary table");
    for (Eigen::Index h = 0; h < heads; ++h) {
        auto lo = x.middleCols(h * head_dim_, half);         // (n × r/2) x_i
        auto hi = x.middleCols(h * head_dim_ + half, half);  // (n × r/2) x_{i+r/2}
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index k = 0; k < half; ++k) {
                const S c = t.cos(i, k), s = inverse ? -t.sin(i, k) : t.sin(i, k);
                const S a = lo(i, k), b = hi(i, k);
                lo(i, k) = a * c - b * s;
                hi(i, k) = b * c + a * s;
            }
    }
}

template <class S>
void RotaryEmbedding<S>::apply(MRef<S> x, Eigen::Index heads, const RotaryTable<S>& t) const
{
    rotate(x, heads, t, false);
}

template <class S>
void RotaryEmbedding<S>::apply_backward(MRef<S> dx, Eigen::Index heads, const RotaryTable<S>& t) const
{
    rotate(dx, heads, t, true);
}

template class RotaryEmbedding<float>;
template class RotaryEmbedding<double>;

}  // namespace attnviz::nn
