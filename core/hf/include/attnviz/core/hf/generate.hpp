// SPDX-License-Identifier: GPL-3.0-or-later
// Generation, one token at a time, with a key/value cache (issue 13 item 1), for the causal
// families (GPT-2, Llama, Mistral, Qwen2; a masked LM is refused).
//
// A Generation first runs the prompt through the full forward (the layers Model::run runs, in
// one pass: every attention, the next-token distribution) and keeps each layer's keys and
// values as it goes. Each step() then
//   1. picks the next token from the current distribution (greedy, or sampled with temperature
//      and top-k from the generation's own seeded generator),
//   2. feeds that one token through the layers, reading the cached keys and values and adding
//      its own (a matrix–vector product per weight: each step reads every weight once),
//   3. records the new token's attention row in every layer and head (its weights over all the
//      positions so far) and the distribution after it.
// So after k steps the sequence holds prompt + k tokens, and attentions() is the same
// (layers × heads × n × n) stack a full forward over those n tokens gives (to float rounding).
//
// Reported probabilities (GeneratedToken::probability, ::top) are the model's own softmax at
// temperature 1, whatever the sampling settings: what the model predicts, not how we drew.
// Numbers stay in the checkpoint's precision (F16/BF16 weights are converted to float as they
// are read, as in run()).
#pragma once

#include "attnviz/core/hf/model.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace attnviz::hf {

struct SamplingOptions {
    double temperature = 0.0;  // 0: greedy (the most probable token); > 0: softmax(logits / T)
    int top_k = 0;             // > 0: sample among the K most probable only; 0: the whole vocabulary
    std::uint64_t seed = 0;    // the same seed, model and prompt give the same tokens
};

struct GeneratedToken {
    int id = 0;
    int position = 0;            // its index in the whole sequence (prompt length + step)
    float probability = 0.0f;    // the model's probability of this token at this step
    std::vector<TopToken> top;   // the model's top K at this step (K = Generation's report_top)
    // This token's attention row as a query once fed, (layers × heads × (position + 1)) floats:
    // row[l][h][j] = its weight on position j.
    std::vector<float> attention;
    double seconds = 0.0;        // the step's time: sampling, the cached forward, the LM head
};

class Generation {
public:
    // Runs the prompt (1 ≤ n ≤ max_positions) as Model::run does. capacity: the longest
    // sequence this generation may reach (0: the model's max_positions, lowered to what fits a
    // 4 GiB cache and 8 GiB of attention rows when it does not), checked against it;
    // the cache is reserved for it at once (sizes checked before reserving). report_top ≥ 1.
    // Throws std::invalid_argument for a model without a causal LM head (BERT: "generation needs
    // a causal language model …"), a bad prompt (as run()), temperature < 0 or not finite,
    // top_k < 0, capacity out of range.
    Generation(std::shared_ptr<const Model> model, std::span<const int> prompt, const SamplingOptions& sampling,
               int report_top = 5, int capacity = 0);
    ~Generation();
    Generation(const Generation&) = delete;
    Generation& operator=(const Generation&) = delete;

    const RunResult& prompt_result() const;  // the prompt's full forward (attentions, next top K)

    // Picks, feeds and returns the next token. Throws std::invalid_argument when the sequence
    // is at capacity ("… reached the limit of N positions"), Cancelled when *cancel is set
    // (checked between layers; the generation stays as it was before the step).
    const GeneratedToken& step(const std::atomic<bool>* cancel = nullptr);

    int length() const;                       // prompt + generated tokens
    int capacity() const;
    std::span<const int> ids() const;         // (length) prompt then generated ids
    const std::vector<GeneratedToken>& generated() const;
    // The distribution the next step() will draw from: the model's top K after the last token.
    const std::vector<TopToken>& next() const;

    // The whole (layers × heads × n × n) attention stack over ids(), n = length(): the prompt's
    // block, then each generated token's row; exact zeros above the diagonal. A fresh copy.
    std::shared_ptr<const std::vector<float>> attentions() const;
    // As a RunResult (ids, attentions, next) for to_attention_stack and save_attentions.
    RunResult as_result() const;

    double decode_seconds() const;            // the steps' total time so far
    double tokens_per_second() const;         // generated().size() / decode_seconds()

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The draw itself, separate so it can be tested alone: from logits (V), the token that
// `sampling` picks, using and advancing *rng_state (a splitmix64/xoshiro state seeded from
// SamplingOptions::seed by seed_sampler()). Greedy ties go to the lowest id.
struct SamplerState {
    std::uint64_t s[4] = {0, 0, 0, 0};
};
SamplerState seed_sampler(std::uint64_t seed);
// Throws std::invalid_argument naming the value for a temperature < 0 or not finite, or a
// top_k < 0 (what Generation's constructor and sample_token check).
void check_sampling(const SamplingOptions& sampling);
int sample_token(std::span<const float> logits, const SamplingOptions& sampling, SamplerState& rng);

}  // namespace attnviz::hf
