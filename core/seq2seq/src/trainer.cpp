// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/trainer.hpp"

#include "attnviz/core/nn/optim.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <vector>

namespace attnviz::seq2seq {

using namespace attnviz::nn;  // the layer kit this model is assembled from

template <class S>
Seq2SeqModel<S> make_d2l_model(const TranslationData& data, ModelConfig config, std::uint64_t seed)
{
    config.src_vocab = data.src_vocab.size();
    config.tgt_vocab = data.tgt_vocab.size();
    Seq2SeqModel<S> model(config);
    Rng rng(seed);
    model.init_d2l(rng);
    return model;
}

namespace {

// The pairs of `data` as batches for nn::train_loop: ShuffledBatches picks the rows, this copies
// them into contiguous (b_count × T) arrays, the layout BatchView points at.
class TranslationBatches {
public:
    TranslationBatches(const TranslationData& data, int batch_size)
        : data_(data), order_(data.size(), batch_size), T_(data.num_steps)
    {
        const auto B = static_cast<std::size_t>(std::min(batch_size, data.size()));
        src_.resize(B * static_cast<std::size_t>(T_));
        tgt_.resize(src_.size());
        src_valid_.resize(B);
        tgt_valid_.resize(B);
    }

    void start_epoch(Rng& rng) { order_.start_epoch(rng); }

    bool next(Rng&)
    {
        if (!order_.next()) return false;
        const std::span<const int> rows = order_.rows();
        const auto T = static_cast<std::size_t>(T_);
        tokens_ = 0;
        for (std::size_t b = 0; b < rows.size(); ++b) {
            const auto row = static_cast<std::size_t>(rows[b]);
            std::copy_n(&data_.src[row * T], T, &src_[b * T]);
            std::copy_n(&data_.tgt[row * T], T, &tgt_[b * T]);
            src_valid_[b] = data_.src_valid[row];
            tgt_valid_[b] = data_.tgt_valid[row];
            tokens_ += tgt_valid_[b];
        }
        view_ = BatchView{static_cast<int>(rows.size()), T_, src_.data(), src_valid_.data(), tgt_.data(),
                          tgt_valid_.data(), data_.tgt_vocab.bos()};
        return true;
    }

    const BatchView& batch() const { return view_; }
    long long tokens() const { return tokens_; }  // valid target tokens, <eos> included

private:
    const TranslationData& data_;
    nn::ShuffledBatches order_;
    int T_;
    std::vector<int> src_, tgt_, src_valid_, tgt_valid_;  // (B × T), (B)
    BatchView view_;
    long long tokens_ = 0;
};

}  // namespace

template <class S>
TrainResult train_seq2seq(Seq2SeqModel<S>& model, const TranslationData& data, const TrainOptions& o,
                          TrainControl* control, const std::function<void(const EpochStats&)>& on_epoch)
{
    if (data.size() == 0) throw std::invalid_argument("train_seq2seq: no training pairs");
    if (data.src_vocab.size() != model.config().src_vocab || data.tgt_vocab.size() != model.config().tgt_vocab)
        throw std::invalid_argument("train_seq2seq: data vocabularies " + std::to_string(data.src_vocab.size()) + "/" +
                                    std::to_string(data.tgt_vocab.size()) + " do not match the model's " +
                                    std::to_string(model.config().src_vocab) + "/" +
                                    std::to_string(model.config().tgt_vocab));
    if (o.epochs < 0 || o.batch_size < 1 || !(o.lr > 0) || !(o.clip > 0))
        throw std::invalid_argument("train_seq2seq: need epochs ≥ 0, batch_size ≥ 1, lr > 0, clip > 0 (got " +
                                    std::to_string(o.epochs) + ", " + std::to_string(o.batch_size) + ", " +
                                    std::to_string(o.lr) + ", " + std::to_string(o.clip) + ")");
    Adam<S> adam(model.parameters(), o.lr);
    TranslationBatches batches(data, o.batch_size);
    nn::TrainLoopOptions loop;
    loop.epochs = o.epochs;
    loop.clip = o.clip;
    loop.seed = o.seed;
    nn::TrainCallbacks callbacks;
    if (on_epoch) {
        const int T = data.num_steps;
        callbacks.on_epoch = [&on_epoch, T](const EpochStats& s) {
            EpochStats d2l = s;
            d2l.token_loss = s.loss * T;  // d2l's l is a mean over the T positions
            on_epoch(d2l);
        };
    }
    return nn::train_loop(model, batches, adam, loop, control, callbacks);
}

template Seq2SeqModel<float> make_d2l_model<float>(const TranslationData&, ModelConfig, std::uint64_t);
template Seq2SeqModel<double> make_d2l_model<double>(const TranslationData&, ModelConfig, std::uint64_t);
template TrainResult train_seq2seq<float>(Seq2SeqModel<float>&, const TranslationData&, const TrainOptions&,
                                          TrainControl*, const std::function<void(const EpochStats&)>&);
template TrainResult train_seq2seq<double>(Seq2SeqModel<double>&, const TranslationData&, const TrainOptions&,
                                           TrainControl*, const std::function<void(const EpochStats&)>&);

}  // namespace attnviz::seq2seq
