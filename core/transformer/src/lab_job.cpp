// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/transformer/lab_job.hpp"

#include "attnviz/core/nn/optim.hpp"
#include "attnviz/core/nn/train_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::transformer {

namespace {

using Clock = std::chrono::steady_clock;

std::string str(long long v) { return std::to_string(v); }

void check_range(long long v, long long lo, long long hi, const char* what)
{
    if (v < lo || v > hi)
        throw std::invalid_argument(std::string(what) + " must be in [" + str(lo) + ", " + str(hi) + "], got " + str(v));
}

void check_real(double v, double lo, double hi, const char* what)
{
    if (!(v >= lo && v <= hi))
        throw std::invalid_argument(std::string(what) + " must be in [" + std::to_string(lo) + ", " +
                                    std::to_string(hi) + "], got " + std::to_string(v));
}

// Batches generated on the fly: B sequences of the task per step; inputs tokens[0 … ctx−2],
// targets tokens[1 … ctx−1]. Allocates only on its first batch.
class TaskBatches {
public:
    TaskBatches(const Task& task, int batch) : task_(task), B_(batch)
    {
        const int n = task.ctx() - 1;
        batch_.B = B_;
        batch_.n = n;
        batch_.inputs.resize(static_cast<std::size_t>(B_ * n));
        batch_.targets.resize(static_cast<std::size_t>(B_ * n));
    }
    void start_epoch(Rng&) {}
    bool next(Rng& rng)
    {
        step_start = Clock::now();
        const int n = task_.ctx() - 1;
        for (int b = 0; b < B_; ++b) {
            task_.sample_into(rng, seq_, scored_, repeat_);
            for (int t = 0; t < n; ++t) {
                batch_.inputs[static_cast<std::size_t>(b * n + t)] = seq_[t];
                batch_.targets[static_cast<std::size_t>(b * n + t)] = seq_[t + 1];
            }
        }
        return true;
    }
    const TokenBatch& batch() const { return batch_; }
    long long tokens() const { return static_cast<long long>(batch_.B) * batch_.n; }
    Clock::time_point step_start;

private:
    const Task& task_;
    int B_;
    TokenBatch batch_;
    std::vector<int> seq_;
    std::vector<char> scored_;
    int repeat_ = 0;
};

GptConfig model_config(const LabConfig& c, const Task& task)
{
    GptConfig g;
    g.layers = c.layers;
    g.heads = c.heads;
    g.embd = c.embd;
    g.positions = c.ctx;
    g.vocab = task.vocab_size();
    g.init_std = c.init_std;
    g.sinusoidal_positions = c.sinusoidal_positions;
    return g;
}

// Runs the probe batch through `probe` (a copy of the model being trained) and measures it.
LabSnapshot measure(Gpt<float>& probe, const Task& task, const std::vector<Sequence>& seqs, bool induction)
{
    const int S = static_cast<int>(seqs.size()), n = task.ctx(), V = task.vocab_size();
    std::vector<int> ids;
    ids.reserve(static_cast<std::size_t>(S * n));
    for (const auto& s : seqs) ids.insert(ids.end(), s.tokens.begin(), s.tokens.end());
    const Mat<float>& logits = probe.forward(ids.data(), S, n);  // (S·n × V)
    LabSnapshot snap;
    double loss = 0.0;
    long long hits = 0, scored = 0;
    for (int s = 0; s < S; ++s)
        for (int t = 0; t + 1 < n; ++t) {
            const auto row = logits.row(static_cast<Eigen::Index>(s) * n + t);
            const int target = seqs[s].tokens[t + 1];
            const double m = row.maxCoeff();
            double sum = 0.0;
            for (int v = 0; v < V; ++v) sum += std::exp(static_cast<double>(row(v)) - m);
            loss += m + std::log(sum) - static_cast<double>(row(target));
            if (seqs[s].scored[t]) {
                Eigen::Index best = 0;
                row.maxCoeff(&best);
                hits += best == target;
                ++scored;
            }
        }
    snap.probe_loss = loss / (static_cast<double>(S) * (n - 1));
    snap.accuracy = scored ? static_cast<double>(hits) / static_cast<double>(scored) : 0.0;
    const GptConfig& g = probe.config();
    snap.layers = g.layers;
    snap.heads = g.heads;
    snap.n = n;
    ProbeAttention pa;
    pa.sequences = S;
    pa.layers = g.layers;
    pa.heads = g.heads;
    pa.n = n;
    for (int s = 0; s < S; ++s) {
        std::vector<float> stack = probe.attention_stack(s);
        pa.weights.insert(pa.weights.end(), stack.begin(), stack.end());
        pa.repeat.push_back(induction ? seqs[s].repeat : 0);
        if (s == 0) snap.attention = std::move(stack);
    }
    snap.metrics = probe_head_metrics(pa);
    snap.tokens = seqs[0].tokens;
    for (int id : snap.tokens) snap.token_text.push_back(task.token_names()[static_cast<std::size_t>(id)]);
    snap.repeat = induction ? seqs[0].repeat : 0;
    return snap;
}

}  // namespace

LabConfig default_config(const std::string& task)
{
    LabConfig c;
    c.task = task;
    if (task == "induction") {
        // Measured in docs/transformer-lab.md (the search, the curve, the one-layer comparison).
        c.layers = 2;
        c.heads = 2;
        c.embd = 32;
        c.ctx = 48;
        c.vocab = 64;
        c.batch = 32;
        c.steps = 3500;
        c.lr = 1e-3;
        c.warmup = 100;
        c.weight_decay = 0.0;
        c.init_std = 0.08;
        c.snapshot_every = 25;
    } else if (task == "copy" || task == "reverse" || task == "sort") {
        c.layers = 2;
        c.heads = 4;
        c.embd = 64;
        c.ctx = 24;
        c.vocab = 10;
        c.batch = 32;
        c.steps = 1500;
        c.lr = 1e-3;
        c.warmup = 100;
        c.snapshot_every = 25;
    } else {
        c.task = "text";
        if (task != "text") c.text_file = task;
        c.layers = 2;
        c.heads = 4;
        c.embd = 64;
        c.ctx = 64;
        c.batch = 32;
        c.steps = 2000;
        c.lr = 1e-3;
        c.warmup = 100;
        c.snapshot_every = 50;
    }
    return c;
}

void check_lab_config(const LabConfig& c)
{
    if (!task_from_name(c.task))
        throw std::invalid_argument("unknown task '" + c.task + "' (induction, copy, reverse, sort or text)");
    if (c.task == "text" && c.text_file.empty()) throw std::invalid_argument("the text task needs a text file");
    check_range(c.layers, 1, LabLimits::kMaxLayers, "layers");
    check_range(c.heads, 1, LabLimits::kMaxHeads, "heads");
    check_range(c.embd, 1, LabLimits::kMaxEmbd, "embd");
    if (c.embd % c.heads != 0)
        throw std::invalid_argument("embd " + str(c.embd) + " is not divisible by heads " + str(c.heads));
    check_range(c.ctx, c.task == "induction" || c.task == "text" ? 4 : 5, LabLimits::kMaxCtx, "ctx");
    if (c.task != "text") check_range(c.vocab, 2, LabLimits::kMaxVocab, "vocab");
    check_range(c.batch, 1, LabLimits::kMaxBatch, "batch");
    check_range(c.steps, 1, LabLimits::kMaxSteps, "steps");
    check_real(c.lr, 1e-8, 1.0, "lr");
    check_range(c.warmup, 0, LabLimits::kMaxSteps, "warmup");
    check_real(c.weight_decay, 0.0, 10.0, "weight_decay");
    check_real(c.init_std, 0.0, 10.0, "init_std");
    check_range(c.snapshot_every, 1, LabLimits::kMaxSteps, "snapshot_every");
    const double need = activation_scalars(c, c.task == "text" ? kMaxTextVocab : c.vocab + 1);
    if (need > LabLimits::kMaxActivationScalars)
        throw std::invalid_argument("layers " + str(c.layers) + ", batch " + str(c.batch) + ", ctx " + str(c.ctx) +
                                    ", heads " + str(c.heads) + ", embd " + str(c.embd) + " need about " +
                                    str(static_cast<long long>(need / 1e6)) +
                                    " M activations a step, over the limit of " +
                                    str(static_cast<long long>(LabLimits::kMaxActivationScalars / 1e6)) + " M");
}

double activation_scalars(const LabConfig& c, int vocab)
{
    const double B = c.batch, n = c.ctx;
    return c.layers * B * n * (2.0 * c.heads * n + 24.0 * c.embd) + 2.0 * B * n * vocab;
}

Task make_task(const LabConfig& c)
{
    const TaskKind kind = *task_from_name(c.task);
    if (kind == TaskKind::Text) return Task::from_text_file(c.text_file, c.ctx);
    return Task(kind, c.vocab, c.ctx);
}

std::vector<Sequence> probe_sequences(const Task& task)
{
    Rng rng(0x9e3779b97f4a7c15ull);  // fixed: every run of a task sees the same probe
    std::vector<Sequence> out;
    for (int i = 0; i < LabLimits::kProbeSequences; ++i) out.push_back(task.sample(rng));
    return out;
}

LabOutcome run_lab_job(const LabConfig& config, nn::TrainControl& control, const LabCallbacks& callbacks)
{
    check_lab_config(config);
    const Task task = make_task(config);
    const bool induction = task.kind() == TaskKind::Induction;
    auto model = std::make_shared<Gpt<float>>(model_config(config, task), config.seed);
    Gpt<float> probe(model->config(), 0);
    const std::vector<Sequence> probe_seqs = probe_sequences(task);

    LabOutcome outcome;
    outcome.config = config;
    outcome.vocabulary = task.token_names();
    outcome.model = model;

    TaskBatches source(task, config.batch);
    nn::AdamW<float> optimizer(model->parameters(), config.lr, config.weight_decay, 0.9, 0.95);
    // nanoGPT's schedule, step 1-based: linear warm-up to lr, then a cosine decay to lr / 10 at
    // the last step.
    const auto lr_at = [&](long long step) {
        if (config.warmup > 0 && step < config.warmup)
            return config.lr * static_cast<double>(step) / static_cast<double>(config.warmup);
        const double span = static_cast<double>(std::max<long long>(1, config.steps - config.warmup));
        const double progress = std::min(1.0, static_cast<double>(step - config.warmup) / span);
        const double min_lr = config.lr / 10.0;
        return min_lr + 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress)) * (config.lr - min_lr);
    };
    optimizer.lr = lr_at(1);

    double train_seconds = 0.0, window_loss = 0.0;
    long long window_steps = 0, steps = 0;
    const auto snapshot = [&](long long step, double loss) {
        copy_parameters(probe, *model);
        LabSnapshot s = measure(probe, task, probe_seqs, induction);
        s.step = step;
        s.loss = step == 0 ? s.probe_loss : loss;
        s.seconds = train_seconds;
        outcome.last = s;
        if (callbacks.on_snapshot) callbacks.on_snapshot(outcome.last);
    };
    snapshot(0, 0.0);

    nn::TrainLoopOptions options;
    options.epochs = 1;
    options.max_steps = config.steps;
    options.clip = 1.0;
    options.seed = config.seed;
    nn::TrainCallbacks cb;
    cb.on_step = [&](const nn::StepStats& st) {
        train_seconds += std::chrono::duration<double>(Clock::now() - source.step_start).count();
        if (!std::isfinite(st.loss))
            throw std::runtime_error("the loss diverged (" + std::to_string(st.loss) +
                                     ") at step " + str(st.step) + ": try a smaller learning rate");
        steps = st.step;
        window_loss += st.loss;
        ++window_steps;
        optimizer.lr = lr_at(st.step + 1);
        if (callbacks.on_step) callbacks.on_step(st.step, st.loss);
        if (st.step % config.snapshot_every == 0 || st.step == config.steps) {
            snapshot(st.step, window_loss / static_cast<double>(window_steps));
            window_loss = 0.0;
            window_steps = 0;
        }
    };
    const nn::TrainResult r = nn::train_loop(*model, source, optimizer, options, &control, cb);
    if (window_steps > 0)  // stopped between snapshots: one more for the final state
        snapshot(steps, window_loss / static_cast<double>(window_steps));

    outcome.steps = steps;
    outcome.stopped = r.stopped;
    outcome.final_loss = outcome.last.loss;
    outcome.accuracy = outcome.last.accuracy;
    outcome.metrics = outcome.last.metrics;
    outcome.seconds = train_seconds;
    outcome.tokens_per_second =
        train_seconds > 0 ? static_cast<double>(steps) * config.batch * (config.ctx - 1) / train_seconds : 0.0;
    return outcome;
}

}  // namespace attnviz::transformer
