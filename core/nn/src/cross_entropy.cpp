// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/cross_entropy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

template <class S>
double weighted_softmax_ce(const CRef<S>& logits, const int* labels, const S* weights, MRef<S> dlogits)
{
    const Eigen::Index n = logits.rows(), V = logits.cols();
    require_dims(dlogits.rows(), dlogits.cols(), n, V, "cross-entropy logits gradient");
    double total = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const int y = labels[i];
        if (y < 0 || y >= V)
            throw std::invalid_argument("cross-entropy: label " + std::to_string(y) + " outside [0, " +
                                        std::to_string(V) + ")");
        const auto row = logits.row(i);
        const S m = row.maxCoeff();
        auto d = dlogits.row(i);
        d.array() = (row.array() - m).exp();
        const S sum = d.sum();
        const S lse = m + std::log(sum);
        total += static_cast<double>(weights[i]) * static_cast<double>(lse - row(y));
        d *= weights[i] / sum;
        d(y) -= weights[i];
    }
    return total;
}

template <class S>
void masked_softmax_ce_loss(const CRef<S>& logits, const int* labels, const int* valid, Eigen::Index B,
                            Eigen::Index T, double* per_sequence, MRef<S> dlogits)
{
    require_dims(logits.rows(), 1, B * T, 1, "masked cross-entropy logits rows");
    for (Eigen::Index b = 0; b < B; ++b) {
        std::vector<S> w(static_cast<std::size_t>(T));
        for (Eigen::Index t = 0; t < T; ++t) w[t] = t < valid[b] ? S(1) / S(T) : S(0);
        per_sequence[b] = weighted_softmax_ce<S>(logits.middleRows(b * T, T), labels + b * T, w.data(),
                                                 dlogits.middleRows(b * T, T));
    }
}

template double weighted_softmax_ce<float>(const CRef<float>&, const int*, const float*, MRef<float>);
template double weighted_softmax_ce<double>(const CRef<double>&, const int*, const double*, MRef<double>);
template void masked_softmax_ce_loss<float>(const CRef<float>&, const int*, const int*, Eigen::Index,
                                            Eigen::Index, double*, MRef<float>);
template void masked_softmax_ce_loss<double>(const CRef<double>&, const int*, const int*, Eigen::Index,
                                             Eigen::Index, double*, MRef<double>);

}  // namespace attnviz::nn
