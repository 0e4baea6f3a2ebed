// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one training job on its own QThread: core's seq2seq::run_train_job, the job `attnviz
// train` runs too (prepare the data, train, decode the probe sentence every few epochs, the
// held-out BLEU, the metadata). Its callbacks reach the GUI thread as copies through queued
// calls; the trainer's model is never shared while it trains. Pause, resume and stop go through
// a thread-safe nn::TrainControl.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include <QObject>
#include <QPointer>

#include <memory>

class QThread;

namespace attnviz::nn {
class TrainControl;
}

namespace attnviz::seq2seq_view {

class TrainRunner : public QObject {
    Q_OBJECT

public:
    explicit TrainRunner(QObject* parent = nullptr);
    ~TrainRunner() override;  // stops a running job and waits for its thread

    // False (and nothing starts) while a job runs.
    bool start(const TrainJob& job);
    void pause();
    void resume();
    void stop();
    bool isRunning() const { return running_; }
    bool isPaused() const;
    // Blocks the calling (GUI) thread until the job's thread ends; the final signals are still
    // queued afterwards (process events to receive them). For the screenshot mode.
    bool waitForThread(unsigned long ms);

signals:
    void prepared(attnviz::seq2seq_view::TrainPrepared info);
    void epochFinished(attnviz::seq2seq::EpochStats stats);
    void snapshotReady(attnviz::seq2seq_view::AlignmentSnapshot snapshot);
    void finished(attnviz::seq2seq_view::TrainOutcome outcome);
    // Bad data or a failure: one readable line. The current model is untouched.
    void failed(QString message);
    void pausedChanged(bool paused);

private:
    void run(TrainJob job, std::shared_ptr<nn::TrainControl> control);  // on the worker thread

    QPointer<QThread> thread_;
    std::shared_ptr<nn::TrainControl> control_;
    bool running_ = false;
};

}  // namespace attnviz::seq2seq_view
