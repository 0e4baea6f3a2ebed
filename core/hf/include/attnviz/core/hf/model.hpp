// SPDX-License-Identifier: GPL-3.0-or-later
// Hugging Face checkpoints, run natively: open a folder as `save_pretrained` writes it
// (config.json, model.safetensors or shards with model.safetensors.index.json), run a forward
// over token ids, get every layer's attention and the language-model head's top tokens.
//
// Supported `model_type`s: gpt2; bert; llama, mistral, qwen2 (see supported_model_types()).
// Weights stay in the file mapping: F32 tensors are used in place, F16/BF16 ones are converted
// one matrix at a time into a scratch buffer as the forward reaches them. Tokenizing is the
// caller's job (attnviz::tokenizers); the model takes ids.
#pragma once

#include "attnviz/core/hf/interventions.hpp"
#include "attnviz/core/inspect/attention_stack.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::hf {

struct ModelInfo {
    std::string model_type;    // config.json's "model_type": "gpt2", "bert", "llama", ...
    std::string architecture;  // the family that runs it: "GPT-2", "BERT", "Llama"
    int layers = 0, heads = 0, kv_heads = 0, hidden = 0, head_dim = 0, vocab = 0;
    int max_positions = 0;     // the longest input accepted (n_positions, max_position_embeddings)
    bool causal = true;        // GPT-2, Llama family: true; BERT: false (a masked LM)
    bool has_lm_head = true;   // false for a bare BertModel (no cls.predictions.*)
    std::string weight_dtype;  // "float32", "float16", "bfloat16" (of the layer weights)
    std::filesystem::path folder;
    std::size_t weight_bytes = 0;  // the safetensors files' total size
};

struct RunResult;

struct RunOptions {
    int top_k = 5;               // entries per TopToken list; clamped to the vocabulary
    bool all_positions = false;  // causal LMs: also the top K at every position
    // Positions whose top K go into RunResult::positions, overriding the defaults (causal: none,
    // or all with all_positions; masked LM: all). Each in [0, n). E.g. the [MASK] positions.
    std::optional<std::vector<int>> lm_positions;
    bool keep_logits = false;    // fill RunResult::logits (tests, logit lens later)
    // Heads switched off (interventions.hpp), each layer in [0, layers) and head in [0, heads).
    std::vector<HeadAblation> ablate;
    // Attention rows replaced (interventions.hpp), checked against the input's length.
    std::vector<AttentionOverride> override_rows;
    // The logit lens: after every layer, the top K read from the residual stream at these
    // positions (empty: all) through the final norm and the LM head (BERT: its MLM head).
    // Needs info().has_lm_head; positions in [0, n).
    bool logit_lens = false;
    std::vector<int> logit_lens_positions;
    // One head's Q, K, V slices into RunResult::captured (interventions.hpp), checked.
    std::optional<HeadCapture> capture_head;
    // Keep every layer's input in RunResult::layer_inputs, so that an intervention re-run over
    // the same ids can start where it first differs (resume).
    bool keep_layer_inputs = false;
    // A previous run over the same ids, made with keep_layer_inputs and without interventions:
    // the forward starts at the first layer an ablation, override or capture touches, taking
    // the layers before it (their attentions and the residual stream) from it. Ignored when
    // the ids differ, it kept no layer inputs, or the logit lens is asked for (every layer).
    std::shared_ptr<const RunResult> resume;
    // Polled between layers; when it reads true, run() throws Cancelled.
    const std::atomic<bool>* cancel = nullptr;
    // Called after each layer with the number done (1 … layers), on the running thread.
    std::function<void(int layers_done)> progress;
};

struct TopToken {
    int id = 0;
    float probability = 0.0f;
};

struct RunResult {
    std::vector<int> ids;
    int layers = 0, heads = 0, n = 0;
    // (layers, heads, n, n) float32 row-major: attentions[l][h][i][j] = query i's weight on key
    // j; causal models have exact zeros above the diagonal.
    std::shared_ptr<const std::vector<float>> attentions;
    std::vector<TopToken> next;  // causal LMs: the top K after the last token; else empty
    // (n) the top K at each position asked for (see RunOptions::lm_positions); others empty.
    std::vector<std::vector<TopToken>> positions;
    // With keep_logits: (logit_positions.size() × vocab) row-major, row r = position
    // logit_positions[r].
    std::vector<int> logit_positions;
    std::vector<float> logits;
    // With RunOptions::logit_lens: logit_lens[l][i] = the top K after layer l at position
    // logit_lens_positions[i]. The last layer's equals the model's own prediction.
    std::vector<int> logit_lens_positions;
    std::vector<std::vector<std::vector<TopToken>>> logit_lens;
    // With keep_layer_inputs: (layers × n × hidden) float32, layer l's input residual stream.
    std::shared_ptr<const std::vector<float>> layer_inputs;
    int resumed_at_layer = 0;  // the first layer this run computed (0 unless resumed)
    // With RunOptions::capture_head: that head's queries, keys and values.
    std::optional<CapturedHead> captured;
    double forward_seconds = 0.0;  // the forward and the LM head, not the opening
};

// Thrown by run() when RunOptions::cancel was set.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("the forward pass was cancelled") {}
};

class Architecture;  // one per family (arch_gpt2.cpp, arch_bert.cpp, arch_llama.cpp)

class Model {
public:
    // A folder holding config.json, or the config.json itself. Throws std::invalid_argument
    // naming what is wrong (no config.json, unknown model_type with the supported ones, a
    // missing tensor or one of the wrong shape or dtype, a shard index naming a missing file).
    static std::unique_ptr<Model> open(const std::filesystem::path& folder_or_config_json);
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    const ModelInfo& info() const;

    // One forward over `ids` (1 ≤ n ≤ max_positions, each in [0, vocab)). Thread-safe (const,
    // no shared scratch). Throws std::invalid_argument for an empty input, an id out of the
    // vocabulary or an input longer than the model's limit (named); Cancelled when cancelled.
    RunResult run(std::span<const int> ids, const RunOptions& options = {}) const;

    // The family's implementation, for the intervention work to come (per-layer access).
    const Architecture& architecture() const { return *arch_; }

private:
    explicit Model(std::unique_ptr<Architecture> arch);
    std::unique_ptr<Architecture> arch_;
};

// "bert", "gpt2", "llama", "mistral", "qwen2".
const std::vector<std::string>& supported_model_types();

// Threads for the forwards' weight products (nn::set_inference_threads, and Eigen's count for
// the rest); n ≥ 1. 0 restores the default (one).
void set_threads(int n);

// The inspector's attention stack over a run: the same views as a file. `tokens` label keys
// and queries (n of them, or empty for positions); `source_name` names it in messages.
std::shared_ptr<const inspect::AttentionStack> to_attention_stack(const RunResult& result,
                                                                   std::vector<std::string> tokens,
                                                                   std::string source_name);

// Writes the run's attentions in the inspector's own safetensors format: tensors
// "attentions.{l}" of shape (1, H, n, n) float32, the tokens as a JSON array in the metadata
// key "tokens" (when given), atomically. Throws std::invalid_argument naming the path.
void save_attentions(const RunResult& result, const std::vector<std::string>& tokens,
                     const std::filesystem::path& path);

}  // namespace attnviz::hf
