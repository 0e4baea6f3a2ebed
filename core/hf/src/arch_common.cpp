// SPDX-License-Identifier: GPL-3.0-or-later
#include "architecture.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace attnviz::hf {

namespace {

// The tensor as the streaming kernel reads it, in place and in its own precision: F32, F16 or
// BF16, little-endian, aligned to its element size; nothing otherwise (the caller converts).
std::optional<nn::RawWeightView> raw_view(const TensorRef& t, bool transposed)
{
    if (t.shape.size() != 2 || io::native_byte_order() != io::ByteOrder::Little) return std::nullopt;
    nn::RawWeightView w;
    w.data = t.data;
    w.rows = t.shape[0];
    w.cols = t.shape[1];
    w.transposed = transposed;
    const auto address = reinterpret_cast<std::uintptr_t>(t.data);
    switch (t.dtype) {
    case io::DType::F32:
        if (address % alignof(float) != 0) return std::nullopt;
        w.type = nn::WeightType::F32;
        return w;
    case io::DType::F16:
        if (address % 2 != 0) return std::nullopt;
        w.type = nn::WeightType::F16;
        return w;
    case io::DType::BF16:
        if (address % 2 != 0) return std::nullopt;
        w.type = nn::WeightType::BF16;
        return w;
    default:
        return std::nullopt;
    }
}

}  // namespace

void project(const Mat& x, const TensorRef& w, const std::vector<float>& bias, Mat& y, Scratch& scratch,
             bool conv1d)
{
    // A few rows (a generation step): the weight streamed once in its own precision, no copy.
    if (x.rows() <= nn::kStreamingRows)
        if (const auto raw = raw_view(w, conv1d)) {
            shape(y, x.rows(), raw->out_features());
            nn::linear_forward_streaming(x, *raw, bias.empty() ? nullptr : bias.data(), y, w.name.c_str());
            return;
        }
    const nn::WeightView<float> view = weight_view(w, scratch, conv1d);
    shape(y, x.rows(), view.out_features());
    nn::linear_forward<float>(x, view, bias.empty() ? nullptr : bias.data(), y, w.name.c_str());
}

void vocab_projection(const Mat& rows, const TensorRef& table, const std::vector<float>& bias, Mat& logits,
                      Scratch& scratch)
{
    const Eigen::Index V = table.shape.at(0), E = table.shape.at(1);
    shape(logits, rows.rows(), V);
    // A few rows (a generation step): one pass over the table in its own precision.
    if (rows.rows() <= nn::kStreamingRows)
        if (const auto raw = raw_view(table, false)) {
            nn::linear_forward_streaming(rows, *raw, bias.empty() ? nullptr : bias.data(), logits, table.name.c_str());
            return;
        }
    // Many rows (the logit lens: layers × positions): the kit's packed product, a block of the
    // table at a time. In place: one block. Converted: 4096 vocabulary rows at a time (12 MB at
    // E = 768), never the whole table.
    const Eigen::Index block = table.in_place() ? V : 4096;
    for (Eigen::Index v0 = 0; v0 < V; v0 += block) {
        const Eigen::Index b = std::min(block, V - v0);
        const nn::WeightView<float> W{rows_view(table, v0, b, scratch), b, E, false};  // (b × E), nn.Linear
        nn::linear_forward<float>(rows, W, bias.empty() ? nullptr : bias.data() + v0, logits.middleCols(v0, b),
                                  table.name.c_str());
    }
}

std::vector<float> vector_of(const WeightStore& w, const std::string& name, std::int64_t d, const std::string& meaning)
{
    return to_floats(w.get(name, {d}, meaning));
}

}  // namespace attnviz::hf
