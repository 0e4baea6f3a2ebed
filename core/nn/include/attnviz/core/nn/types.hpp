// SPDX-License-Identifier: GPL-3.0-or-later
// Matrix aliases and the trainable parameter shared by the seq2seq layers.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <string_view>
#include <vector>

namespace attnviz::nn {

// Row-major so that PyTorch tensors (out × in, row-major) copy in and out byte for byte, and so
// that a block of consecutive rows (one time step of a time-major batch) is contiguous.
template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using MRef = Eigen::Ref<Mat<S>>;
template <class S>
using CRef = Eigen::Ref<const Mat<S>>;

using IndexVec = std::vector<int>;

// A weight (or bias, stored 1 × n) with its gradient of the same shape.
template <class S>
struct Param {
    std::string name;  // the PyTorch state_dict name, e.g. "decoder.rnn.weight_ih_l0"
    Mat<S> value;
    Mat<S> grad;
    // Whether AdamW's decoupled weight decay applies to it. The layer that owns it decides: off
    // for biases and normalisation weights (the GPT-2 / BERT / Llama recipes), on otherwise.
    bool weight_decay = true;

    Param() = default;
    Param(std::string n, Eigen::Index rows, Eigen::Index cols)
        : name(std::move(n)), value(Mat<S>::Zero(rows, cols)), grad(Mat<S>::Zero(rows, cols)) {}
    void zero_grad() { grad.setZero(); }
};

template <class S>
using ParamList = std::vector<Param<S>*>;

// Throws std::invalid_argument("<what><suffix>: expected 64x32, got 64x31"). Builds no string
// unless it throws (it runs on every step of the training loop).
void require_dims(Eigen::Index rows, Eigen::Index cols, Eigen::Index want_rows, Eigen::Index want_cols,
                  std::string_view what, std::string_view suffix = {});

}  // namespace attnviz::nn
