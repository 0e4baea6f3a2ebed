// SPDX-License-Identifier: GPL-3.0-or-later
// All attention heads of one model run: layers × heads matrices of n_q × n_k, read from a file.
//
// The data is not copied on opening. A float32 tensor in this machine's byte order is viewed in
// place inside the file mapping (a strided Eigen::Map, so Fortran order works too); any other
// dtype, byte order or a softmax request is converted one head at a time when that head is
// asked for. A 12 × 12 × 512 × 512 float32 file therefore costs its page cache, not a copy.
#pragma once

#include "attnviz/core/io/dtype.hpp"
#include "attnviz/core/tensor.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace attnviz::inspect {

using FloatMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Outer stride = distance between rows, inner = between columns, both in elements.
using HeadMap = Eigen::Map<const FloatMatrix, Eigen::Unaligned,
                           Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;

// One head's (n_q × n_k) weights. Keeps alive whatever it points into (the file mapping or
// its own converted copy), so it stays valid after the stack that gave it is gone.
class HeadView {
public:
    HeadView(std::shared_ptr<const void> owner, HeadMap map, bool in_place)
        : owner_(std::move(owner)), map_(map), in_place_(in_place) {}
    HeadView(const HeadView&) = default;
    // Eigen maps cannot be assigned (that would copy the data); re-seat this one instead.
    HeadView& operator=(const HeadView& o)
    {
        owner_ = o.owner_;
        new (&map_) HeadMap(o.map_);
        in_place_ = o.in_place_;
        return *this;
    }

    const HeadMap& matrix() const { return map_; }  // (n_q × n_k)
    Index rows() const { return map_.rows(); }
    Index cols() const { return map_.cols(); }
    float operator()(Index i, Index j) const { return map_(i, j); }
    // True when the matrix is the file's own bytes rather than a converted copy.
    bool in_place() const { return in_place_; }
    Matrix to_double() const { return map_.cast<double>(); }  // (n_q × n_k)

private:
    std::shared_ptr<const void> owner_;
    HeadMap map_;
    bool in_place_;
};

// Where one layer's heads are: element (h, i, j) of the layer is at
// data + (h·head_stride + i·row_stride + j·col_stride) × element_size(dtype).
struct LayerSource {
    const std::byte* data = nullptr;
    io::DType dtype = io::DType::F32;
    io::ByteOrder order = io::ByteOrder::Little;
    std::int64_t head_stride = 0;
    std::int64_t row_stride = 0;
    std::int64_t col_stride = 0;
    std::string tensor;  // names the tensor in messages: "attentions.3", "array", "attention"
};

struct StackLayout {
    std::string file;                   // names the file in messages
    std::string format;                 // "npy", "safetensors", "json"
    std::vector<std::int64_t> file_shape;  // the tensor's shape as stored (one layer's for a series)
    Index layers = 0, heads = 0, query_count = 0, key_count = 0;
    Index batch = 0;                    // the chosen batch entry (0 without a batch dimension)
    Index batch_count = 1;
    std::vector<LayerSource> sources;   // one per layer
    std::shared_ptr<const void> storage;  // keeps every LayerSource::data alive
};

struct RowSumIssue {
    Index layer, head, row;
    double sum;
};

// Rows whose weights do not sum to 1 within the tolerance: raw scores, or masked rows.
struct RowSumReport {
    double tolerance = 1e-3;
    std::size_t rows_checked = 0;
    std::size_t rows_off = 0;
    std::vector<RowSumIssue> examples;  // the first few, in (layer, head, row) order
    bool all_rows_sum_to_one() const { return rows_off == 0; }
};

class AttentionStack {
public:
    // Scans every head once: refuses NaN (and infinities, except -inf when `softmax` asks for the
    // raw scores to be turned into weights, as masked scores are), and records the rows whose
    // sums are off. Throws std::invalid_argument("f.npy: tensor 'array' layer 0, head 1: NaN at
    // row 2, column 0 (expected finite attention values)").
    AttentionStack(StackLayout layout, bool softmax);

    const std::string& file() const { return layout_.file; }
    const std::string& format() const { return layout_.format; }
    const std::vector<std::int64_t>& file_shape() const { return layout_.file_shape; }
    io::DType dtype() const { return layout_.sources.front().dtype; }
    Index layers() const { return layout_.layers; }
    Index heads() const { return layout_.heads; }
    Index query_count() const { return layout_.query_count; }
    Index key_count() const { return layout_.key_count; }
    Index batch() const { return layout_.batch; }
    Index batch_count() const { return layout_.batch_count; }
    bool softmax_applied() const { return softmax_; }

    // Labels: given tokens, or "0", "1", ... by position. Without query tokens, queries share
    // the key tokens when n_q = n_k (self-attention) and are positions otherwise.
    const std::vector<std::string>& key_tokens() const { return key_tokens_; }
    const std::vector<std::string>& query_tokens() const { return query_tokens_; }
    bool has_tokens() const { return has_tokens_; }
    // Throws std::invalid_argument naming the file and the tensor when a list's length is not
    // n_k (keys) or n_q (queries). An empty `queries` means "none given".
    void set_tokens(std::vector<std::string> keys, std::vector<std::string> queries = {});

    // (n_q × n_k). Throws std::invalid_argument for a layer or head out of range.
    HeadView head(Index layer, Index head) const;

    // Computed on opening, over the weights as served (after softmax when applied).
    const RowSumReport& row_sums() const { return row_sums_; }

private:
    void check_index(Index layer, Index head) const;
    std::string where(Index layer, Index head) const;
    void scan();

    StackLayout layout_;
    bool softmax_;
    std::vector<std::string> key_tokens_, query_tokens_;
    bool has_tokens_ = false;
    RowSumReport row_sums_;
};

// Row-wise softmax in place, max-shifted; -inf entries get weight 0 and a row of only -inf
// becomes all zeros (a fully masked row) rather than NaN.
void softmax_rows(FloatMatrix& m);

}  // namespace attnviz::inspect
