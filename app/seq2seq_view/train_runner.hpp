// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one training job on its own QThread: core's seq2seq::run_train_job, the job `attnviz
// train` runs too (prepare the data, train, decode the probe sentence every few epochs, the
// held-out BLEU, the metadata). Its callbacks reach the GUI thread as copies through queued
// calls; the trainer's model is never shared while it trains. The thread, the pause / resume /
// stop control and failed() come from shell::TrainingRunnerBase.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"
#include "shell/training_runner.hpp"

namespace attnviz::seq2seq_view {

class TrainRunner : public shell::TrainingRunnerBase {
    Q_OBJECT

public:
    explicit TrainRunner(QObject* parent = nullptr);
    ~TrainRunner() override;  // stops a running job and waits for its thread

    // False (and nothing starts) while a job runs.
    bool start(const TrainJob& job);

signals:
    void prepared(attnviz::seq2seq_view::TrainPrepared info);
    void epochFinished(attnviz::seq2seq::EpochStats stats);
    void snapshotReady(attnviz::seq2seq_view::AlignmentSnapshot snapshot);
    void finished(attnviz::seq2seq_view::TrainOutcome outcome);

private:
    void run(const TrainJob& job, nn::TrainControl& control);  // on the worker thread
};

}  // namespace attnviz::seq2seq_view
