// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/dropout.hpp"

#include <stdexcept>

namespace attnviz::nn {

template <class S>
void dropout_mask(Rng& rng, double p, MRef<S> mask)
{
    if (!(p >= 0.0 && p < 1.0)) throw std::invalid_argument("dropout: p must be in [0, 1), got " + std::to_string(p));
    const std::uint64_t threshold = static_cast<std::uint64_t>(p * 65536.0 + 0.5);
    const S keep = S(1) / S(1.0 - p);
    std::uint64_t bits = 0;
    int left = 0;
    for (Eigen::Index i = 0; i < mask.rows(); ++i)
        for (Eigen::Index j = 0; j < mask.cols(); ++j) {
            if (left == 0) {
                bits = rng.next_u64();
                left = 4;
            }
            mask(i, j) = (bits & 0xffff) < threshold ? S(0) : keep;
            bits >>= 16;
            --left;
        }
}

template void dropout_mask<float>(Rng&, double, MRef<float>);
template void dropout_mask<double>(Rng&, double, MRef<double>);

}  // namespace attnviz::nn
