// SPDX-License-Identifier: GPL-3.0-or-later
// One training job, as `attnviz train` and the seq2seq window's Train tab both run it: choose the
// data (a generated dataset or a tab-separated file), read or generate the pairs, keep a
// held-out fraction for BLEU, build the vocabularies, train the d2l model (train_seq2seq),
// decode a probe sentence every few epochs, measure the held-out BLEU, describe the model in
// metadata, and save it. The per-dataset defaults live here and nowhere else.
#pragma once

#include "attnviz/core/seq2seq/dataset.hpp"
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"
#include "attnviz/core/seq2seq/trainer.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::seq2seq {

struct TrainJob {
    std::string dataset = "toy-fr";  // dates | toy-fr | reverse (generated) or "file"
    std::string file;                // the tab-separated sentence pairs when dataset == "file"
    int examples = 2000;  // generated pairs, or a file's first lines as d2l reads them (N reads N + 1)
    int num_steps = 10;   // padded sequence length
    ModelConfig config;   // embed, hidden, layers, dropout (the vocabulary sizes come from the data)
    TrainOptions options; // epochs, batch size, lr, clip, seed (the seed also initialises the model,
                          // generates the pairs and splits off the held-out ones)
    double held_out = 0.1;    // fraction kept out of training for BLEU, in [0, 1)
    std::string probe;        // decoded after epoch 1, every snapshot_every-th and the last; "" = none
    int snapshot_every = 1;
};

// The defaults of a dataset (any name that is not a generated dataset gets the file defaults,
// with dataset = "file" and no file):
//   file      600 examples, 250 epochs, 10 steps   (the book's run)
//   toy-fr    2000 examples, 40 epochs, its steps
//   reverse   2000 examples, 40 epochs, its steps
//   dates     4000 examples, 30 epochs, its steps  (generated_dataset_num_steps)
// plus a probe sentence of the dataset and snapshot_every = default_snapshot_every(epochs).
TrainJob default_train_job(const std::string& dataset);
// max(1, epochs / 50): about 50 probe snapshots per run, whatever its length.
int default_snapshot_every(int epochs);
// Character-level datasets (dates) read one token per character: their sentences are spelled out.
bool is_character_dataset(const std::string& dataset);

// The data of a job, split and encoded: `train` builds the vocabularies, `held` uses them.
struct PreparedData {
    TranslationData train, held;
};
struct PreparedInfo {
    int train_pairs = 0, held_out_pairs = 0, src_vocab = 0, tgt_vocab = 0;
};
struct ProbeSnapshot {
    int epoch = 0;
    double loss = 0.0;        // the epoch's loss
    Translation translation;  // greedy decode of the probe: tokens and every step's attention row
};

struct TrainJobCallbacks {  // all run on the training thread
    std::function<void(const PreparedInfo&)> on_prepared;
    std::function<void(const EpochStats&)> on_epoch;
    std::function<void(const ProbeSnapshot&)> on_snapshot;  // after the epoch's on_epoch
};

struct TrainJobOutcome {
    LoadedModel model;  // the trained model, its vocabularies, num_steps and metadata
    TrainResult result;
    std::optional<double> bleu;  // held-out BLEU (greedy, k = 2); none when nothing is held out
                                 // or the run was stopped before its first epoch ended
    int train_pairs = 0, held_out_pairs = 0;
    double snapshot_seconds = 0.0;  // decoding the probe (not in result.seconds)
    double wall_seconds = 0.0;      // preparation, training, snapshots and BLEU
};

// Reads or generates the pairs, splits off the held-out ones (seed = options.seed) and encodes
// both. Throws std::invalid_argument with a readable message for bad data or a bad job: a file
// that cannot be read, no sentence pairs, nothing left after the split, examples < 1,
// num_steps < 1, held_out outside [0, 1), snapshot_every < 1.
PreparedData prepare_train_data(const TrainJob& job);

// Trains on prepared data: on_prepared, then train_seq2seq with on_epoch and the probe
// snapshots, then the held-out BLEU and the metadata. Throws std::invalid_argument for bad
// options (train_seq2seq's checks) and TrainingDiverged when the loss is not finite.
TrainJobOutcome train_prepared(const TrainJob& job, PreparedData data, nn::TrainControl* control = nullptr,
                               const TrainJobCallbacks& callbacks = {});

// prepare_train_data, then train_prepared.
TrainJobOutcome run_train_job(const TrainJob& job, nn::TrainControl* control = nullptr,
                              const TrainJobCallbacks& callbacks = {});

// "the loss diverged (nan): try a smaller learning rate"
struct TrainingDiverged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The metadata saved with a trained model: dataset (its name, or "file"), examples, epochs
// (completed), seed and final_loss. Numbers are JSON numbers; final_loss is written as JSON
// writes a double (the shortest text that reads back to the same value), one format everywhere.
std::map<std::string, std::string> train_job_metadata(const TrainJob& job, const TrainResult& result);

// save_model with the outcome's vocabularies, num_steps and metadata. Throws
// std::invalid_argument naming the path when it cannot be written.
void save_trained_model(const std::filesystem::path& path, TrainJobOutcome& outcome);

}  // namespace attnviz::seq2seq
