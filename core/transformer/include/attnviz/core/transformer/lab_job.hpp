// SPDX-License-Identifier: GPL-3.0-or-later
// One Transformer-lab training run, as the lab window (its runner thread) and
// `attnviz train-transformer` both run it: build the task, build a GPT-2 model, train it with
// AdamW (decoupled weight decay on matrices and embeddings only), gradient clipping at 1, a
// linear warm-up to lr then a cosine decay to lr / 10 at the last step (nanoGPT's), batches
// generated on the fly from the seed, and every snapshot_every steps measure a fixed probe batch: the loss, the task's accuracy, each head's metrics and the
// first probe sequence's attention. Pause, resume and stop go through nn::TrainControl. The
// per-task defaults live here and nowhere else.
#pragma once

#include "attnviz/core/nn/train_control.hpp"
#include "attnviz/core/transformer/gpt.hpp"
#include "attnviz/core/transformer/head_metrics.hpp"
#include "attnviz/core/transformer/tasks.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::transformer {

// Bounds of every size the lab accepts (checked by check_lab_config; the command line and the
// window use the same).
struct LabLimits {
    static constexpr int kMaxLayers = 12;
    static constexpr int kMaxHeads = 16;
    static constexpr int kMaxEmbd = 1024;
    static constexpr int kMaxCtx = 512;
    static constexpr int kMaxVocab = 4096;  // generated tasks' V
    static constexpr int kMaxBatch = 1024;
    static constexpr long long kMaxSteps = 10'000'000;
    static constexpr int kProbeSequences = 16;  // the probe batch
    // One step's activations, estimated in scalars as
    //   layers × batch × ctx × (2 × heads × ctx + 24 × embd) + 2 × batch × ctx × vocab
    // (attention weights and their gradient, the block's cached rows, the logits and their
    // gradient), at most this many: 150 M floats, about 600 MB.
    static constexpr double kMaxActivationScalars = 150e6;
};


struct LabConfig {
    std::string task = "induction";  // induction | copy | reverse | sort | text
    std::string text_file;           // the text task's file (plain text, or d2l sentence pairs)
    int layers = 2;
    int heads = 4;
    int embd = 64;
    int ctx = 32;
    int vocab = 32;            // generated tasks' V (ignored by text: its characters decide)
    int batch = 32;
    long long steps = 1000;
    double lr = 1e-3;
    long long warmup = 100;    // linear warm-up steps from lr/warmup to lr (then cosine to lr/10)
    double weight_decay = 0.1;
    double init_std = 0.02;
    bool sinusoidal_positions = false;  // GptConfig::sinusoidal_positions
    std::uint64_t seed = 1;    // initialisation, the training batches (the probe has its own)
    long long snapshot_every = 25;
};

// LabLimits' activation estimate for a configuration (vocab: the model's vocabulary size).
double activation_scalars(const LabConfig& config, int vocab);

// Each task's documented defaults ("induction", "copy", "reverse", "sort", "text"; anything
// else: the text defaults with text_file = name).
LabConfig default_config(const std::string& task);

// Throws std::invalid_argument naming the option and its limit for a value out of range, an
// unknown task, heads not dividing embd, or the text task without a file.
void check_lab_config(const LabConfig& config);

// The task a configuration trains on (reads the text file). Throws std::invalid_argument.
Task make_task(const LabConfig& config);

struct LabSnapshot {
    long long step = 0;
    double loss = 0.0;        // mean token loss over the steps since the previous snapshot
    double probe_loss = 0.0;  // mean token loss on the probe batch
    double accuracy = 0.0;    // argmax accuracy on the probe batch's scored targets
    double seconds = 0.0;     // training time so far, pauses and snapshots excluded
    int layers = 0, heads = 0, n = 0;
    std::vector<HeadMetrics> metrics;   // (layers × heads), layer-major, over the probe batch
    std::vector<float> attention;       // (layers × heads × n × n) the first probe sequence
    std::vector<int> tokens;            // (n) its tokens
    std::vector<std::string> token_text;  // (n) their names
    int repeat = 0;                     // its k (induction), 0 otherwise
};

struct LabOutcome {
    LabConfig config;
    long long steps = 0;      // optimiser steps done
    bool stopped = false;
    double final_loss = 0.0;  // the last snapshot's loss (mean over its window of steps)
    double accuracy = 0.0;    // the final probe accuracy
    double seconds = 0.0;     // training time, pauses and snapshots excluded
    double tokens_per_second = 0.0;  // steps × batch × (ctx − 1) / seconds
    std::vector<HeadMetrics> metrics;  // final, layer-major
    std::vector<std::string> vocabulary;  // the task's token names
    std::shared_ptr<Gpt<float>> model;     // the trained model
    LabSnapshot last;  // the final snapshot
};

struct LabCallbacks {  // all run on the training thread
    std::function<void(const LabSnapshot&)> on_snapshot;  // step 0 (before training), every
                                                          // snapshot_every steps and the last
    std::function<void(long long step, double loss)> on_step;  // optional, every step
};

// Runs the configuration (check_lab_config first). Stops early when control.stop() is called;
// blocks while paused. Throws std::invalid_argument for a bad configuration and
// std::runtime_error("the loss diverged …") when the loss is not finite.
LabOutcome run_lab_job(const LabConfig& config, nn::TrainControl& control, const LabCallbacks& callbacks = {});

// The probe batch of a task: kProbeSequences sequences from a fixed seed (the same for every
// run of a task, so runs are comparable).
std::vector<Sequence> probe_sequences(const Task& task);

}  // namespace attnviz::transformer
