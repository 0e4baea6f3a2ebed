// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/train_runner.hpp"

#include "attnviz/core/nn/train_control.hpp"
#include "attnviz/core/seq2seq/train_job.hpp"

namespace attnviz::seq2seq_view {

namespace {

// The probe's alignment: rows = decoder steps (m), columns = source tokens (n).
AlignmentSnapshot snapshotOf(const seq2seq::Translation& t, int epoch, double loss)
{
    AlignmentSnapshot s;
    s.epoch = epoch;
    s.loss = loss;
    s.source = toQStrings(t.source_tokens);
    const auto m = static_cast<Eigen::Index>(t.steps.size());
    const auto n = static_cast<Eigen::Index>(t.source_tokens.size());
    s.weights = Matrix::Zero(m, n);
    for (Eigen::Index i = 0; i < m; ++i) {
        const auto& step = t.steps[static_cast<std::size_t>(i)];
        s.output << QString::fromStdString(step.text);
        for (Eigen::Index j = 0; j < n && j < static_cast<Eigen::Index>(step.attention.size()); ++j)
            s.weights(i, j) = step.attention[static_cast<std::size_t>(j)];
    }
    return s;
}

}  // namespace

TrainRunner::TrainRunner(QObject* parent) : TrainingRunnerBase(parent)
{
    qRegisterMetaType<AlignmentSnapshot>();
    qRegisterMetaType<TrainOutcome>();
    qRegisterMetaType<TrainPrepared>();
    qRegisterMetaType<seq2seq::EpochStats>();
}

TrainRunner::~TrainRunner() { stopAndWait(); }

bool TrainRunner::start(const TrainJob& job)
{
    return startThread([this, job](nn::TrainControl& control) { run(job, control); });
}

void TrainRunner::run(const TrainJob& job, nn::TrainControl& control)
{
    // Bad data (a file that cannot be read, no pairs), bad options or a diverged loss throw:
    // the base turns that into failed().
    seq2seq::TrainJobCallbacks callbacks;
    callbacks.on_prepared = [&](const seq2seq::PreparedInfo& p) {
        post([this, info = TrainPrepared{p.train_pairs, p.held_out_pairs, p.src_vocab, p.tgt_vocab}] {
            emit prepared(info);
        });
    };
    callbacks.on_epoch = [&](const seq2seq::EpochStats& s) { post([this, s] { emit epochFinished(s); }); };
    callbacks.on_snapshot = [&](const seq2seq::ProbeSnapshot& p) {
        post([this, snap = snapshotOf(p.translation, p.epoch, p.loss)] { emit snapshotReady(snap); });
    };
    seq2seq::TrainJobOutcome done = seq2seq::run_train_job(toCoreJob(job), &control, callbacks);
    TrainOutcome outcome;
    outcome.result = done.result;
    outcome.bleu = done.bleu;
    outcome.heldOutPairs = done.held_out_pairs;
    outcome.snapshotSeconds = done.snapshot_seconds;
    outcome.wallSeconds = done.wall_seconds;
    outcome.model = std::make_shared<const seq2seq::LoadedModel>(std::move(done.model));
    post([this, outcome] {
        endRun();
        emit finished(outcome);
    });
}

}  // namespace attnviz::seq2seq_view
