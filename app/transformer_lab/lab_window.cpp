// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_window.hpp"

#include "transformer_lab/lab_curves.hpp"
#include "transformer_lab/lab_heads_view.hpp"
#include "transformer_lab/lab_runner.hpp"
#include "transformer_lab/lab_settings_form.hpp"
#include "transformer_lab/lab_timeline.hpp"

#include "lessons/publish.hpp"
#include "playground/app_settings.hpp"

#include "attnviz/core/transformer/hf_save.hpp"

#include <QCloseEvent>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <climits>
#include <exception>

namespace attnviz::transformer_lab {

using shell::durationText;

namespace {

constexpr int kStatusMs = 8000;

QString percent(double fraction) { return QObject::tr("%1 %").arg(fraction * 100.0, 0, 'f', 1); }

// The head with the highest induction score in the outcome's final metrics (layer-major).
std::pair<int, int> strongestInductionHead(const transformer::LabOutcome& o)
{
    const int heads = o.config.heads;
    int best = -1;
    for (std::size_t i = 0; i < o.metrics.size(); ++i)
        if (best < 0 || o.metrics[i].induction > o.metrics[static_cast<std::size_t>(best)].induction)
            best = static_cast<int>(i);
    if (best < 0 || heads < 1) return {-1, -1};
    return {best / heads, best % heads};
}

}  // namespace

TransformerLabWindow::TransformerLabWindow(QWidget* parent) : TransformerLabWindow(Options{}, parent) {}

TransformerLabWindow::TransformerLabWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), options_(options)
{
    settings_ = options_.settings ? std::make_unique<playground::AppSettings>(options_.settings)
                                  : std::make_unique<playground::AppSettings>();
    setWindowTitle(tr("attnviz — Transformer lab"));
    setAttribute(Qt::WA_DeleteOnClose, parent != nullptr);
    form_ = new LabSettingsForm;
    runner_ = new LabRunner(this);
    curves_ = new LabCurves;
    heads_ = new LabHeadsView;
    timeline_ = new LabTimeline;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setToolTip(tr("Optimiser steps done (the one-layer comparison's steps follow the model's)"));
    buttons_.train()->setToolTip(tr("Build a new model with these settings and train it on a background thread"));
    buttons_.pause()->setToolTip(tr("Pause training between two steps, or resume it"));
    buttons_.stop()->setToolTip(tr("Stop training after the current step; the model trained so far is kept"));
    save_ = new QPushButton(tr("Save &model…"));
    save_->setToolTip(tr("Write the trained model as a Hugging Face GPT-2 folder (config.json, model.safetensors, "
                         "tokenizer.json) that transformers loads with GPT2LMHeadModel.from_pretrained"));
    status_ = new QLabel(tr("Ready: press Train."));
    status_->setWordWrap(true);
    status_->setToolTip(tr("The step, the loss and the training throughput (tokens per second)"));
    result_ = new QLabel;
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    result_->setToolTip(tr("The finished run: final loss, probe accuracy, time and the strongest induction head"));

    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(save_);
    if (options_.openInModelRunner) {
        runner_button_ = new QPushButton(tr("Open in model ru&nner"));
        runner_button_->setToolTip(tr("Save the trained model to a temporary folder and open it in the model runner "
                                      "window: type token sequences and see every head's attention"));
        modelRow->addWidget(runner_button_);
        connect(runner_button_, &QPushButton::clicked, this, [this] { openInModelRunner(); });
    }
    modelRow->addStretch(1);
    QWidget* left = shell::trainingColumn(tr("Task and hyper-parameters"), form_, buttons_, progress_, status_, result_,
                                          modelRow);

    auto* curvesBox = new QGroupBox(tr("Loss, accuracy and what each head does"));
    auto* curvesLayout = new QVBoxLayout(curvesBox);
    curvesLayout->addWidget(curves_);
    auto* headsBox = new QGroupBox(tr("Attention on the probe sequence"));
    auto* headsLayout = new QVBoxLayout(headsBox);
    headsLayout->addWidget(heads_, 1);
    headsLayout->addWidget(timeline_);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(curvesBox);
    right->addWidget(headsBox);
    right->setStretchFactor(0, 4);
    right->setStretchFactor(1, 5);
    right->setSizes({400, 500});  // scaled to the window: the heads get a little more
    right->setChildrenCollapsible(false);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    setCentralWidget(split);
    buildMenus();

    connect(buttons_.train(), &QPushButton::clicked, this, &TransformerLabWindow::onTrainClicked);
    connect(save_, &QPushButton::clicked, this, &TransformerLabWindow::chooseAndSave);
    connect(runner_, &LabRunner::pausedChanged, this, [this](bool paused) {
        lessons::publishLabStatus(paused ? lessons::LabStatus::Paused : lessons::LabStatus::Training);
        if (paused) status_->setText(tr("Paused."));
    });
    buttons_.connectTo(runner_);  // Pause/Stop and the Pause button's text (after the lessons hear of a pause)
    connect(runner_, &LabRunner::runStarted, this, [this](LabRun run) {
        phase_ = run;
        status_->setText(run == LabRun::Main ? tr("Building the task and the model…")
                                             : tr("Now training the same configuration with one layer…"));
    });
    connect(runner_, &LabRunner::snapshotReady, this, &TransformerLabWindow::onSnapshot);
    connect(runner_, &LabRunner::stepDone, this, &TransformerLabWindow::onStep);
    connect(runner_, &LabRunner::finished, this, &TransformerLabWindow::onFinished);
    connect(runner_, &LabRunner::failed, this, &TransformerLabWindow::onFailed);
    connect(timeline_, &LabTimeline::frameShown, this, [this](const LabFrame& f) {
        heads_->showFrame(f);
        curves_->setMarker(f.snapshot->step);
        lessons::publishLabTimeline(f.snapshot);
    });
    connect(heads_, &LabHeadsView::headOpened, curves_, &LabCurves::highlightHead);
    setRunning(false);
    resize(1500, 940);
    lessons::publishLabOpen(true);
}

TransformerLabWindow::~TransformerLabWindow() { lessons::publishLabOpen(false); }

void TransformerLabWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* save = file->addAction(tr("&Save model…"), this, &TransformerLabWindow::chooseAndSave);
    save->setShortcut(QKeySequence::Save);
    save->setToolTip(save_->toolTip());
    connect(this, &TransformerLabWindow::trainingRunning, save, [this, save] { save->setEnabled(save_->isEnabled()); });
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
}

void TransformerLabWindow::closeEvent(QCloseEvent* event)
{
    // Closing while training stops the job and waits for its thread: no trainer outlives the
    // window, and the CPU is free again.
    if (runner_->isRunning()) {
        runner_->stop();
        runner_->waitForThread(ULONG_MAX);
    }
    QMainWindow::closeEvent(event);
}

bool TransformerLabWindow::isTraining() const { return runner_->isRunning(); }

void TransformerLabWindow::onTrainClicked()
{
    if (const QString problem = form_->validate(); !problem.isEmpty()) {
        status_->setText(tr("Cannot train: %1").arg(problem));
        return;
    }
    startTraining(form_->job());
}

bool TransformerLabWindow::startTraining(const LabJob& job)
{
    if (runner_->isRunning()) {
        status_->setText(tr("A training run is in progress: stop it first."));
        return false;
    }
    job_ = job;
    phase_ = LabRun::Main;
    const long long total = job.config.steps * (job.compareOneLayer ? 2 : 1);
    curves_->setTotalSteps(job.config.steps);
    curves_->clear();
    timeline_->clear();
    heads_->clear();
    progress_->setRange(0, static_cast<int>(std::min<long long>(total, INT_MAX)));
    progress_->setValue(0);
    progress_->setFormat(tr("step %v / %m"));
    result_->clear();
    status_->setText(tr("Starting…"));
    if (!runner_->start(job)) return false;
    lessons::publishLabRunStarted(job.config, job.compareOneLayer);
    setRunning(true);
    return true;
}

void TransformerLabWindow::onStep(LabRun run, long long step, double loss)
{
    const long long done = step + (run == LabRun::OneLayer ? job_.config.steps : 0);
    progress_->setValue(static_cast<int>(std::min<long long>(done, progress_->maximum())));
    if (runner_->isPaused()) return;
    const QString which = run == LabRun::Main ? tr("Step") : tr("One-layer model: step");
    status_->setText(tr("%1 %2 / %3 · loss %4").arg(which).arg(step).arg(job_.config.steps).arg(loss, 0, 'f', 4));
}

void TransformerLabWindow::onSnapshot(const LabFrame& frame)
{
    const transformer::LabSnapshot& s = *frame.snapshot;
    curves_->addSnapshot(frame.run, s);
    lessons::publishLabSnapshot(frame.snapshot, frame.run == LabRun::OneLayer);
    if (frame.run == LabRun::Main) timeline_->addFrame(frame);
    if (s.step > 0 && s.seconds > 0 && !runner_->isPaused()) {
        const double tokens = static_cast<double>(s.step) * job_.config.batch * (job_.config.ctx - 1);
        const double left = s.seconds / static_cast<double>(s.step) * static_cast<double>(job_.config.steps - s.step);
        const QString which = frame.run == LabRun::Main ? tr("Step") : tr("One-layer model: step");
        status_->setText(tr("%1 %2 / %3 · loss %4 · accuracy %5 · %6 tokens/s · %7 elapsed · about %8 left")
                             .arg(which)
                             .arg(s.step)
                             .arg(job_.config.steps)
                             .arg(s.loss, 0, 'f', 4)
                             .arg(percent(s.accuracy))
                             .arg(QLocale().toString(tokens / s.seconds, 'f', 0))
                             .arg(durationText(s.seconds), durationText(left)));
    }
}

void TransformerLabWindow::onFinished(const LabRunOutcome& outcome)
{
    outcome_ = outcome;
    const transformer::LabOutcome& o = outcome.main;
    QString text = (o.stopped ? tr("Stopped after %1 steps") : tr("Finished %1 steps")).arg(o.steps);
    text += tr(" in %1: final loss %2, probe accuracy %3, %4 tokens/s.")
                .arg(durationText(o.seconds))
                .arg(o.final_loss, 0, 'f', 4)
                .arg(percent(o.accuracy))
                .arg(QLocale().toString(o.tokens_per_second, 'f', 0));
    const auto [layer, head] = strongestInductionHead(o);
    if (o.config.task != "induction") {
        // Only the induction task has a repeat to score; open the last layer's first head.
        if (heads_->openLayer() < 0) heads_->openHead(o.config.layers - 1, 0);
    } else if (layer >= 0) {
        const double score = o.metrics[static_cast<std::size_t>(layer * o.config.heads + head)].induction;
        text += tr(" Strongest induction head: layer %1, head %2 (score %3).").arg(layer).arg(head).arg(score, 0, 'f', 2);
        if (heads_->openLayer() < 0) heads_->openHead(layer, head);
    }
    if (outcome.oneLayer)
        text += tr(" One layer, same budget: final loss %1, probe accuracy %2.")
                    .arg(outcome.oneLayer->final_loss, 0, 'f', 4)
                    .arg(percent(outcome.oneLayer->accuracy));
    result_->setText(text);
    lessons::publishLabStatus(lessons::LabStatus::Done);
    status_->setText(o.model ? tr("Done. Save model… writes it as a Hugging Face folder.") : tr("Done."));
    setRunning(false);
}

void TransformerLabWindow::onFailed(const QString& message)
{
    status_->setText(tr("Training failed: %1").arg(message));
    lessons::publishLabStatus(lessons::LabStatus::Idle);
    setRunning(false);
}

void TransformerLabWindow::setRunning(bool running)
{
    buttons_.setRunning(running);
    form_->setEnabled(!running);
    save_->setEnabled(!running && outcome_ && outcome_->main.model);
    if (runner_button_) runner_button_->setEnabled(save_->isEnabled());
    emit trainingRunning(running);
}

void TransformerLabWindow::chooseAndSave()
{
    if (!save_->isEnabled()) return;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Save the model into a folder (config.json, model.safetensors, tokenizer.json)"),
        settings_->lastDirectory());
    if (dir.isEmpty()) return;
    if (saveModel(dir)) settings_->setLastDirectory(dir);
}

bool TransformerLabWindow::saveModel(const QString& directory, QString* error)
{
    if (!outcome_ || !outcome_->main.model) {
        const QString m = tr("There is no trained model to save: train one first.");
        if (error) *error = m;
        reportError(tr("Cannot save the model"), m);
        return false;
    }
    try {
        const transformer::LabOutcome& o = outcome_->main;
        transformer::save_hf_checkpoint(directory.toStdString(), *o.model, o.vocabulary, o.config);
    } catch (const std::exception& e) {
        const QString m = QString::fromUtf8(e.what());
        if (error) *error = m;
        reportError(tr("Cannot save the model"), m);
        return false;
    }
    statusBar()->showMessage(tr("Saved the model to %1.").arg(directory), kStatusMs);
    return true;
}

bool TransformerLabWindow::openInModelRunner(QString* error)
{
    if (!options_.openInModelRunner) {
        if (error) *error = tr("there is no model runner window to open the model in");
        return false;
    }
    if (!handover_) handover_ = std::make_unique<QTemporaryDir>();
    if (!handover_->isValid()) {
        const QString m = tr("Cannot make a temporary folder for the model: %1").arg(handover_->errorString());
        handover_.reset();
        if (error) *error = m;
        reportError(tr("Cannot open the model in the runner"), m);
        return false;
    }
    const QString folder = handover_->filePath(QStringLiteral("lab-model-%1").arg(++handovers_));
    if (!saveModel(folder, error)) return false;
    options_.openInModelRunner(folder);
    return true;
}

void TransformerLabWindow::reportError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, kStatusMs * 2);
    if (options_.prompts) QMessageBox::warning(this, title, message);
}

}  // namespace attnviz::transformer_lab
