// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/seq2seq_types.hpp"

#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/whatif.hpp"

#include <QObject>

#include <algorithm>

namespace attnviz::gui {

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

TrainJob defaultTrainJob(const QString& dataset)
{
    TrainJob job;
    job.dataset = dataset;
    const bool generated = seq2seq::is_generated_dataset(dataset.toStdString());
    job.numSteps = generated ? seq2seq::generated_dataset_num_steps(dataset.toStdString()) : 10;
    job.options.epochs = !generated ? 250 : dataset == QLatin1String("dates") ? 30 : 40;
    job.examples = !generated ? 600 : dataset == QLatin1String("dates") ? 4000 : 2000;
    if (dataset == QLatin1String("dates")) job.probe = QStringLiteral("tuesday, march 3, 2021");
    else if (dataset == QLatin1String("toy-fr")) job.probe = QStringLiteral("the black cat sees a red car .");
    else if (dataset == QLatin1String("reverse")) job.probe = QStringLiteral("a b c d e f");
    else job.probe = QStringLiteral("i lost .");
    job.snapshotEvery = defaultSnapshotEvery(job.options.epochs);
    return job;
}

int defaultSnapshotEvery(int epochs) { return std::max(1, epochs / 50); }

}  // namespace attnviz::gui
