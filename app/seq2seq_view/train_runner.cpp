// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/train_runner.hpp"

#include "attnviz/core/seq2seq/bleu.hpp"
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/nn/train_control.hpp"

#include <QElapsedTimer>
#include <QThread>

#include <chrono>
#include <cmath>
#include <exception>

namespace attnviz::gui {

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

std::string joined(const seq2seq::TokenList& tokens)
{
    std::string s;
    for (const auto& t : tokens) s += (s.empty() ? "" : " ") + t;
    return s;
}

}  // namespace

TrainRunner::TrainRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<AlignmentSnapshot>();
    qRegisterMetaType<TrainOutcome>();
    qRegisterMetaType<TrainPrepared>();
    qRegisterMetaType<seq2seq::EpochStats>();
}

TrainRunner::~TrainRunner()
{
    if (control_) control_->stop();
    if (thread_) thread_->wait();
}

bool TrainRunner::isPaused() const { return control_ && control_->paused(); }

bool TrainRunner::start(const TrainJob& job)
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

void TrainRunner::pause()
{
    if (!running_ || !control_ || control_->paused()) return;
    control_->pause();
    emit pausedChanged(true);
}

void TrainRunner::resume()
{
    if (!control_ || !control_->paused()) return;
    control_->resume();
    emit pausedChanged(false);
}

void TrainRunner::stop()
{
    if (control_) control_->stop();  // also releases a paused trainer
}

bool TrainRunner::waitForThread(unsigned long ms) { return !thread_ || thread_->wait(ms); }

void TrainRunner::run(TrainJob job, std::shared_ptr<nn::TrainControl> control)
{
    using namespace seq2seq;
    QElapsedTimer wall;
    wall.start();
    // Every report is a copy posted to the GUI thread; `this` lives there.
    auto post = [this](auto f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); };
    auto fail = [&](const QString& message) {
        post([this, message] {
            running_ = false;
            emit failed(message);
        });
    };
    try {
        const std::string name = job.dataset.toStdString();
        const bool generated = is_generated_dataset(name);
        const SentencePairs all = generated ? generate_dataset(name, job.examples, job.options.seed)
                                            : tokenize_nmt(preprocess_nmt(read_text_file(job.file.toStdString())),
                                                           job.examples);
        if (all.size() == 0) return fail(tr("%1: no tab-separated sentence pairs").arg(job.file));
        auto [trainPairs, heldPairs] = split_pairs(all, job.heldOut, job.options.seed);
        if (trainPairs.size() == 0) return fail(tr("nothing left to train on after the held-out split"));
        TranslationData train = build_translation_data(std::move(trainPairs), job.numSteps);
        TranslationData held = encode_translation_data(std::move(heldPairs), train.src_vocab, train.tgt_vocab, job.numSteps);
        post([this, info = TrainPrepared{train.size(), held.size(), train.src_vocab.size(), train.tgt_vocab.size()}] {
            emit prepared(info);
        });

        auto model = make_d2l_model<float>(train, job.config, job.options.seed);
        // The probe as the model's tokenizer reads it: character models get it spelled out.
        const std::string probe = modelInput(name == "dates", job.probe);
        const bool probing = !job.probe.trimmed().isEmpty();
        double snapshotSeconds = 0.0;
        const int every = std::max(1, job.snapshotEvery);
        const TrainResult result = train_seq2seq(model, train, job.options, control.get(), [&](const EpochStats& s) {
            post([this, s] { emit epochFinished(s); });
            if (!probing || (s.epoch % every != 0 && s.epoch != 1 && s.epoch != s.epochs)) return;
            // Between batches on the training thread, so the weights are consistent; no copy needed.
            const auto t0 = std::chrono::steady_clock::now();
            const Translation t = translate_greedy(model, train.src_vocab, train.tgt_vocab, probe, job.numSteps);
            snapshotSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            post([this, snap = snapshotOf(t, s.epoch, s.loss)] { emit snapshotReady(snap); });
        });
        if (!std::isfinite(result.final_loss) && result.epochs_done > 0)
            return fail(tr("the loss diverged (%1): try a smaller learning rate").arg(result.final_loss));

        TrainOutcome outcome;
        outcome.result = result;
        outcome.heldOutPairs = held.size();
        if (held.size() > 0 && result.epochs_done > 0) {
            std::vector<TokenList> preds, labels;
            for (std::size_t i = 0; i < held.pairs.size(); ++i) {
                preds.push_back(translate_greedy(model, train.src_vocab, train.tgt_vocab, joined(held.pairs.source[i]),
                                                 job.numSteps).output);
                labels.push_back(held.pairs.target[i]);
            }
            outcome.bleu = corpus_bleu(preds, labels);
        }
        auto loaded = std::make_shared<LoadedModel>(LoadedModel{std::move(model), train.src_vocab, train.tgt_vocab,
                                                                job.numSteps, {}});
        loaded->metadata = {{"dataset", generated ? name : std::string("file")},
                            {"examples", std::to_string(job.examples)},
                            {"epochs", std::to_string(result.epochs_done)},
                            {"seed", std::to_string(job.options.seed)},
                            {"final_loss", std::to_string(result.final_loss)}};
        outcome.model = std::move(loaded);
        outcome.snapshotSeconds = snapshotSeconds;
        outcome.wallSeconds = static_cast<double>(wall.nsecsElapsed()) * 1e-9;
        post([this, outcome] {
            running_ = false;
            emit finished(outcome);
        });
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
}

}  // namespace attnviz::gui
