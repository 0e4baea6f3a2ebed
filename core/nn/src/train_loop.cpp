// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/train_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

ShuffledBatches::ShuffledBatches(int count, int batch_size) : batch_size_(batch_size)
{
    if (count < 1 || batch_size < 1)
        throw std::invalid_argument("ShuffledBatches: need count ≥ 1 and batch_size ≥ 1 (got " +
                                    std::to_string(count) + ", " + std::to_string(batch_size) + ")");
    order_.resize(static_cast<std::size_t>(count));
    std::iota(order_.begin(), order_.end(), 0);
}

void ShuffledBatches::start_epoch(Rng& rng)
{
    for (int i = count(); i > 1; --i)
        std::swap(order_[static_cast<std::size_t>(i - 1)], order_[rng.below(static_cast<std::uint64_t>(i))]);
    first_ = 0;
    size_ = 0;
}

bool ShuffledBatches::next()
{
    first_ += size_;
    if (first_ >= count()) {
        size_ = 0;
        return false;
    }
    size_ = std::min(batch_size_, count() - first_);
    return true;
}

std::span<const int> ShuffledBatches::rows() const
{
    return std::span<const int>(order_).subspan(static_cast<std::size_t>(first_), static_cast<std::size_t>(size_));
}

TrainResult run_train_loop(const LoopStages& stages, const TrainLoopOptions& o, TrainControl* control,
                           const TrainCallbacks& callbacks)
{
    using Clock = std::chrono::steady_clock;
    if (o.epochs < 0 || o.max_steps < 0 || !(o.clip > 0))
        throw std::invalid_argument("train_loop: need epochs ≥ 0, max_steps ≥ 0, clip > 0 (got " +
                                    std::to_string(o.epochs) + ", " + std::to_string(o.max_steps) + ", " +
                                    std::to_string(o.clip) + ")");
    if (!stages.start_epoch || !stages.next || !stages.step)
        throw std::invalid_argument("train_loop: a stage (start_epoch, next, step) is missing");
    Rng rng(o.seed);
    TrainResult result;
    const auto step_limit_reached = [&] { return o.max_steps > 0 && result.steps >= o.max_steps; };
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        const auto start = Clock::now();
        stages.start_epoch(rng);
        double loss_sum = 0.0;
        long long tokens = 0;
        double paused_seconds = 0.0;
        while (stages.next(rng)) {
            const StepOutcome out = stages.step(rng);
            loss_sum += out.loss;
            tokens += out.tokens;
            ++result.steps;
            if (callbacks.on_step) {
                StepStats s;
                s.step = result.steps;
                s.epoch = epoch;
                s.loss = out.tokens ? out.loss / static_cast<double>(out.tokens) : 0.0;
                s.tokens = out.tokens;
                s.grad_norm = out.grad_norm;
                callbacks.on_step(s);
            }
            if (control) {
                if (control->paused()) {
                    const auto p0 = Clock::now();
                    const bool go_on = control->wait_while_paused();
                    paused_seconds += std::chrono::duration<double>(Clock::now() - p0).count();
                    if (!go_on) break;
                }
                if (control->stopped()) break;
            }
            if (step_limit_reached()) break;
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
        if (callbacks.on_epoch) {
            EpochStats s;
            s.epoch = epoch;
            s.epochs = o.epochs;
            s.loss = result.final_loss;
            s.token_loss = result.final_loss;
            s.tokens = tokens;
            s.seconds = seconds;
            s.tokens_per_second = seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0;
            s.total_seconds = result.seconds;
            callbacks.on_epoch(s);
        }
        // The callback may have paused or stopped the run (the GUI, a test).
        if (control && (control->paused() || control->stopped())) {
            if (!control->wait_while_paused()) {
                result.stopped = true;
                break;
            }
        }
        if (step_limit_reached()) break;
    }
    result.tokens_per_second = result.seconds > 0 ? static_cast<double>(result.tokens) / result.seconds : 0.0;
    return result;
}

}  // namespace attnviz::nn
