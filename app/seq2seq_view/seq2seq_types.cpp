// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/seq2seq_types.hpp"

#include "attnviz/core/seq2seq/whatif.hpp"

#include <QObject>

#include <algorithm>

namespace attnviz::seq2seq_view {

bool isCharacterModel(const seq2seq::LoadedModel& model)
{
    const auto it = model.metadata.find("dataset");
    return it != model.metadata.end() && it->second == "dates";
}

std::string modelInput(const seq2seq::LoadedModel& model, const QString& sentence)
{
    return modelInput(isCharacterModel(model), sentence);
}

std::string modelInput(bool characterLevel, const QString& sentence)
{
    const std::string s = sentence.trimmed().toStdString();
    return characterLevel ? seq2seq::spell_characters(s) : s;
}

QString outputText(const seq2seq::LoadedModel& model, const seq2seq::TokenList& tokens)
{
    if (isCharacterModel(model)) return QString::fromStdString(seq2seq::join_characters(tokens));
    return toQStrings(tokens).join(QLatin1Char(' '));
}

QStringList toQStrings(const seq2seq::TokenList& tokens)
{
    QStringList out;
    out.reserve(static_cast<qsizetype>(tokens.size()));
    for (const auto& t : tokens) out << QString::fromStdString(t);
    return out;
}

QString describeModel(const seq2seq::LoadedModel& model)
{
    const auto it = model.metadata.find("dataset");
    const QString name = it != model.metadata.end() ? QString::fromStdString(it->second) : QObject::tr("model");
    const auto& c = model.model.config();
    return QObject::tr("%1 · vocabulary %2 → %3 · embed %4, hidden %5, %6 layer(s) · %7 steps")
        .arg(name)
        .arg(model.src_vocab.size())
        .arg(model.tgt_vocab.size())
        .arg(c.embed)
        .arg(c.hidden)
        .arg(c.layers)
        .arg(model.num_steps);
}

seq2seq::TrainJob toCoreJob(const TrainJob& job)
{
    seq2seq::TrainJob c;
    c.dataset = job.dataset.toStdString();
    c.file = job.file.toStdString();
    c.examples = job.examples;
    c.num_steps = job.numSteps;
    c.config = job.config;
    c.options = job.options;
    c.held_out = job.heldOut;
    c.probe = job.probe.trimmed().toStdString();
    c.snapshot_every = std::max(1, job.snapshotEvery);
    return c;
}

TrainJob fromCoreJob(const seq2seq::TrainJob& c)
{
    TrainJob job;
    job.dataset = QString::fromStdString(c.dataset);
    job.file = QString::fromStdString(c.file);
    job.examples = c.examples;
    job.numSteps = c.num_steps;
    job.config = c.config;
    job.options = c.options;
    job.heldOut = c.held_out;
    job.probe = QString::fromStdString(c.probe);
    job.snapshotEvery = c.snapshot_every;
    return job;
}

TrainJob defaultTrainJob(const QString& dataset) { return fromCoreJob(seq2seq::default_train_job(dataset.toStdString())); }

int defaultSnapshotEvery(int epochs) { return seq2seq::default_snapshot_every(epochs); }

}  // namespace attnviz::seq2seq_view
