// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/training_runner.hpp"

#include "attnviz/core/nn/train_control.hpp"

#include <QThread>

#include <exception>

namespace attnviz::shell {

TrainingRunnerBase::TrainingRunnerBase(QObject* parent) : QObject(parent) {}

TrainingRunnerBase::~TrainingRunnerBase() { stopAndWait(); }

void TrainingRunnerBase::stopAndWait()
{
    if (control_) control_->stop();
    if (thread_) thread_->wait();
}

bool TrainingRunnerBase::isPaused() const { return control_ && control_->paused(); }

bool TrainingRunnerBase::startThread(Work work)
{
    if (running_) return false;
    if (thread_) thread_->wait();  // the previous job's thread is ending: let it go first
    control_ = std::make_shared<nn::TrainControl>();
    running_ = true;
    // The thread holds its own reference to the control: the next start() replaces control_
    // while this thread may still be ending.
    thread_ = QThread::create([this, work = std::move(work), control = control_] {
        try {
            work(*control);
        } catch (const std::exception& e) {
            post([this, message = QString::fromUtf8(e.what())] {
                endRun();
                emit failed(message);
            });
        }
    });
    connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
    thread_->start(QThread::LowPriority);  // keep the GUI responsive on small machines
    return true;
}

void TrainingRunnerBase::pause()
{
    // No pause once stopping: the run is ending, and its Pause button must not read "Resume".
    if (!running_ || !control_ || control_->paused() || control_->stopped()) return;
    control_->pause();
    emit pausedChanged(true);
}

void TrainingRunnerBase::resume()
{
    if (!control_ || !control_->paused()) return;
    control_->resume();
    emit pausedChanged(false);
}

void TrainingRunnerBase::stop()
{
    const bool wasPaused = isPaused();
    if (control_) control_->stop();  // also releases a paused trainer
    if (wasPaused) emit pausedChanged(false);  // a paused run that is stopped is no longer paused
}

bool TrainingRunnerBase::waitForThread(unsigned long ms) { return !thread_ || thread_->wait(ms); }

}  // namespace attnviz::shell
