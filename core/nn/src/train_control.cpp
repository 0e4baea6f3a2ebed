// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/train_control.hpp"

namespace attnviz::nn {

void TrainControl::pause()
{
    int expected = kRunning;
    state_.compare_exchange_strong(expected, kPaused);
}

void TrainControl::resume()
{
    {
        std::lock_guard lock(mutex_);
        int expected = kPaused;
        state_.compare_exchange_strong(expected, kRunning);
    }
    cv_.notify_all();
}

void TrainControl::stop()
{
    {
        std::lock_guard lock(mutex_);
        state_.store(kStopped);
    }
    cv_.notify_all();
}

bool TrainControl::wait_while_paused()
{
    if (state_.load() == kRunning) return true;
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return state_.load() != kPaused; });
    return state_.load() != kStopped;
}

}  // namespace attnviz::nn
