// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_runner.hpp"

#include "attnviz/core/nn/train_control.hpp"

#include <QThread>

#include <chrono>
#include <exception>

namespace attnviz::transformer_lab {

LabRunner::LabRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<LabFrame>();
    qRegisterMetaType<LabRunOutcome>();
    qRegisterMetaType<LabRun>();
}

LabRunner::~LabRunner()
{
    if (control_) control_->stop();
    if (thread_) thread_->wait();
}

bool LabRunner::isPaused() const { return control_ && control_->paused(); }

bool LabRunner::start(const LabJob& job)
{
    if (running_) return false;
    if (thread_) thread_->wait();  // the previous job's thread is ending: let it go first
    control_ = std::make_shared<nn::TrainControl>();
    running_ = true;
    auto control = control_;
    thread_ = QThread::create([this, job, control] { run(job, control); });
    connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
    thread_->start(QThread::LowPriority);  // keep the GUI responsive on small machines
    return true;
}

void LabRunner::pause()
{
    if (!running_ || !control_ || control_->paused() || control_->stopped()) return;
    control_->pause();
    emit pausedChanged(true);
}

void LabRunner::resume()
{
    if (!control_ || !control_->paused()) return;
    control_->resume();
    emit pausedChanged(false);
}

void LabRunner::stop()
{
    if (!control_) return;
    const bool wasPaused = control_->paused();
    control_->stop();  // also releases a paused trainer
    if (wasPaused) emit pausedChanged(false);
}

bool LabRunner::waitForThread(unsigned long ms) { return !thread_ || thread_->wait(ms); }

void LabRunner::run(LabJob job, std::shared_ptr<nn::TrainControl> control)
{
    // Every report is a copy posted to the GUI thread; `this` lives there.
    auto post = [this](auto f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); };
    using Clock = std::chrono::steady_clock;
    try {
        auto train = [&](LabRun which, const transformer::LabConfig& config) {
            post([this, which] { emit runStarted(which); });
            Clock::time_point lastProgress{};
            transformer::LabCallbacks callbacks;
            callbacks.on_snapshot = [&](const transformer::LabSnapshot& s) {
                post([this, frame = makeFrame(which, std::make_shared<const transformer::LabSnapshot>(s))] {
                    emit snapshotReady(frame);
                });
            };
            callbacks.on_step = [&](long long step, double loss) {
                // At most 20 progress reports a second: a tiny model does thousands of steps.
                const auto now = Clock::now();
                if (now - lastProgress < std::chrono::milliseconds(50) && step != config.steps) return;
                lastProgress = now;
                post([this, which, step, loss] { emit stepDone(which, step, loss); });
            };
            return transformer::run_lab_job(config, *control, callbacks);
        };
        LabRunOutcome outcome;
        outcome.main = train(LabRun::Main, job.config);
        if (job.compareOneLayer && !outcome.main.stopped && !control->stopped()) {
            transformer::LabOutcome one = train(LabRun::OneLayer, oneLayerConfig(job.config));
            one.model.reset();  // only its curves and numbers are shown
            if (!one.stopped) outcome.oneLayer = std::move(one);
        }
        post([this, outcome] {
            running_ = false;
            emit finished(outcome);
        });
    } catch (const std::exception& e) {
        post([this, message = QString::fromUtf8(e.what())] {
            running_ = false;
            emit failed(message);
        });
    }
}

}  // namespace attnviz::transformer_lab
