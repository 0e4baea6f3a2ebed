// SPDX-License-Identifier: GPL-3.0-or-later
// Plain data that travels between the seq2seq window's parts: the current model (shared,
// immutable once published), a training job's settings, and what the training thread reports.
// Everything here is copied into queued signals, so the GUI never touches the trainer's buffers.
#pragma once

#include "attnviz/core/seq2seq/model_io.hpp"
#include "attnviz/core/seq2seq/train_job.hpp"
#include "attnviz/core/seq2seq/trainer.hpp"
#include "attnviz/core/tensor.hpp"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace attnviz::seq2seq_view {

// The model the window translates with. Immutable once published: training builds a new one and
// swaps the pointer, so a decode in progress keeps the model it started with.
using Seq2SeqModelPtr = std::shared_ptr<const seq2seq::LoadedModel>;

// Character-level models (the `dates` dataset, metadata "dataset" = "dates") read one token per
// character; the window spells sentences out for them and joins their output back.
bool isCharacterModel(const seq2seq::LoadedModel& model);
// The sentence as the model's tokenizer wants it (spelled out for character models).
std::string modelInput(const seq2seq::LoadedModel& model, const QString& sentence);
std::string modelInput(bool characterLevel, const QString& sentence);
// Output tokens as text: joined by spaces, or concatenated for character models.
QString outputText(const seq2seq::LoadedModel& model, const seq2seq::TokenList& tokens);
// Tokens as a QStringList (UTF-8).
QStringList toQStrings(const seq2seq::TokenList& tokens);
// One line describing the model: "toy-fr · vocab 45 → 67 · embed 32, hidden 32, 2 layers · 10 steps".
QString describeModel(const seq2seq::LoadedModel& model);

// What the Train button starts: core's seq2seq::TrainJob (one job for the window and
// `attnviz train`) in the form's terms, Qt strings and camelCase; toCoreJob/fromCoreJob convert.
struct TrainJob {
    QString dataset = QStringLiteral("toy-fr");  // dates | toy-fr | reverse | file
    QString file;                                 // the tab-separated file when dataset == "file"
    int examples = 2000;    // generated pairs, or a file's first lines as d2l reads them (N + 1)
    int numSteps = 10;      // padded sequence length
    seq2seq::ModelConfig config;     // embed, hidden, layers, dropout (vocab sizes from the data)
    seq2seq::TrainOptions options;   // epochs, batch, lr, clip, seed
    double heldOut = 0.1;   // fraction kept out of training for BLEU
    QString probe;          // translated every `snapshotEvery` epochs; empty = no snapshots
    int snapshotEvery = 1;  // below 1 counts as 1
};

seq2seq::TrainJob toCoreJob(const TrainJob& job);  // the probe trimmed
TrainJob fromCoreJob(const seq2seq::TrainJob& job);
// The dataset's defaults, the same as `attnviz train` uses (seq2seq::default_train_job).
TrainJob defaultTrainJob(const QString& dataset);
// max(1, epochs / 50): about 50 snapshots per run, whatever its length.
int defaultSnapshotEvery(int epochs);

// The probe sentence's alignment after some epoch: weights (target steps × source tokens).
struct AlignmentSnapshot {
    int epoch = 0;
    double loss = 0.0;
    QStringList source;   // (n) as the model saw them, <eos> included
    QStringList output;   // (m) the decoded tokens, <eos> included when reached
    Matrix weights;       // (m × n)
};

struct TrainPrepared {
    int trainPairs = 0, heldOutPairs = 0, srcVocab = 0, tgtVocab = 0;
};

struct TrainOutcome {
    Seq2SeqModelPtr model;
    seq2seq::TrainResult result;
    std::optional<double> bleu;  // held-out BLEU (greedy, k = 2); none when nothing is held out
    int heldOutPairs = 0;
    double snapshotSeconds = 0.0;  // time spent decoding the probe, included in the wall time
    double wallSeconds = 0.0;      // preparation, training, snapshots and BLEU
};

}  // namespace attnviz::seq2seq_view

Q_DECLARE_METATYPE(attnviz::seq2seq_view::AlignmentSnapshot)
Q_DECLARE_METATYPE(attnviz::seq2seq_view::TrainOutcome)
Q_DECLARE_METATYPE(attnviz::seq2seq_view::TrainPrepared)
Q_DECLARE_METATYPE(attnviz::seq2seq::EpochStats)
