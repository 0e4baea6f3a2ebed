// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/mask.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace attnviz {

BoolMatrix build_mask(const MaskSpec& spec, Index n_q, Index n_k)
{
    BoolMatrix masked;
    build_mask(spec, n_q, n_k, masked);
    return masked;
}

void build_mask(const MaskSpec& spec, Index n_q, Index n_k, BoolMatrix& masked)
{
    masked.resize(n_q, n_k);  // (n_q × n_k)
    masked.setConstant(false);

    if (!spec.valid_len.empty()) {
        const auto count = static_cast<Index>(spec.valid_len.size());
        if (count != 1 && count != n_q)
            throw std::invalid_argument("mask.valid_len: expected 1 value or " +
                                        std::to_string(n_q) + " (one per query row), got " +
                                        std::to_string(count));
        for (Index i = 0; i < n_q; ++i) {
            const Index len = spec.valid_len[static_cast<std::size_t>(count == 1 ? 0 : i)];
            if (len < 0)
                throw std::invalid_argument("mask.valid_len: row " + std::to_string(i) +
                                            " has negative length " + std::to_string(len));
            const Index keep = std::min(len, n_k);
            masked.row(i).tail(n_k - keep).setConstant(true);
        }
    }

    if (spec.causal)
        for (Index i = 0; i < n_q; ++i)
            if (i + 1 < n_k) masked.row(i).tail(n_k - i - 1).setConstant(true);

    if (spec.matrix.size() != 0) {
        if (spec.matrix.rows() != n_q || spec.matrix.cols() != n_k)
            throw std::invalid_argument("mask.matrix: expected " + shape_string(n_q, n_k) +
                                        " (queries x keys), got " +
                                        shape_string(spec.matrix.rows(), spec.matrix.cols()));
        masked = masked || spec.matrix;
    }
}

}  // namespace attnviz
