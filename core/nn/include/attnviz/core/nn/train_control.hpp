// SPDX-License-Identifier: GPL-3.0-or-later
// Pause, resume and stop for a training loop running on another thread (or driven by its own
// epoch callback). The trainer checks it between batches.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace attnviz::nn {

class TrainControl {
public:
    void pause();
    void resume();
    void stop();  // also releases a paused trainer
    bool paused() const { return state_.load() == kPaused; }
    bool stopped() const { return state_.load() == kStopped; }
    // Blocks while paused; returns false when stopped.
    bool wait_while_paused();

private:
    enum { kRunning, kPaused, kStopped };
    std::atomic<int> state_{kRunning};
    std::mutex mutex_;
    std::condition_variable cv_;
};

}  // namespace attnviz::nn
