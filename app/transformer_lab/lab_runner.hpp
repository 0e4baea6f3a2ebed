// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one lab job on its own QThread: core's transformer::run_lab_job (the job `attnviz
// train-transformer` runs too), then, when asked, the same configuration with one layer. Every
// snapshot reaches the GUI thread as a LabFrame (a shared immutable copy, its thumbnails already
// rendered) through a queued call; step progress arrives at most every 50 ms. Pause, resume and
// stop go through a thread-safe nn::TrainControl; the destructor stops the job and waits.
#pragma once

#include "transformer_lab/lab_types.hpp"

#include <QObject>
#include <QPointer>

#include <memory>

class QThread;

namespace attnviz::nn {
class TrainControl;
}

namespace attnviz::transformer_lab {

class LabRunner : public QObject {
    Q_OBJECT

public:
    explicit LabRunner(QObject* parent = nullptr);
    ~LabRunner() override;

    // False (and nothing starts) while a job runs.
    bool start(const LabJob& job);
    void pause();
    void resume();
    void stop();
    bool isRunning() const { return running_; }
    bool isPaused() const;
    // Blocks the calling (GUI) thread until the job's thread ends; the final signals are still
    // queued afterwards (process events to receive them).
    bool waitForThread(unsigned long ms);

signals:
    // `run` starts training (the main model, then the one-layer comparison).
    void runStarted(attnviz::transformer_lab::LabRun run);
    void snapshotReady(attnviz::transformer_lab::LabFrame frame);
    void stepDone(attnviz::transformer_lab::LabRun run, long long step, double loss);
    void finished(attnviz::transformer_lab::LabRunOutcome outcome);
    // A bad configuration, an unreadable text file, a diverged loss: one readable line.
    void failed(QString message);
    void pausedChanged(bool paused);

private:
    void run(LabJob job, std::shared_ptr<nn::TrainControl> control);  // on the worker thread

    QPointer<QThread> thread_;
    std::shared_ptr<nn::TrainControl> control_;
    bool running_ = false;
};

}  // namespace attnviz::transformer_lab

Q_DECLARE_METATYPE(attnviz::transformer_lab::LabRun)
