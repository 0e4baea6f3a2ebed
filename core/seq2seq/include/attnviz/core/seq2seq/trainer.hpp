// SPDX-License-Identifier: GPL-3.0-or-later
// d2l's train_seq2seq, on the kit's one training loop (nn::train_loop): each epoch shuffles the
// pairs (attnviz::Rng), runs batches of batch_size (the last one smaller, as PyTorch's DataLoader
// with drop_last=False), and per batch: zero the gradients, forward/backward of Σ_b l_b, clip to
// global norm `clip`, Adam step. The epoch's loss is d2l's metric Σ l / Σ valid target tokens;
// tokens/s counts valid target tokens (with <eos>) per second of training, as the book does.
#pragma once

#include "attnviz/core/nn/train_loop.hpp"
#include "attnviz/core/seq2seq/dataset.hpp"
#include "attnviz/core/seq2seq/kit.hpp"
#include "attnviz/core/seq2seq/model.hpp"

#include <cstdint>
#include <functional>

namespace attnviz::seq2seq {

struct TrainOptions {
    int epochs = 250;
    int batch_size = 64;
    double lr = 0.005;
    double clip = 1.0;
    std::uint64_t seed = 0;  // shuffling and dropout (the model's initialisation is the caller's)
};

// The loop's statistics (attnviz::nn, shared with every model of the kit). EpochStats::loss is
// d2l's metric Σ l / Σ valid target tokens; token_loss = loss × num_steps, the mean cross-entropy
// per valid target token.
using nn::EpochStats;
using nn::TrainResult;

// Throws std::invalid_argument when the data do not fit the model (vocabulary sizes) or an option
// is out of range. The callback runs on the training thread after every epoch.
template <class S>
TrainResult train_seq2seq(Seq2SeqModel<S>& model, const TranslationData& data, const TrainOptions& options,
                          TrainControl* control = nullptr,
                          const std::function<void(const EpochStats&)>& on_epoch = {});

// The book's model for `data`: ModelConfig with the data's vocabulary sizes, initialised by
// init_d2l(Rng(seed)).
template <class S>
Seq2SeqModel<S> make_d2l_model(const TranslationData& data, ModelConfig config, std::uint64_t seed);

extern template TrainResult train_seq2seq<float>(Seq2SeqModel<float>&, const TranslationData&, const TrainOptions&,
                                                 TrainControl*, const std::function<void(const EpochStats&)>&);
extern template TrainResult train_seq2seq<double>(Seq2SeqModel<double>&, const TranslationData&,
                                                  const TrainOptions&, TrainControl*,
                                                  const std::function<void(const EpochStats&)>&);

}  // namespace attnviz::seq2seq
