// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz train-transformer --task induction|copy|reverse|sort|FILE [--layers L] [--heads H]
//   [--embd E] [--ctx N] [--vocab V] [--batch B] [--steps S] [--lr X] [--warmup W]
//   [--weight-decay D] [--seed S] [--save DIR] [--quiet]`: trains the Transformer lab's GPT-2
// model in the foreground; progress on standard error, then one JSON line. The job (defaults,
// task, training, probe metrics) is core's transformer::run_lab_job, which the lab window runs
// too; this file parses the options and prints.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"

#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/json.hpp"
#include "attnviz/core/transformer/hf_save.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

using transformer::LabLimits;

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("train-transformer"), QStringLiteral("attnviz train-transformer"),
            QStringLiteral("attnviz train-transformer --task induction|copy|reverse|sort|FILE [--layers L]\n"
                           "       [--heads H] [--embd E] [--ctx N] [--vocab V] [--batch B] [--steps S] [--lr X]\n"
                           "       [--warmup W] [--weight-decay D] [--seed S] [--save DIR] [--quiet]"),
            QStringLiteral(
                "Trains a GPT-2 architecture model (pre-LayerNorm blocks of causal multi-head attention and a\n"
                "4x GELU MLP, tied LM head) on a generated task or a text file with AdamW (betas 0.9, 0.95),\n"
                "gradient clipping at 1 and a linear warm-up; next-token cross-entropy on every position.\n"
                "Progress on standard error; at the end one JSON line on standard output: the whole\n"
                "configuration, seconds, tokens_per_second (steps x batch x (ctx - 1) / seconds),\n"
                "final_loss, accuracy (the task's scored targets of a fixed 16-sequence probe batch;\n"
                "induction: the second copy) and each head's metrics (previous_token, induction,\n"
                "first_token, entropy).\n"
                "\n"
                "Tasks:\n"
                "  induction  k random tokens t0..t(V-1), the same k again, fresh tokens up to ctx\n"
                "  copy, reverse, sort  tokens, a separator '|', the tokens copied / reversed / sorted\n"
                "  FILE       a text file at character level (a tab-separated sentence-pair file: its\n"
                "             English side); its first 16 MB are read\n"
                "\n"
                "Defaults: induction 2 layers, 2 heads, embd 32, ctx 48, vocab 64, batch 32, 3500 steps, lr 0.001,\n"
                "warm-up 100, weight decay 0, init std 0.08; copy/reverse/sort 2 layers, 4 heads, embd 64, ctx 24,\n"
                "vocab 10, 1500 steps, lr 0.001; FILE the same at ctx 64, 2000 steps;\n"
                "see docs/transformer-lab.md for each task's and the measured phase change.\n"),
            QStringLiteral("Limits: layers <= %1, heads <= %2, embd <= %3, ctx <= %4, vocab <= %5, batch <= %6,\n"
                           "steps <= %7, and layers x batch x ctx x (2 x heads x ctx + 24 x embd) + 2 x batch x\n"
                           "ctx x vocab <= 150 M (one step's activations, about 600 MB).\n"
                           "\n"
                           "Exit status: 0 on success, 1 when training or saving fails, 2 for wrong arguments or data.\n")
                .arg(LabLimits::kMaxLayers)
                .arg(LabLimits::kMaxHeads)
                .arg(LabLimits::kMaxEmbd)
                .arg(LabLimits::kMaxCtx)
                .arg(LabLimits::kMaxVocab)
                .arg(LabLimits::kMaxBatch)
                .arg(LabLimits::kMaxSteps)};
}

struct Request {
    QString task, save;
    std::optional<int> layers, heads, embd, ctx, vocab, batch;
    std::optional<long long> steps, warmup, seed;
    double lr = -1, weight_decay = -1;
    bool quiet = false;
};

json::Value metrics_json(const transformer::LabOutcome& o)
{
    json::Array heads;
    const int H = o.config.heads;
    for (std::size_t i = 0; i < o.metrics.size(); ++i) {
        const auto& m = o.metrics[i];
        json::Value h = json::Object{};
        h["layer"] = static_cast<int>(i) / H;
        h["head"] = static_cast<int>(i) % H;
        h["previous_token"] = m.previous_token;
        h["induction"] = m.induction;
        h["first_token"] = m.first_token;
        h["entropy"] = m.entropy;
        heads.push_back(std::move(h));
    }
    return heads;
}

int train(const Request& r, const transformer::LabConfig& config)
{
    using namespace transformer;
    nn::TrainControl control;
    LabCallbacks callbacks;
    callbacks.on_snapshot = [&](const LabSnapshot& s) {
        if (r.quiet) return;
        double best = 0.0;  // the strongest induction head past layer 0
        for (std::size_t i = static_cast<std::size_t>(s.heads); i < s.metrics.size(); ++i)
            best = std::max(best, s.metrics[i].induction);
        std::fprintf(stderr, "step %lld/%lld  loss %.4f  accuracy %.3f  induction %.3f  %.1f s\n", s.step,
                     config.steps, s.loss, s.accuracy, best, s.seconds);
    };
    LabOutcome outcome = run_lab_job(config, control, callbacks);
    if (!r.save.isEmpty()) save_hf_checkpoint(r.save.toStdString(), *outcome.model, outcome.vocabulary, config);
    json::Value out = json::Object{};
    out["task"] = config.task;
    if (!config.text_file.empty()) out["text_file"] = config.text_file;
    out["layers"] = config.layers;
    out["heads"] = config.heads;
    out["embd"] = config.embd;
    out["ctx"] = config.ctx;
    // vocab: the task's V (a text file: its distinct characters); model_vocab adds the separator
    // of copy / reverse / sort.
    out["vocab"] = config.task == "text" ? static_cast<int>(outcome.vocabulary.size()) : config.vocab;
    out["model_vocab"] = static_cast<int>(outcome.vocabulary.size());
    out["batch"] = config.batch;
    out["steps"] = outcome.steps;
    out["lr"] = config.lr;
    out["warmup"] = config.warmup;
    out["weight_decay"] = config.weight_decay;
    out["seed"] = static_cast<long long>(config.seed);
    out["seconds"] = outcome.seconds;
    out["tokens_per_second"] = outcome.tokens_per_second;
    out["final_loss"] = outcome.final_loss;
    out["accuracy"] = outcome.accuracy;
    out["heads_metrics"] = metrics_json(outcome);
    if (!r.save.isEmpty()) out["saved"] = r.save.toStdString();
    if (!print_json(out))
        return shell::report_failure(QStringLiteral("train-transformer"), "could not write to standard output");
    return shell::kExitOk;
}

}  // namespace

int run_train_transformer(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--task"), QStringLiteral("T"), &r.task,
                QStringLiteral("induction, copy, reverse, sort or a text FILE (required)"))
        .integer(QStringLiteral("--layers"), QStringLiteral("L"), &r.layers, {1, LabLimits::kMaxLayers},
                 QStringLiteral("Transformer blocks"))
        .integer(QStringLiteral("--heads"), QStringLiteral("H"), &r.heads, {1, LabLimits::kMaxHeads},
                 QStringLiteral("attention heads per block (divides --embd)"))
        .integer(QStringLiteral("--embd"), QStringLiteral("E"), &r.embd, {1, LabLimits::kMaxEmbd},
                 QStringLiteral("model width"))
        .integer(QStringLiteral("--ctx"), QStringLiteral("N"), &r.ctx, {4, LabLimits::kMaxCtx},
                 QStringLiteral("sequence length (n_positions)"))
        .integer(QStringLiteral("--vocab"), QStringLiteral("V"), &r.vocab, {2, LabLimits::kMaxVocab},
                 QStringLiteral("generated tasks' token count (a FILE's characters decide its own)"))
        .integer(QStringLiteral("--batch"), QStringLiteral("B"), &r.batch, {1, LabLimits::kMaxBatch},
                 QStringLiteral("sequences per step"))
        .integer(QStringLiteral("--steps"), QStringLiteral("S"), &r.steps, {1, LabLimits::kMaxSteps},
                 QStringLiteral("optimiser steps"))
        .real(QStringLiteral("--lr"), QStringLiteral("X"), &r.lr, shell::RealRange{.min = 1e-8, .max = 1.0},
              QStringLiteral("AdamW learning rate after the warm-up"))
        .integer(QStringLiteral("--warmup"), QStringLiteral("W"), &r.warmup, {0, LabLimits::kMaxSteps},
                 QStringLiteral("linear warm-up steps"))
        .real(QStringLiteral("--weight-decay"), QStringLiteral("D"), &r.weight_decay,
              shell::RealRange{.min = 0, .max = 10},
              QStringLiteral("AdamW decoupled weight decay on matrices and embeddings"))
        .integer(QStringLiteral("--seed"), QStringLiteral("S"), &r.seed, {0},
                 QStringLiteral("initialisation and training batches (default 1)"))
        .text(QStringLiteral("--save"), QStringLiteral("DIR"), &r.save,
              QStringLiteral("write a Hugging Face GPT2LMHeadModel folder (config.json, model.safetensors,\n"
                             "tokenizer.json)"))
        .flag(QStringLiteral("--quiet"), &r.quiet, QStringLiteral("no progress on standard error"))
        .noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (r.task.isEmpty())
            throw std::invalid_argument("no --task given (induction, copy, reverse, sort or a text FILE)");
        const std::string task = r.task.toStdString();
        transformer::LabConfig c = transformer::default_config(task);
        if (c.task == "text") shell::require_regular_file(r.task);
        if (r.layers) c.layers = *r.layers;
        if (r.heads) c.heads = *r.heads;
        if (r.embd) c.embd = *r.embd;
        if (r.ctx) c.ctx = *r.ctx;
        if (r.vocab) c.vocab = *r.vocab;
        if (r.batch) c.batch = *r.batch;
        if (r.steps) c.steps = *r.steps;
        if (r.lr > 0) c.lr = r.lr;
        if (r.warmup) c.warmup = *r.warmup;
        if (r.weight_decay >= 0) c.weight_decay = r.weight_decay;
        if (r.seed) c.seed = static_cast<std::uint64_t>(*r.seed);
        c.snapshot_every = std::max<long long>(1, c.steps / 40);
        transformer::check_lab_config(c);
        if (c.task == "text") (void)transformer::make_task(c);  // a bad file: exit 2 before training
        if (!r.save.isEmpty()) {
            std::error_code ec;
            std::filesystem::create_directories(r.save.toStdString(), ec);
            if (ec) throw std::invalid_argument("cannot create " + r.save.toStdString() + ": " + ec.message());
            files::check_save_target(std::filesystem::path(r.save.toStdString()) / "model.safetensors");
        }
        try {
            return train(r, c);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(e.what());
        }
    });
}

}  // namespace attnviz::cli
