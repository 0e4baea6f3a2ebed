// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_settings_form.hpp"

#include "shell/form_fields.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace attnviz::transformer_lab {

namespace {

using Limits = transformer::LabLimits;

int clampToInt(long long v) { return static_cast<int>(std::clamp<long long>(v, INT_MIN, INT_MAX)); }

}  // namespace

LabSettingsForm::LabSettingsForm(QWidget* parent) : QWidget(parent)
{
    task_ = new QComboBox;
    task_->addItem(tr("induction (repeat a random segment)"), QStringLiteral("induction"));
    task_->addItem(tr("copy after a separator"), QStringLiteral("copy"));
    task_->addItem(tr("reverse after a separator"), QStringLiteral("reverse"));
    task_->addItem(tr("sort after a separator"), QStringLiteral("sort"));
    task_->addItem(tr("text file (characters)…"), QStringLiteral("text"));
    task_->setToolTip(tr("What the model learns to predict. induction: k random tokens, the same k again, then "
                         "random ones, k varying per sequence, so only a head that matches content finds the copy. "
                         "Choosing a task loads its documented defaults."));
    file_ = shell::pathField(tr("The text task's file: plain UTF-8 text, or sentence pairs (its English side)"));
    browse_ = shell::browseButton(tr("Choose a text file to train on, character by character"));
    layers_ = shell::spinField(1, Limits::kMaxLayers, tr("Transformer blocks (n_layer). An induction head needs two: a "
                                                         "previous-token head in layer 0 feeding one in layer 1"));
    heads_ = shell::spinField(1, Limits::kMaxHeads, tr("Attention heads per block (n_head); must divide the width"));
    embd_ = shell::spinField(1, Limits::kMaxEmbd, tr("Width of the residual stream (n_embd)"));
    ctx_ = shell::spinField(4, Limits::kMaxCtx, tr("Tokens per training sequence (n_positions)"));
    vocab_ = shell::spinField(2, Limits::kMaxVocab, tr("Random tokens t0 … t(V−1) of the generated tasks (the text task's "
                                                       "characters decide its own)"));
    batch_ = shell::spinField(1, Limits::kMaxBatch, tr("Sequences per optimiser step"));
    steps_ = shell::spinField(1, clampToInt(Limits::kMaxSteps), tr("Optimiser steps to train"));
    lr_ = shell::doubleSpinField(0.000001, 1.0, 6, 0.0005, tr("AdamW's peak learning rate"));
    warmup_ = shell::spinField(0, clampToInt(Limits::kMaxSteps), tr("Steps of linear warm-up to the learning rate"));
    decay_ = shell::doubleSpinField(0.0, 10.0, 3, 0.01, tr("AdamW's decoupled weight decay (matrices and embeddings only)"));
    initStd_ = shell::doubleSpinField(0.0, 10.0, 3, 0.01, tr("Standard deviation of the initial weights and embeddings (GPT-2: 0.02); "
                                                             "a larger scale can shorten the plateau before an induction head forms"));
    seed_ = shell::spinField(0, INT_MAX, tr("Seed of the initialisation and the training batches: the same seed gives the same run"));
    snapshot_ = shell::spinField(1, 1000000, tr("Measure the probe sequences every this many steps: one point on the curves "
                                                "and one frame of the timeline"));
    compare_ = new QCheckBox(tr("Compare with a &1-layer model"));
    compare_->setToolTip(tr("After this run, train the same configuration with one layer and draw its loss and "
                            "accuracy (dashed) on the same plots: without a second layer no induction head can form"));

    QGridLayout* grid = shell::formGrid(this);
    auto add = [grid](int row, int col, const QString& label, QWidget* w) {
        shell::addFormField(grid, row, col, label, w);
    };
    auto* taskLabel = new QLabel(tr("T&ask"));
    taskLabel->setBuddy(task_);
    grid->addWidget(taskLabel, 0, 0);
    grid->addWidget(task_, 0, 1, 1, 3);
    shell::addFileRow(grid, 1, file_, browse_);
    add(2, 0, tr("&Layers"), layers_);
    add(2, 1, tr("&Heads"), heads_);
    add(3, 0, tr("&Width"), embd_);
    add(3, 1, tr("&Context"), ctx_);
    add(4, 0, tr("&Vocabulary"), vocab_);
    add(4, 1, tr("&Batch"), batch_);
    add(5, 0, tr("St&eps"), steps_);
    add(5, 1, tr("Warm-&up"), warmup_);
    add(6, 0, tr("Learning &rate"), lr_);
    add(6, 1, tr("Weight deca&y"), decay_);
    add(7, 0, tr("&Init scale"), initStd_);
    add(7, 1, tr("See&d"), seed_);
    add(8, 0, tr("Snapsh&ot every"), snapshot_);
    grid->addWidget(compare_, 9, 0, 1, 4);

    connect(task_, &QComboBox::currentIndexChanged, this, &LabSettingsForm::onTaskChanged);
    connect(browse_, &QPushButton::clicked, this, &LabSettingsForm::chooseFile);
    setJob(LabJob{transformer::default_config("induction"), false});
}

void LabSettingsForm::onTaskChanged()
{
    // A task's documented defaults (its tuned sizes and schedule); the seed, the file and the
    // comparison stay as the user set them.
    const LabJob now = job();
    LabJob next{transformer::default_config(task_->currentData().toString().toStdString()), now.compareOneLayer};
    if (next.config.task == "text" || now.config.task == "text") next.config.text_file = now.config.text_file;
    next.config.task = task_->currentData().toString().toStdString();
    next.config.seed = now.config.seed;
    setJob(next);
}

void LabSettingsForm::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Text to train on"), file_->text(),
                                                      tr("Text (*.txt *.md *.tsv);;All files (*)"));
    if (path.isEmpty()) return;
    file_->setText(path);
    task_->setCurrentIndex(task_->findData(QStringLiteral("text")));
}

LabJob LabSettingsForm::job() const
{
    LabJob j;
    transformer::LabConfig& c = j.config;
    c = base_;
    c.task = task_->currentData().toString().toStdString();
    c.text_file = file_->text().toStdString();
    c.layers = layers_->value();
    c.heads = heads_->value();
    c.embd = embd_->value();
    c.ctx = ctx_->value();
    c.vocab = vocab_->value();
    c.batch = batch_->value();
    c.steps = steps_->value();
    c.lr = lr_->value();
    c.warmup = warmup_->value();
    c.weight_decay = decay_->value();
    c.init_std = initStd_->value();
    c.seed = static_cast<std::uint64_t>(seed_->value());
    c.snapshot_every = snapshot_->value();
    j.compareOneLayer = compare_->isChecked();
    return j;
}

void LabSettingsForm::setJob(const LabJob& j)
{
    const transformer::LabConfig& c = j.config;
    base_ = c;
    {
        const QSignalBlocker block(task_);
        task_->setCurrentIndex(std::max(0, task_->findData(QString::fromStdString(c.task))));
    }
    const bool text = c.task == "text";
    file_->setText(QString::fromStdString(c.text_file));
    file_->setEnabled(text);
    vocab_->setEnabled(!text);
    layers_->setValue(c.layers);
    heads_->setValue(c.heads);
    embd_->setValue(c.embd);
    ctx_->setValue(c.ctx);
    vocab_->setValue(c.vocab);
    batch_->setValue(c.batch);
    steps_->setValue(clampToInt(c.steps));
    lr_->setValue(c.lr);
    warmup_->setValue(clampToInt(c.warmup));
    decay_->setValue(c.weight_decay);
    initStd_->setValue(c.init_std);
    seed_->setValue(static_cast<int>(std::min<std::uint64_t>(c.seed, INT_MAX)));
    snapshot_->setValue(clampToInt(std::max<long long>(1, c.snapshot_every)));
    compare_->setChecked(j.compareOneLayer);
}

QString LabSettingsForm::validate() const
{
    const LabJob j = job();
    if (j.config.task == "text") {
        if (j.config.text_file.empty()) return tr("Choose a text file first (Browse…).");
        if (!QFileInfo(file_->text()).isReadable()) return tr("Cannot read %1.").arg(file_->text());
    }
    try {
        transformer::check_lab_config(j.config);
    } catch (const std::invalid_argument& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace attnviz::transformer_lab
