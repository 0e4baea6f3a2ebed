// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/aggregate.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::inspect {

Matrix mean_over_heads(const AttentionStack& stack, Index layer)
{
    Matrix sum = Matrix::Zero(stack.query_count(), stack.key_count());  // (n_q × n_k)
    for (Index h = 0; h < stack.heads(); ++h) sum += stack.head(layer, h).matrix().cast<double>();
    return sum / static_cast<double>(stack.heads());
}

Matrix max_over_heads(const AttentionStack& stack, Index layer)
{
    Matrix out = stack.head(layer, 0).to_double();  // (n_q × n_k)
    for (Index h = 1; h < stack.heads(); ++h)
        out = out.cwiseMax(stack.head(layer, h).matrix().cast<double>());
    return out;
}

Matrix mean_over_layers(const AttentionStack& stack, Index head)
{
    Matrix sum = Matrix::Zero(stack.query_count(), stack.key_count());  // (n_q × n_k)
    for (Index l = 0; l < stack.layers(); ++l) sum += stack.head(l, head).matrix().cast<double>();
    return sum / static_cast<double>(stack.layers());
}

Matrix mean_over_layers(const AttentionStack& stack)
{
    Matrix sum = Matrix::Zero(stack.query_count(), stack.key_count());  // (n_q × n_k)
    for (Index l = 0; l < stack.layers(); ++l) sum += mean_over_heads(stack, l);
    return sum / static_cast<double>(stack.layers());
}

Matrix attention_rollout(const std::vector<Matrix>& layers)
{
    if (layers.empty()) throw std::invalid_argument("rollout: expected at least one layer");
    const Index n = layers.front().rows();
    Matrix rollout;  // (n × n) Ã_l · … · Ã_1 so far
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const Matrix& a = layers[l];
        if (a.rows() != a.cols() || a.rows() != n || n == 0)
            throw std::invalid_argument("rollout: layer " + std::to_string(l) + " is " +
                                        shape_string(a) + " (expected " + shape_string(n, n) +
                                        ": rollout needs self-attention, n_q = n_k)");
        Matrix residual = a + Matrix::Identity(n, n);  // (n × n)
        for (Index i = 0; i < n; ++i) {
            const double s = residual.row(i).sum();
            if (!(std::fabs(s) > 0) || !std::isfinite(s))
                throw std::invalid_argument(
                    "rollout: layer " + std::to_string(l) + ", row " + std::to_string(i) +
                    " sums to " + std::to_string(s) +
                    " after adding the identity (expected weights; apply softmax to raw scores)");
            residual.row(i) /= s;
        }
        rollout = l == 0 ? residual : Matrix(residual * rollout);
    }
    return rollout;
}

Matrix attention_rollout(const AttentionStack& stack, Index last_layer)
{
    const Index last = last_layer < 0 ? stack.layers() - 1 : last_layer;
    if (last >= stack.layers())
        throw std::invalid_argument(stack.file() + ": layer " + std::to_string(last) +
                                    " out of range (expected 0.." +
                                    std::to_string(stack.layers() - 1) + ")");
    if (stack.query_count() != stack.key_count())
        throw std::invalid_argument(stack.file() + ": rollout needs self-attention (n_q = n_k), got " +
                                    shape_string(stack.query_count(), stack.key_count()));
    std::vector<Matrix> means;  // per layer (n × n)
    for (Index l = 0; l <= last; ++l) means.push_back(mean_over_heads(stack, l));
    return attention_rollout(means);
}

}  // namespace attnviz::inspect
