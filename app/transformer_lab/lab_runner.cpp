// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_runner.hpp"

#include "attnviz/core/nn/train_control.hpp"

#include <chrono>

namespace attnviz::transformer_lab {

LabRunner::LabRunner(QObject* parent) : TrainingRunnerBase(parent)
{
    qRegisterMetaType<LabFrame>();
    qRegisterMetaType<LabRunOutcome>();
    qRegisterMetaType<LabRun>();
}

LabRunner::~LabRunner() { stopAndWait(); }

bool LabRunner::start(const LabJob& job)
{
    return startThread([this, job](nn::TrainControl& control) { run(job, control); });
}

void LabRunner::run(const LabJob& job, nn::TrainControl& control)
{
    using Clock = std::chrono::steady_clock;
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
        return transformer::run_lab_job(config, control, callbacks);
    };
    LabRunOutcome outcome;
    outcome.main = train(LabRun::Main, job.config);
    if (job.compareOneLayer && !outcome.main.stopped && !control.stopped()) {
        transformer::LabOutcome one = train(LabRun::OneLayer, oneLayerConfig(job.config));
        one.model.reset();  // only its curves and numbers are shown
        if (!one.stopped) outcome.oneLayer = std::move(one);
    }
    post([this, outcome] {
        endRun();
        emit finished(outcome);
    });
}

}  // namespace attnviz::transformer_lab
