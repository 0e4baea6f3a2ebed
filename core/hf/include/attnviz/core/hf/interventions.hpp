// SPDX-License-Identifier: GPL-3.0-or-later
// Interventions on a Hugging Face model's forward (issue 13): switching heads off. A head's
// output is its slice of the attention context, (n × head_dim) columns h·d … (h+1)·d of the
// (n × H·d) matrix that goes into the output projection; ablation rewrites that slice before
// the projection, so the head's contribution to the residual stream is gone (zero) or is the
// same for every position (mean). The attention weights reported are unchanged for the ablated
// head itself; later layers' weights change through the residual stream.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace attnviz::hf {

enum class AblationMode {
    Zero,  // the head's output is 0 before the output projection
    Mean,  // replaced by its mean output over the sequence (all n positions), at every position
};

struct HeadAblation {
    int layer = 0;
    int head = 0;
    AblationMode mode = AblationMode::Zero;
    friend bool operator==(const HeadAblation&, const HeadAblation&) = default;
};

// Attention override: at `layer`, `head`, query position `query`, the attention row is replaced
// by `row` (n weights over the keys, ≥ 0, finite, not all 0) divided by its sum, and the head's
// output at that query recomputed as Σ_j row_j · v_j (v of the head's key/value head). Causal
// models: weights past the query (j > query) must be 0. Applied before any ablation.
struct AttentionOverride {
    int layer = 0, head = 0, query = 0;
    std::vector<float> row;  // (n)
};

// A real head, captured for the playground (issue 13 item 5): the head's own slice of the
// projected queries, keys and values of one run, exactly as its attention saw them (after the
// projections and their biases, after rotary embedding for the Llama family; K and V of the
// key/value head it reads under grouped-query attention). Its weights are
// softmax(q kᵀ · scale [+ causal mask]) row by row: the run's attention for that head.
struct HeadCapture {
    int layer = 0, head = 0;
};
struct CapturedHead {
    int layer = 0, head = 0, kv_head = 0;
    int n = 0, head_dim = 0;
    bool causal = true;
    double scale = 0.0;             // 1/√head_dim
    std::vector<float> q, k, v;     // (n × head_dim) row-major each
};

// Throws std::invalid_argument naming the override and what is wrong (range, size, values).
void check_overrides(std::span<const AttentionOverride> overrides, int layers, int heads, int n, bool causal);

// Throws std::invalid_argument naming the first (layer, head) outside layers × heads.
void check_ablations(std::span<const HeadAblation> ablations, int layers, int heads);

// Throws std::invalid_argument naming the head outside layers × heads.
void check_capture(const HeadCapture& capture, int layers, int heads);

// "L.H,L.H,…" (e.g. "0.3,5.1") → zero ablations; throws std::invalid_argument with a
// one-line message for anything malformed (empty items, signs, junk, numbers past int).
// Ranges are checked against the model by check_ablations.
std::vector<HeadAblation> parse_ablations(const std::string& text, AblationMode mode = AblationMode::Zero);

}  // namespace attnviz::hf
