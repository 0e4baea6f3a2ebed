// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/trainer.hpp"

#include "attnviz/core/nn/optim.hpp"

#include <chrono>
#include <numeric>
#include <stdexcept>

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

template <class S>
TrainResult train_seq2seq(Seq2SeqModel<S>& model, const TranslationData& data, const TrainOptions& o,
                          TrainControl* control, const std::function<void(const EpochStats&)>& on_epoch)
{
    using Clock = std::chrono::steady_clock;
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
    const int N = data.size(), T = data.num_steps, B = std::min(o.batch_size, N);
    ParamList<S> params = model.parameters();
    Adam<S> adam(params, o.lr);
    Rng rng(o.seed);
    std::vector<int> order(static_cast<std::size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    std::vector<int> src(static_cast<std::size_t>(B) * T), tgt(src.size()), src_valid(B), tgt_valid(B);
    const int bos = data.tgt_vocab.bos();
    TrainResult result;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const auto start = Clock::now();
        for (int i = N; i > 1; --i) std::swap(order[i - 1], order[rng.below(static_cast<std::uint64_t>(i))]);
        double loss_sum = 0.0;
        long long tokens = 0;
        double paused_seconds = 0.0;
        for (int first = 0; first < N; first += B) {
            const int b_count = std::min(B, N - first);
            for (int b = 0; b < b_count; ++b) {
                const int row = order[first + b];
                std::copy_n(&data.src[static_cast<std::size_t>(row) * T], T, &src[static_cast<std::size_t>(b) * T]);
                std::copy_n(&data.tgt[static_cast<std::size_t>(row) * T], T, &tgt[static_cast<std::size_t>(b) * T]);
                src_valid[b] = data.src_valid[row];
                tgt_valid[b] = data.tgt_valid[row];
                tokens += tgt_valid[b];
            }
            const BatchView view{b_count, T, src.data(), src_valid.data(), tgt.data(), tgt_valid.data(), bos};
            adam.zero_grad();
            loss_sum += model.loss_and_grad(view, &rng);
            clip_grad_norm(params, o.clip);
            adam.step();
            if (control) {
                if (control->paused()) {
                    const auto p0 = Clock::now();
                    const bool go_on = control->wait_while_paused();
                    paused_seconds += std::chrono::duration<double>(Clock::now() - p0).count();
                    if (!go_on) break;
                }
                if (control->stopped()) break;
            }
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count() - paused_seconds;
        if (control && control->stopped()) {
            result.stopped = true;
            break;  // a partial epoch is not reported
        }
        result.epochs_done = epoch;
        result.seconds += seconds;
        result.tokens += tokens;
        result.final_loss = tokens ? loss_sum / static_cast<double>(tokens) : 0.0;
        if (on_epoch) {
            EpochStats s;
            s.epoch = epoch;
            s.epochs = o.epochs;
            s.loss = result.final_loss;
            s.token_loss = result.final_loss * T;
            s.tokens = tokens;
            s.seconds = seconds;
            s.tokens_per_second = seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0;
            s.total_seconds = result.seconds;
            on_epoch(s);
        }
        if (control && (control->paused() || control->stopped())) {
            if (!control->wait_while_paused()) {
                result.stopped = true;
                break;
            }
        }
    }
    result.tokens_per_second = result.seconds > 0 ? static_cast<double>(result.tokens) / result.seconds : 0.0;
    return result;
}

template Seq2SeqModel<float> make_d2l_model<float>(const TranslationData&, ModelConfig, std::uint64_t);
template Seq2SeqModel<double> make_d2l_model<double>(const TranslationData&, ModelConfig, std::uint64_t);
template TrainResult train_seq2seq<float>(Seq2SeqModel<float>&, const TranslationData&, const TrainOptions&,
                                          TrainControl*, const std::function<void(const EpochStats&)>&);
template TrainResult train_seq2seq<double>(Seq2SeqModel<double>&, const TranslationData&, const TrainOptions&,
                                           TrainControl*, const std::function<void(const EpochStats&)>&);

}  // namespace attnviz::seq2seq
