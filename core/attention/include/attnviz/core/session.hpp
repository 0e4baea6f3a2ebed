// SPDX-License-Identifier: GPL-3.0-or-later
// The session file, format v1: one attention computation (variant, inputs, mask, temperature
// and parameters) as JSON, read by the GUI, `attnviz compute` and the presets.
// docs/session-format.md describes every field.
#pragma once

#include "attnviz/core/attention.hpp"
#include "attnviz/core/json.hpp"
#include "attnviz/core/mask.hpp"
#include "attnviz/core/parameters.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

inline constexpr std::string_view kSessionFormat = "attnviz-session";
inline constexpr int kSessionVersion = 1;

struct Session {
    Variant variant = Variant::ScaledDot;
    Matrix queries;  // (n_q × d_q)
    Matrix keys;     // (n_k × d_k); the file may leave it out: then = queries
    Matrix values;   // (n_k × d_v); the file may leave it out: then = keys
    std::vector<std::string> query_tokens;  // empty, or one label per query row
    std::vector<std::string> key_tokens;    // empty, or one label per key row
    MaskSpec mask;
    double temperature = 1.0;
    ParamHyper hyper;         // sizes and seed of generated parameters
    Parameters params;        // as given in the file; empty when !params_given
    bool params_given = false;
    std::string name;         // optional, presets set it
    std::string description;  // optional
};

// The query rows the result has: feed_forward pools into a single row whatever Q holds.
Index result_query_rows(const Session& s);

// Parses and checks a session file. Throws std::invalid_argument whose message starts with the
// JSON path of the problem ("params.W_q: expected 8x4, got 8x3", "queries: row 2 has 3 numbers,
// row 0 has 4"); JSON syntax errors are json::ParseError ("line 3, column 7: ...").
Session parse_session(std::string_view json_text);
Session session_from_json(const json::Value& root);

// Pretty JSON (indent 2); parse_session(write_session(s)) reproduces s bit for bit.
std::string write_session(const Session& s);
json::Value session_to_json(const Session& s);

// The parameters of a session as the file's "params" object: vectors (b_q, w, ...) as flat
// lists, feed_forward's b as a number, multi_head's num_heads as an integer.
json::Value params_to_json(Variant variant, const Parameters& params);

// Everything compute_session would refuse, checked without computing (cost proportional to the
// inputs, not to n_q × n_k): labels, temperature, mask, the inputs' shapes for the variant, the
// parameters, given or generated from s.hyper, and the sizes against the limits of
// parameters.hpp (hidden, num_heads, and the memory the computation implies), before any
// memory is taken for them. Throws std::invalid_argument.
void check_session(const Session& s);

struct ComputeOutcome {
    AttentionResult result;
    Parameters params;              // the parameters used, given or generated
    bool params_generated = false;  // true when the session had none and the variant needs some
};

// Runs the session's variant. Parameters absent from the session are generated from
// s.hyper (initialise_parameters). Throws std::invalid_argument for bad inputs or parameters,
// with messages such as "params.W_q: expected 8x4, got 8x3".
ComputeOutcome compute_session(const Session& s);

// One JSON object (compact): variant, scores, logits (masked entries null), weights, output,
// heads (multi_head only: one weight matrix per head), params (only when generated), warnings.
// Numbers are written in their shortest exact form, so they read back bit for bit.
std::string result_to_json(const Session& s, const ComputeOutcome& outcome, int indent = -1);

}  // namespace attnviz
