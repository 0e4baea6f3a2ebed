// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/attention_stack.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace attnviz::inspect {

namespace {

constexpr std::size_t kRowSumExamples = 10;

std::vector<std::string> positions(Index n)
{
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) out.push_back(std::to_string(i));
    return out;
}

}  // namespace

void softmax_rows(FloatMatrix& m)
{
    for (Index i = 0; i < m.rows(); ++i) {
        const float top = m.row(i).maxCoeff();
        if (top == -std::numeric_limits<float>::infinity()) {
            m.row(i).setZero();
            continue;
        }
        // exp(-inf - top) = 0, so masked entries need no special case.
        m.row(i) = (m.row(i).array() - top).exp().matrix();
        m.row(i) /= m.row(i).sum();
    }
}

AttentionStack::AttentionStack(StackLayout layout, bool softmax)
    : layout_(std::move(layout)), softmax_(softmax)
{
    if (layout_.layers < 1 || layout_.heads < 1 || layout_.query_count < 1 ||
        layout_.key_count < 1 || static_cast<Index>(layout_.sources.size()) != layout_.layers)
        throw std::invalid_argument(layout_.file + ": empty attention tensor (expected at least "
                                                   "one layer, head, query and key)");
    key_tokens_ = positions(layout_.key_count);
    query_tokens_ = positions(layout_.query_count);
    scan();
}

std::string AttentionStack::where(Index layer, Index head) const
{
    return layout_.file + ": tensor '" + layout_.sources[static_cast<std::size_t>(layer)].tensor +
           "' layer " + std::to_string(layer) + ", head " + std::to_string(head);
}

void AttentionStack::check_index(Index layer, Index head) const
{
    if (layer < 0 || layer >= layout_.layers)
        throw std::invalid_argument(layout_.file + ": layer " + std::to_string(layer) +
                                    " out of range (expected 0.." +
                                    std::to_string(layout_.layers - 1) + ")");
    if (head < 0 || head >= layout_.heads)
        throw std::invalid_argument(layout_.file + ": head " + std::to_string(head) +
                                    " out of range (expected 0.." +
                                    std::to_string(layout_.heads - 1) + ")");
}

HeadView AttentionStack::head(Index layer, Index head) const
{
    check_index(layer, head);
    const LayerSource& s = layout_.sources[static_cast<std::size_t>(layer)];
    const std::size_t size = io::element_size(s.dtype);
    const std::byte* base = s.data + head * s.head_stride * static_cast<std::int64_t>(size);
    const Index n_q = layout_.query_count, n_k = layout_.key_count;

    const bool mappable = s.dtype == io::DType::F32 && s.order == io::native_byte_order() &&
                          reinterpret_cast<std::uintptr_t>(base) % alignof(float) == 0;
    if (mappable && !softmax_) {
        HeadMap map(reinterpret_cast<const float*>(base), n_q, n_k,
                    Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(s.row_stride, s.col_stride));
        return HeadView(layout_.storage, map, true);
    }

    auto copy = std::make_shared<FloatMatrix>(n_q, n_k);
    for (Index i = 0; i < n_q; ++i)
        for (Index j = 0; j < n_k; ++j)
            (*copy)(i, j) = io::load_as_float(
                base + (i * s.row_stride + j * s.col_stride) * static_cast<std::int64_t>(size),
                s.dtype, s.order);
    if (softmax_) softmax_rows(*copy);
    HeadMap map(copy->data(), n_q, n_k, Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(n_k, 1));
    return HeadView(std::move(copy), map, false);
}

void AttentionStack::scan()
{
    // One pass over the raw values (softmax off, so that a NaN is reported, not hidden, and a
    // converted dtype is converted once), then the row sums of the weights as they are served.
    const bool apply_softmax = softmax_;
    softmax_ = false;
    row_sums_ = RowSumReport{};
    for (Index l = 0; l < layout_.layers; ++l)
        for (Index h = 0; h < layout_.heads; ++h) {
            const HeadView raw = head(l, h);
            const HeadMap& m = raw.matrix();
            if (!m.allFinite()) {
                for (Index i = 0; i < m.rows(); ++i)
                    for (Index j = 0; j < m.cols(); ++j) {
                        const float x = m(i, j);
                        if (std::isfinite(x) || (apply_softmax && x < 0 && std::isinf(x)))
                            continue;
                        std::ostringstream msg;
                        msg << where(l, h) << ": "
                            << (std::isnan(x) ? "NaN" : x > 0 ? "+infinity" : "-infinity")
                            << " at row " << i << ", column " << j
                            << (apply_softmax
                                    ? " (expected finite scores, or -infinity for masked ones)"
                                    : " (expected finite attention values)");
                        throw std::invalid_argument(msg.str());
                    }
            }
            Eigen::VectorXd sums;  // (n_q)
            if (apply_softmax) {
                FloatMatrix weights = m;
                softmax_rows(weights);
                sums = weights.cast<double>().rowwise().sum();
            } else {
                sums = m.cast<double>().rowwise().sum();
            }
            row_sums_.rows_checked += static_cast<std::size_t>(sums.size());
            for (Index i = 0; i < sums.size(); ++i) {
                if (std::fabs(sums[i] - 1.0) <= row_sums_.tolerance) continue;
                ++row_sums_.rows_off;
                if (row_sums_.examples.size() < kRowSumExamples)
                    row_sums_.examples.push_back({l, h, i, sums[i]});
            }
        }
    softmax_ = apply_softmax;
}

void AttentionStack::set_tokens(std::vector<std::string> keys, std::vector<std::string> queries)
{
    const std::string tensor = "tensor '" + layout_.sources.front().tensor + "'";
    if (static_cast<Index>(keys.size()) != layout_.key_count)
        throw std::invalid_argument(layout_.file + ": " + tensor + ": 'tokens' has " +
                                    std::to_string(keys.size()) + " entries, expected " +
                                    std::to_string(layout_.key_count) + " (one per key, n_k)");
    if (!queries.empty() && static_cast<Index>(queries.size()) != layout_.query_count)
        throw std::invalid_argument(layout_.file + ": " + tensor + ": 'query_tokens' has " +
                                    std::to_string(queries.size()) + " entries, expected " +
                                    std::to_string(layout_.query_count) +
                                    " (one per query, n_q)");
    if (queries.empty() && layout_.query_count == layout_.key_count) queries = keys;
    key_tokens_ = std::move(keys);
    if (!queries.empty()) query_tokens_ = std::move(queries);
    has_tokens_ = true;
}

}  // namespace attnviz::inspect
