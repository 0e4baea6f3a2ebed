// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a checkpoint folder (config.json → the family → its weights) and running a forward:
// the ids checked, the layers run with progress and cancellation between them, the LM head
// applied only to the positions asked for, and the top K of each.
#include "attnviz/core/hf/model.hpp"

#include "architecture.hpp"
#include "logit_lens.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

namespace attnviz::hf {

namespace fs = std::filesystem;

namespace {

// The attentions of one run are kept whole (L·H·n² floats); past this they are refused with the
// longest input that fits rather than exhausting memory.
constexpr double kMaxAttentionBytes = 8.0 * 1024 * 1024 * 1024;

std::vector<TopToken> top_k(const float* logits, Eigen::Index V, int k) { return top_tokens(logits, V, k); }

}  // namespace

const std::vector<std::string>& supported_model_types()
{
    static const std::vector<std::string> types{"bert", "gpt2", "llama", "mistral", "qwen2"};
    return types;
}

void set_threads(int n)
{
    if (n < 0) throw std::invalid_argument("set_threads: " + std::to_string(n) + " threads");
    Eigen::setNbThreads(n);
    nn::set_inference_threads(n == 0 ? 1 : n);
}

Model::Model(std::unique_ptr<Architecture> arch) : arch_(std::move(arch)) {}
Model::~Model() = default;

const ModelInfo& Model::info() const { return arch_->info(); }

std::unique_ptr<Model> Model::open(const fs::path& path)
{
    fs::path folder = path;
    fs::path config_path = path / "config.json";
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        config_path = path;
        folder = path.parent_path();
        if (folder.empty()) folder = ".";
    } else if (!fs::is_directory(path, ec)) {
        throw std::invalid_argument(path.string() + ": no such folder or config.json");
    } else if (!fs::is_regular_file(config_path, ec)) {
        throw std::invalid_argument(path.string() + ": no config.json in this folder (not a Hugging Face checkpoint)");
    }
    const Config config = Config::load(config_path);
    const std::string type = config.string("model_type");
    const auto& supported = supported_model_types();
    if (std::find(supported.begin(), supported.end(), type) == supported.end()) {
        std::string list;
        for (const auto& t : supported) list += (list.empty() ? "" : ", ") + t;
        throw std::invalid_argument(config.file() + ": model_type '" + type + "' is not supported (supported: " +
                                    list + ")");
    }
    auto weights = std::make_shared<const WeightStore>(folder);
    std::unique_ptr<Architecture> arch;
    if (type == "gpt2")
        arch = make_gpt2(config, weights);
    else if (type == "bert")
        arch = make_bert(config, weights);
    else
        arch = make_llama(config, weights);
    ModelInfo& info = arch->mutable_info();
    info.folder = folder;
    info.weight_dtype = weights->main_dtype();
    info.weight_bytes = weights->total_bytes();
    return std::unique_ptr<Model>(new Model(std::move(arch)));
}

RunResult Model::run(std::span<const int> ids, const RunOptions& options) const
{
    const ModelInfo& info = arch_->info();
    const auto n = static_cast<Eigen::Index>(ids.size());
    if (n == 0) throw std::invalid_argument("no tokens to run");
    if (n > info.max_positions)
        throw std::invalid_argument("the input has " + std::to_string(n) + " tokens; this " + info.architecture +
                                    " model takes at most " + std::to_string(info.max_positions) +
                                    " (its maximum number of positions)");
    for (Eigen::Index i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= info.vocab)
            throw std::invalid_argument("token id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                                        " is outside the vocabulary (0 … " + std::to_string(info.vocab - 1) + ")");
    const double per_token = 4.0 * info.layers * info.heads;  // bytes per n² of attentions
    if (per_token * static_cast<double>(n) * static_cast<double>(n) > kMaxAttentionBytes) {
        const auto fit = static_cast<long long>(std::sqrt(kMaxAttentionBytes / per_token));
        throw std::invalid_argument("the attentions of " + std::to_string(n) + " tokens (" +
                                    std::to_string(info.layers) + " layers × " + std::to_string(info.heads) +
                                    " heads × n²) would take more than 8 GiB; at most " + std::to_string(fit) +
                                    " tokens");
    }
    std::vector<int> asked;
    if (options.lm_positions) {
        for (int p : *options.lm_positions) {
            if (p < 0 || p >= n)
                throw std::invalid_argument("position " + std::to_string(p) + " asked for is outside 0 … " +
                                            std::to_string(n - 1));
            asked.push_back(p);
        }
    } else if (!info.causal || options.all_positions) {
        asked.resize(static_cast<std::size_t>(n));
        std::iota(asked.begin(), asked.end(), 0);
    }
    if (!info.has_lm_head) asked.clear();
    // The positions whose logits the LM head computes, in order: those asked for, and a causal
    // LM's last (its next token).
    std::set<int> read(asked.begin(), asked.end());
    if (info.has_lm_head && info.causal) read.insert(static_cast<int>(n - 1));
    check_ablations(options.ablate, info.layers, info.heads);
    if (options.capture_head) check_capture(*options.capture_head, info.layers, info.heads);
    check_overrides(options.override_rows, info.layers, info.heads, static_cast<int>(n), info.causal);
    std::vector<int> lens_positions;
    if (options.logit_lens) {
        if (!info.has_lm_head)
            throw std::invalid_argument("the logit lens needs a language-model head; this " + info.architecture +
                                        " checkpoint has none");
        lens_positions = options.logit_lens_positions;
        if (lens_positions.empty()) {
            lens_positions.resize(static_cast<std::size_t>(n));
            std::iota(lens_positions.begin(), lens_positions.end(), 0);
        }
        for (int p : lens_positions)
            if (p < 0 || p >= n)
                throw std::invalid_argument("logit lens position " + std::to_string(p) + " is outside 0 … " +
                                            std::to_string(n - 1));
    }

    const auto start = std::chrono::steady_clock::now();
    RunResult r;
    r.ids.assign(ids.begin(), ids.end());
    r.layers = info.layers;
    r.heads = info.heads;
    r.n = static_cast<int>(n);
    auto attentions = std::make_shared<std::vector<float>>(static_cast<std::size_t>(info.layers) * info.heads * n * n);
    ForwardState s;
    s.n = n;
    s.attentions = attentions->data();
    if (!options.ablate.empty()) s.ablations = &options.ablate;
    if (!options.override_rows.empty()) s.overrides = &options.override_rows;
    if (options.capture_head) {
        r.captured.emplace();
        s.capture = &*options.capture_head;
        s.captured = &*r.captured;
    }
    auto check_cancel = [&] {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw Cancelled();
    };
    check_cancel();
    // Resuming: the layers before the first one an intervention touches are the plain run's.
    int first = 0;
    const RunResult* from = options.resume.get();
    if (from && from->layer_inputs && !options.logit_lens && from->layers == info.layers &&
        std::equal(from->ids.begin(), from->ids.end(), ids.begin(), ids.end())) {
        first = info.layers;
        for (const HeadAblation& a : options.ablate) first = std::min(first, a.layer);
        for (const AttentionOverride& o : options.override_rows) first = std::min(first, o.layer);
        if (options.capture_head) first = std::min(first, options.capture_head->layer);
        if (first == info.layers) first = info.layers - 1;  // nothing changes: redo the last layer
    }
    const Eigen::Index E = info.hidden;
    std::shared_ptr<std::vector<float>> inputs;
    if (options.keep_layer_inputs)
        inputs = std::make_shared<std::vector<float>>(static_cast<std::size_t>(info.layers) * n * E);
    if (first > 0) {
        const std::size_t block = static_cast<std::size_t>(info.heads) * n * n;
        std::copy_n(from->attentions->data(), block * first, attentions->data());
        s.hidden = Eigen::Map<const Mat>(from->layer_inputs->data() + static_cast<std::size_t>(first) * n * E, n, E);
        if (inputs) std::copy_n(from->layer_inputs->data(), static_cast<std::size_t>(first) * n * E, inputs->data());
    } else {
        arch_->embed(ids, s);
    }
    r.resumed_at_layer = first;
    // After the last layer only those rows are read, from the first of them on (a causal LM's
    // default: the last row alone); the logit lens reads every row.
    if (!read.empty() && !options.logit_lens) s.final_rows = n - *read.begin();
    for (int l = first; l < info.layers; ++l) {
        check_cancel();
        if (inputs) Eigen::Map<Mat>(inputs->data() + static_cast<std::size_t>(l) * n * E, n, E) = s.hidden;
        arch_->layer(l, s);
        if (options.logit_lens) {
            r.logit_lens.emplace_back();
            logit_lens_rows(*arch_, s.hidden, lens_positions, options.top_k, s.scratch, r.logit_lens.back());
        }
        if (options.progress) options.progress(l + 1);
    }
    arch_->finish(s);
    r.attentions = std::move(attentions);
    r.layer_inputs = std::move(inputs);
    r.logit_lens_positions = std::move(lens_positions);

    if (info.has_lm_head) {
        std::vector<int> order(read.begin(), read.end());
        Mat picked(static_cast<Eigen::Index>(order.size()), s.hidden.cols());
        for (std::size_t i = 0; i < order.size(); ++i) picked.row(static_cast<Eigen::Index>(i)) = s.hidden.row(order[i]);
        Mat logits;
        arch_->lm_head(picked, logits, s.scratch);  // (m × V)
        const Eigen::Index V = logits.cols();
        r.positions.assign(static_cast<std::size_t>(n), {});
        std::set<int> asked_set(asked.begin(), asked.end());
        for (std::size_t i = 0; i < order.size(); ++i) {
            const float* row = logits.data() + static_cast<Eigen::Index>(i) * V;
            if (asked_set.count(order[i])) r.positions[static_cast<std::size_t>(order[i])] = top_k(row, V, options.top_k);
            if (info.causal && order[i] == n - 1) r.next = top_k(row, V, options.top_k);
        }
        if (asked_set.empty()) r.positions.clear();
        if (options.keep_logits) {
            r.logit_positions = order;
            r.logits.assign(logits.data(), logits.data() + logits.size());
        }
    }
    r.forward_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace attnviz::hf
