// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/train_panel.hpp"

#include "seq2seq_view/snapshot_timeline.hpp"
#include "seq2seq_view/train_runner.hpp"
#include "seq2seq_view/train_settings_form.hpp"

#include "lessons/publish.hpp"

#include "attnviz/widgets/seq2seq_loss_curve_widget.hpp"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>


namespace attnviz::seq2seq_view {

using shell::durationText;

TrainPanel::TrainPanel(QWidget* parent) : QWidget(parent)
{
    form_ = new TrainSettingsForm;
    runner_ = new TrainRunner(this);
    curve_ = new widgets::LossCurveWidget;
    timeline_ = new SnapshotTimeline;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(tr("epoch %v / %m"));
    progress_->setToolTip(tr("Epochs done out of the epochs asked for"));
    buttons_.train()->setToolTip(tr("Train a new model with these settings on a background thread; when it "
                                    "finishes it becomes the model the Translate tab uses"));
    buttons_.pause()->setToolTip(tr("Pause training between two batches, or resume it"));
    buttons_.stop()->setToolTip(tr("Stop training after the current batch; the model trained so far is kept"));
    status_ = new QLabel(tr("Ready."));
    status_->setWordWrap(true);
    status_->setToolTip(tr("Throughput (target tokens per second, as the d2l book counts them) and the "
                           "estimated time left"));
    result_ = new QLabel;
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    result_->setToolTip(tr("The finished run: final loss and BLEU on the held-out pairs (greedy decoding, k = 2)"));

    QWidget* left = shell::trainingColumn(tr("Data and hyper-parameters"), form_, buttons_, progress_, status_, result_);

    auto* curveBox = new QGroupBox(tr("Loss"));
    auto* curveLayout = new QVBoxLayout(curveBox);
    curveLayout->addWidget(curve_);
    auto* snapBox = new QGroupBox(tr("Alignment of the probe sentence"));
    auto* snapLayout = new QVBoxLayout(snapBox);
    snapLayout->addWidget(timeline_);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(curveBox);
    right->addWidget(snapBox);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(split);

    connect(buttons_.train(), &QPushButton::clicked, this, [this] {
        if (const QString problem = form_->validate(); !problem.isEmpty()) {
            status_->setText(problem);
            return;
        }
        startTraining(form_->job());
    });
    buttons_.connectTo(runner_);
    connect(runner_, &TrainRunner::pausedChanged, this, [this](bool paused) {
        if (paused) status_->setText(tr("Paused."));
    });
    connect(runner_, &TrainRunner::prepared, this, [this](const TrainPrepared& p) {
        status_->setText(tr("Training on %1 pairs (%2 held out), vocabularies %3 → %4…")
                             .arg(p.trainPairs).arg(p.heldOutPairs).arg(p.srcVocab).arg(p.tgtVocab));
    });
    connect(runner_, &TrainRunner::epochFinished, this, &TrainPanel::onEpoch);
    connect(runner_, &TrainRunner::snapshotReady, timeline_, &SnapshotTimeline::addSnapshot);
    connect(runner_, &TrainRunner::finished, this, &TrainPanel::onFinished);
    connect(runner_, &TrainRunner::failed, this, &TrainPanel::onFailed);
    setRunning(false);
}

TrainPanel::~TrainPanel() = default;

bool TrainPanel::isTraining() const { return runner_->isRunning(); }

bool TrainPanel::startTraining(const TrainJob& job)
{
    if (runner_->isRunning()) {
        status_->setText(tr("A training run is in progress: stop it first."));
        return false;
    }
    curve_->setTotalEpochs(job.options.epochs);
    curve_->clear();
    timeline_->clear();
    progress_->setRange(0, job.options.epochs);
    progress_->setValue(0);
    result_->clear();
    dataset_ = job.dataset == QLatin1String("file") ? job.file : job.dataset;
    status_->setText(tr("Preparing the data…"));
    if (!runner_->start(job)) return false;
    setRunning(true);
    lessons::publishSeq2seqTraining(true, job.options.epochs);
    return true;
}

void TrainPanel::onEpoch(const seq2seq::EpochStats& s)
{
    curve_->addPoint(s.epoch, s.loss);
    lessons::publishSeq2seqEpoch(s.epoch, s.loss);
    progress_->setValue(s.epoch);
    const double eta = s.epoch > 0 ? s.total_seconds / s.epoch * (s.epochs - s.epoch) : 0.0;
    if (!runner_->isPaused())
        status_->setText(tr("Epoch %1/%2 · loss %3 · %4 tokens/s · %5 elapsed · about %6 left")
                             .arg(s.epoch).arg(s.epochs).arg(s.loss, 0, 'f', 4)
                             .arg(QLocale().toString(s.tokens_per_second, 'f', 0))
                             .arg(durationText(s.total_seconds), durationText(eta)));
}

void TrainPanel::onFinished(const TrainOutcome& outcome)
{
    outcome_ = outcome;
    lessons::publishSeq2seqBleu(outcome.bleu);
    setRunning(false);
    const auto& r = outcome.result;
    const QString bleu = outcome.bleu ? tr("held-out BLEU %1 (%2 pairs)").arg(*outcome.bleu, 0, 'f', 3).arg(outcome.heldOutPairs)
                                      : tr("no held-out pairs, no BLEU");
    const QString how = r.stopped ? tr("Stopped after %1 epoch(s)").arg(r.epochs_done) : tr("Finished %1 epochs").arg(r.epochs_done);
    result_->setText(tr("%1 in %2: final loss %3, %4 tokens/s, %5. The Translate tab now uses this model.")
                         .arg(how, durationText(r.seconds)).arg(r.final_loss, 0, 'f', 4)
                         .arg(QLocale().toString(r.tokens_per_second, 'f', 0), bleu));
    status_->setText(tr("Done in %1 s; decoding the probe for the snapshots took %2 ms of it.")
                         .arg(outcome.wallSeconds, 0, 'f', 1).arg(outcome.snapshotSeconds * 1000.0, 0, 'f', 1));
    if (r.epochs_done > 0 && outcome.model)
        emit modelTrained(outcome.model, tr("trained on %1, %2 epochs").arg(dataset_).arg(r.epochs_done));
}

void TrainPanel::onFailed(const QString& message)
{
    setRunning(false);
    status_->setText(tr("Training failed: %1").arg(message));
}

void TrainPanel::setRunning(bool running)
{
    buttons_.setRunning(running);
    form_->setEnabled(!running);
    if (!running) lessons::publishSeq2seqTraining(false, 0);
    emit trainingRunning(running);
}

}  // namespace attnviz::seq2seq_view
