// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/train_job.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/seq2seq/bleu.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/whatif.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace attnviz::seq2seq {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n\f\v");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n\f\v") - first + 1);
}

std::string joined(const TokenList& tokens)
{
    std::string s;
    for (const auto& t : tokens) s += (s.empty() ? "" : " ") + t;
    return s;
}

bool is_file_job(const TrainJob& job) { return !is_generated_dataset(job.dataset); }

void check_job(const TrainJob& job)
{
    if (is_file_job(job) && job.dataset != "file")
        throw std::invalid_argument("unknown dataset '" + job.dataset + "' (dates, toy-fr, reverse or file)");
    if (is_file_job(job) && job.file.empty()) throw std::invalid_argument("no sentence-pair file given");
    if (job.examples < 1 || job.num_steps < 1 || !(job.held_out >= 0.0 && job.held_out < 1.0) ||
        job.snapshot_every < 1)
        throw std::invalid_argument("a training job needs examples ≥ 1, num_steps ≥ 1, held_out in [0, 1) and "
                                    "snapshot_every ≥ 1 (got " +
                                    std::to_string(job.examples) + ", " + std::to_string(job.num_steps) + ", " +
                                    std::to_string(job.held_out) + ", " + std::to_string(job.snapshot_every) + ")");
}

// d2l's BLEU (k = 2) of greedy translations of the held-out pairs.
double held_out_bleu(const Seq2SeqModel<float>& model, const TranslationData& train, const TranslationData& held,
                     int num_steps)
{
    std::vector<TokenList> preds, labels;
    preds.reserve(held.pairs.size());
    labels.reserve(held.pairs.size());
    for (std::size_t i = 0; i < held.pairs.size(); ++i) {
        preds.push_back(
            translate_greedy(model, train.src_vocab, train.tgt_vocab, joined(held.pairs.source[i]), num_steps).output);
        labels.push_back(held.pairs.target[i]);
    }
    return corpus_bleu(preds, labels);
}

}  // namespace

TrainJob default_train_job(const std::string& dataset)
{
    TrainJob job;
    const bool generated = is_generated_dataset(dataset);
    job.dataset = generated ? dataset : std::string("file");
    job.num_steps = generated ? generated_dataset_num_steps(dataset) : 10;
    job.options.epochs = !generated ? 250 : dataset == "dates" ? 30 : 40;
    job.examples = !generated ? 600 : dataset == "dates" ? 4000 : 2000;
    if (dataset == "dates") job.probe = "tuesday, march 3, 2021";
    else if (dataset == "toy-fr") job.probe = "the black cat sees a red car .";
    else if (dataset == "reverse") job.probe = "a b c d e f";
    else job.probe = "i lost .";  // fra.txt, in the book's run
    job.snapshot_every = default_snapshot_every(job.options.epochs);
    return job;
}

int default_snapshot_every(int epochs) { return std::max(1, epochs / 50); }

bool is_character_dataset(const std::string& dataset) { return dataset == "dates"; }

PreparedData prepare_train_data(const TrainJob& job)
{
    check_job(job);
    const bool file = is_file_job(job);
    const SentencePairs all = file ? tokenize_nmt(preprocess_nmt(read_text_file(job.file)), job.examples)
                                   : generate_dataset(job.dataset, job.examples, job.options.seed);
    if (all.size() == 0)
        throw std::invalid_argument((file ? job.file : job.dataset) + ": no tab-separated sentence pairs");
    auto [train_pairs, held_pairs] = split_pairs(all, job.held_out, job.options.seed);
    if (train_pairs.size() == 0) throw std::invalid_argument("nothing left to train on after the held-out split");
    PreparedData data;
    data.train = build_translation_data(std::move(train_pairs), job.num_steps);
    data.held = encode_translation_data(std::move(held_pairs), data.train.src_vocab, data.train.tgt_vocab, job.num_steps);
    return data;
}

TrainJobOutcome train_prepared(const TrainJob& job, PreparedData data, nn::TrainControl* control,
                               const TrainJobCallbacks& callbacks)
{
    const auto t0 = Clock::now();
    check_job(job);
    const TranslationData& train = data.train;
    const TranslationData& held = data.held;
    if (callbacks.on_prepared)
        callbacks.on_prepared(PreparedInfo{train.size(), held.size(), train.src_vocab.size(), train.tgt_vocab.size()});

    auto model = make_d2l_model<float>(train, job.config, job.options.seed);
    // The probe as the model's tokenizer reads it: character models get it spelled out.
    const std::string probe =
        is_character_dataset(job.dataset) ? spell_characters(trimmed(job.probe)) : trimmed(job.probe);
    const bool probing = !probe.empty();
    double snapshot_seconds = 0.0;
    const TrainResult result = train_seq2seq(model, train, job.options, control, [&](const EpochStats& s) {
        if (callbacks.on_epoch) callbacks.on_epoch(s);
        if (!probing || (s.epoch % job.snapshot_every != 0 && s.epoch != 1 && s.epoch != s.epochs)) return;
        // Between batches on the training thread, so the weights are consistent; no copy needed.
        const auto p0 = Clock::now();
        ProbeSnapshot snap{s.epoch, s.loss, translate_greedy(model, train.src_vocab, train.tgt_vocab, probe,
                                                             job.num_steps)};
        snapshot_seconds += seconds_since(p0);
        if (callbacks.on_snapshot) callbacks.on_snapshot(snap);
    });
    if (!std::isfinite(result.final_loss)) {
        char text[96];
        std::snprintf(text, sizeof text, "the loss diverged (%g): try a smaller learning rate",
                      std::isnan(result.final_loss) ? std::abs(result.final_loss) : result.final_loss);  // not "-nan"
        throw TrainingDiverged(text);
    }
    // A run stopped before its first epoch ended has nothing worth scoring.
    std::optional<double> bleu;
    if (held.size() > 0 && (result.epochs_done > 0 || !result.stopped))
        bleu = held_out_bleu(model, train, held, job.num_steps);
    const int train_pairs = train.size(), held_out_pairs = held.size();
    return TrainJobOutcome{LoadedModel{std::move(model), std::move(data.train.src_vocab),
                                       std::move(data.train.tgt_vocab), job.num_steps,
                                       train_job_metadata(job, result)},
                           result,
                           bleu,
                           train_pairs,
                           held_out_pairs,
                           snapshot_seconds,
                           seconds_since(t0)};
}

TrainJobOutcome run_train_job(const TrainJob& job, nn::TrainControl* control, const TrainJobCallbacks& callbacks)
{
    const auto t0 = Clock::now();
    TrainJobOutcome outcome = train_prepared(job, prepare_train_data(job), control, callbacks);
    outcome.wall_seconds = seconds_since(t0);
    return outcome;
}

std::map<std::string, std::string> train_job_metadata(const TrainJob& job, const TrainResult& result)
{
    return {{"dataset", is_file_job(job) ? std::string("file") : job.dataset},
            {"examples", std::to_string(job.examples)},
            {"epochs", std::to_string(result.epochs_done)},
            {"seed", std::to_string(job.options.seed)},
            {"final_loss", json::dump(json::Value(result.final_loss))}};
}

void save_trained_model(const std::filesystem::path& path, TrainJobOutcome& outcome)
{
    LoadedModel& m = outcome.model;
    save_model(path, m.model, m.src_vocab, m.tgt_vocab, m.num_steps, m.metadata);
}

}  // namespace attnviz::seq2seq
