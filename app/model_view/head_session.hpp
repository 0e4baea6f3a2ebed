// SPDX-License-Identifier: GPL-3.0-or-later
// A real head in the playground (issue 13 item 5): one head of one run, captured by the core
// (hf::RunOptions::capture_head → hf::CapturedHead), as a playground session (core/session.hpp):
// the scaled dot-product variant with Q, K, V = the head's own queries, keys and values (n ×
// head_dim each: after the projections and their biases, after rotary embedding for the Llama
// family, K and V of the key/value head it reads under grouped-query attention), the tokens as
// query and key labels, and the causal mask when the model has one (GPT-2, Llama family; none for
// BERT). The playground's compute_session over it gives the run's attention for that head, and
// its output is the head's context slice (Σ_j a_ij v_j), before the output projection.
//
// Qt-free: `attnviz run --export-head` and the model window's "Open head in playground…" share it.
#pragma once

#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/session.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace attnviz::model_view {

// Where the head came from, for the session's name and description.
struct HeadSource {
    std::string model;         // the folder's name ("gpt2")
    std::string architecture;  // "GPT-2", "BERT", "Llama" (hf::ModelInfo::architecture)
    bool rotary = false;       // the Llama family: Q and K are after rotary embedding
};
// From the model's facts: rotary for the Llama family.
HeadSource head_source(const hf::ModelInfo& info, std::string model_name);

// The session of `head` with `labels` (one per position: the run's tokens as text) on both axes;
// a label of whitespace only shows its characters as ␣ ↵ ⇥ (an empty tick would hide it).
// Q, K, V hold the captured floats exactly (each a double). The playground's scaled dot-product
// divides by √d_k = √head_dim; a model whose scale is not 1/√head_dim gets the temperature that
// makes up the difference (none of the supported families: temperature 1).
// Throws std::invalid_argument for an inconsistent capture (sizes, label count).
Session head_session(const hf::CapturedHead& head, const std::vector<std::string>& labels,
                     const HeadSource& source);

// write_session(session) to `path`, atomically (files::write_atomically). Throws
// std::invalid_argument("cannot save PATH: …").
void write_head_session(const Session& session, const std::filesystem::path& path);

// "L.H" (e.g. "0.3") → the head to capture; ranges are checked against the model by the core
// (hf::check_capture). Throws std::invalid_argument with one line for anything else ("", "1",
// "0.1,1.0", "x.1", "-1.0").
hf::HeadCapture parse_head_ref(const std::string& text);

}  // namespace attnviz::model_view
