// SPDX-License-Identifier: GPL-3.0-or-later
// Runs one lab job on its own QThread: core's transformer::run_lab_job (the job `attnviz
// train-transformer` runs too), then, when asked, the same configuration with one layer. Every
// snapshot reaches the GUI thread as a LabFrame (a shared immutable copy, its thumbnails already
// rendered) through a queued call; step progress arrives at most every 50 ms. The thread, the
// pause / resume / stop control and failed() come from shell::TrainingRunnerBase; the
// destructor stops the job and waits.
#pragma once

#include "shell/training_runner.hpp"
#include "transformer_lab/lab_types.hpp"

namespace attnviz::transformer_lab {

class LabRunner : public shell::TrainingRunnerBase {
    Q_OBJECT

public:
    explicit LabRunner(QObject* parent = nullptr);
    ~LabRunner() override;

    // False (and nothing starts) while a job runs.
    bool start(const LabJob& job);

signals:
    // `run` starts training (the main model, then the one-layer comparison).
    void runStarted(attnviz::transformer_lab::LabRun run);
    void snapshotReady(attnviz::transformer_lab::LabFrame frame);
    void stepDone(attnviz::transformer_lab::LabRun run, long long step, double loss);
    void finished(attnviz::transformer_lab::LabRunOutcome outcome);

private:
    void run(const LabJob& job, nn::TrainControl& control);  // on the worker thread
};

}  // namespace attnviz::transformer_lab

Q_DECLARE_METATYPE(attnviz::transformer_lab::LabRun)
