// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/init.hpp"

#include <cmath>

namespace attnviz::nn {

template <class S>
void uniform_fill(Mat<S>& w, Rng& rng, double a)
{
    for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index j = 0; j < w.cols(); ++j) w(i, j) = static_cast<S>(rng.uniform(-a, a));
}

template <class S>
void xavier_uniform(Mat<S>& w, Rng& rng)
{
    uniform_fill(w, rng, std::sqrt(6.0 / static_cast<double>(w.rows() + w.cols())));
}

template <class S>
void normal_fill(Mat<S>& w, Rng& rng)
{
    for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index j = 0; j < w.cols(); ++j) w(i, j) = static_cast<S>(rng.normal());
}

template void uniform_fill<float>(Mat<float>&, Rng&, double);
template void uniform_fill<double>(Mat<double>&, Rng&, double);
template void xavier_uniform<float>(Mat<float>&, Rng&);
template void xavier_uniform<double>(Mat<double>&, Rng&);
template void normal_fill<float>(Mat<float>&, Rng&);
template void normal_fill<double>(Mat<double>&, Rng&);

}  // namespace attnviz::nn
