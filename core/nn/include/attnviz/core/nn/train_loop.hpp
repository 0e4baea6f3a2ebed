// SPDX-License-Identifier: GPL-3.0-or-later
// One training loop for every model of the kit. A model is anything with
//   ParamList<S> parameters();                          its trainable weights
//   double loss_and_grad(const Batch& batch, Rng* rng); forward + backward, gradients accumulated
// a batch source feeds it (epochs of shuffled examples, or batches generated on the fly), and
// an optimiser is anything with zero_grad() and step() (Adam, AdamW, plain SGD). Per step:
//   zero the gradients, loss_and_grad, clip to the global norm `clip`, optimiser step,
// then the step callback and the pause/stop check. Per epoch (the source's next() said "done",
// or max_steps was reached): the epoch callback, then a pause/stop check. The loss reported for
// an epoch is Σ loss_and_grad / Σ tokens over its steps, where the source says how many tokens
// (or examples) each batch's summed loss covers. Training time excludes pauses.
//
// One Rng(seed), owned by the loop, is handed to the source (shuffling, generating) and to the
// model (dropout) in that order, so a run is reproducible from its seed.
#pragma once

#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/nn/train_control.hpp"
#include "attnviz/core/nn/types.hpp"
#include "attnviz/core/random.hpp"

#include <concepts>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace attnviz::nn {

struct EpochStats {
    int epoch = 0;              // 1-based
    int epochs = 0;             // as asked (TrainLoopOptions::epochs)
    double loss = 0.0;          // Σ loss / Σ tokens this epoch (seq2seq: d2l's metric)
    double token_loss = 0.0;    // mean loss per token: `loss` here; seq2seq's trainer, whose loss is
                                // d2l's (a per-sequence mean over num_steps), reports loss × num_steps
    long long tokens = 0;       // Σ tokens this epoch
    double seconds = 0.0;       // this epoch's training time, pauses and callbacks excluded
    double tokens_per_second = 0.0;
    double total_seconds = 0.0; // since training started, pauses excluded
};

struct StepStats {
    long long step = 0;      // 1-based over the whole run
    int epoch = 0;           // 1-based
    double loss = 0.0;       // this batch: loss_and_grad / tokens (0 when tokens = 0)
    long long tokens = 0;
    double grad_norm = 0.0;  // global gradient norm before clipping
};

struct TrainResult {
    int epochs_done = 0;  // epochs completed and reported
    bool stopped = false;
    double final_loss = 0.0;  // the last completed epoch's loss
    double seconds = 0.0;     // completed epochs' training time
    long long tokens = 0;     // completed epochs' tokens
    double tokens_per_second = 0.0;  // over the whole run
    long long steps = 0;      // optimiser steps, including those of an epoch cut short by a stop
};

struct TrainLoopOptions {
    int epochs = 1;            // passes; a pass ends when the source's next() returns false
    long long max_steps = 0;   // > 0: end after this many steps in all (the epoch it ends is
                               // reported); an endless source needs it or a TrainControl
    double clip = 1.0;         // global gradient norm limit (infinity: never clip)
    std::uint64_t seed = 0;    // the loop's Rng: batch order or generation, and dropout
};

struct TrainCallbacks {
    std::function<void(const EpochStats&)> on_epoch;  // after every completed epoch
    std::function<void(const StepStats&)> on_step;    // after every optimiser step (optional)
};

// A batch source:
//   void start_epoch(Rng& rng);   e.g. shuffle the order of the examples
//   bool next(Rng& rng);          prepare the next batch; false: the epoch is over
//   const Batch& batch() const;   the batch next() prepared (what loss_and_grad takes)
//   long long tokens() const;     what the batch's summed loss is normalised by
template <class Src>
concept BatchSource = requires(Src& s, const Src& cs, Rng& rng) {
    s.start_epoch(rng);
    { s.next(rng) } -> std::convertible_to<bool>;
    cs.batch();
    { cs.tokens() } -> std::convertible_to<long long>;
};

template <class O>
concept Optimizer = requires(O& o) {
    o.zero_grad();
    o.step();
};

// A model trainable on Src's batches: clip_grad_norm must accept its parameters().
template <class M, class Src>
concept TrainableOn = BatchSource<Src> && requires(M& m, const Src& s, Rng* rng) {
    { m.loss_and_grad(s.batch(), rng) } -> std::convertible_to<double>;
    { clip_grad_norm(m.parameters(), 1.0) } -> std::convertible_to<double>;
};

// The order of `count` examples, reshuffled every epoch and cut into batches of `batch_size`
// (the last one smaller, as PyTorch's DataLoader with drop_last=False). The shuffle is
// Fisher–Yates on the previous epoch's order: for i = count … 2, swap(order[i−1],
// order[rng.below(i)]). A source over indexed examples keeps one and copies rows() out.
class ShuffledBatches {
public:
    // Throws std::invalid_argument unless count ≥ 1 and batch_size ≥ 1.
    ShuffledBatches(int count, int batch_size);
    void start_epoch(Rng& rng);  // shuffle, rewind
    bool next();                 // advance to the next batch; false when the epoch is over
    std::span<const int> rows() const;  // the current batch's example indices (≤ batch_size)
    int count() const { return static_cast<int>(order_.size()); }
    int batch_size() const { return batch_size_; }

private:
    std::vector<int> order_;
    int batch_size_ = 1;
    int first_ = 0;  // the current batch is order_[first_, first_ + size_)
    int size_ = 0;
};

// The loop's stages, type-erased: train_loop() below wires a model, a source and an optimiser
// into them; the loop itself (timing, control, statistics, callbacks) is compiled once.
struct StepOutcome {
    double loss = 0.0;       // what loss_and_grad returned
    long long tokens = 0;    // the source's tokens() for the batch
    double grad_norm = 0.0;  // before clipping
};
struct LoopStages {
    std::function<void(Rng&)> start_epoch;
    std::function<bool(Rng&)> next;
    std::function<StepOutcome(Rng&)> step;  // zero_grad, loss_and_grad, clip, optimiser step
};

// Throws std::invalid_argument naming the values unless epochs ≥ 0, max_steps ≥ 0, clip > 0.
// Exceptions from the stages or callbacks propagate (the model is then partly trained).
TrainResult run_train_loop(const LoopStages& stages, const TrainLoopOptions& options, TrainControl* control = nullptr,
                           const TrainCallbacks& callbacks = {});

template <class Model, BatchSource Source, Optimizer Opt>
    requires TrainableOn<Model, Source>
TrainResult train_loop(Model& model, Source& source, Opt& optimizer, const TrainLoopOptions& options,
                       TrainControl* control = nullptr, const TrainCallbacks& callbacks = {})
{
    auto params = model.parameters();  // pointers into the model, as the optimiser holds them
    LoopStages stages;
    stages.start_epoch = [&source](Rng& rng) { source.start_epoch(rng); };
    stages.next = [&source](Rng& rng) { return static_cast<bool>(source.next(rng)); };
    stages.step = [&](Rng& rng) {
        optimizer.zero_grad();
        StepOutcome out;
        out.loss = static_cast<double>(model.loss_and_grad(source.batch(), &rng));
        out.tokens = static_cast<long long>(source.tokens());
        out.grad_norm = clip_grad_norm(params, options.clip);
        optimizer.step();
        return out;
    };
    return run_train_loop(stages, options, control, callbacks);
}

}  // namespace attnviz::nn
