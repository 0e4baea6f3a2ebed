// SPDX-License-Identifier: GPL-3.0-or-later
// The layer-kit names the seq2seq model is written in. The kit lives in attnviz::nn (core/nn/);
// these using-declarations let the model's files name its pieces as before, e.g. `Mat<S>` and
// `GRU<S>`, without copying anything into this namespace.
#pragma once

#include "attnviz/core/nn/additive_attention.hpp"
#include "attnviz/core/nn/embedding.hpp"
#include "attnviz/core/nn/gru.hpp"
#include "attnviz/core/nn/linear.hpp"
#include "attnviz/core/nn/train_control.hpp"
#include "attnviz/core/nn/types.hpp"

namespace attnviz::seq2seq {

using nn::AdditiveAttention;
using nn::AttentionScratch;
using nn::CRef;
using nn::Embedding;
using nn::GRU;
using nn::GRUCache;
using nn::GRULayer;
using nn::IndexVec;
using nn::Linear;
using nn::Mat;
using nn::MRef;
using nn::Param;
using nn::ParamList;
using nn::require_dims;
using nn::TrainControl;

}  // namespace attnviz::seq2seq
