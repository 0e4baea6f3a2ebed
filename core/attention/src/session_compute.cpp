// SPDX-License-Identifier: GPL-3.0-or-later
// Running a session and writing its result as JSON (what `attnviz compute` prints).
#include "attnviz/core/json_matrix.hpp"
#include "attnviz/core/session.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz {

namespace {

std::string count(std::size_t n) { return std::to_string(n); }

bool needs_parameters(const Session& s)
{
    return !parameter_specs(s.variant, dims_of(s.queries, s.keys, s.values), s.hyper).empty();
}

}  // namespace

void check_session(const Session& s)
{
    if (!s.query_tokens.empty() && static_cast<Index>(s.query_tokens.size()) != s.queries.rows())
        throw std::invalid_argument("query_tokens: expected " + std::to_string(s.queries.rows()) +
                                    " labels (one per query row), got " + count(s.query_tokens.size()));
    if (!s.key_tokens.empty() && static_cast<Index>(s.key_tokens.size()) != s.keys.rows())
        throw std::invalid_argument("key_tokens: expected " + std::to_string(s.keys.rows()) +
                                    " labels (one per key row), got " + count(s.key_tokens.size()));
    if (!(s.temperature > 0) || !std::isfinite(s.temperature))
        throw std::invalid_argument("temperature: expected a finite number > 0, got " +
                                    json::dump(json::Value(s.temperature)));

    // The mask applies to the result's (n_q × n_k) scores; feed_forward has a single row.
    const Index n_q = result_query_rows(s), n_k = s.keys.rows();
    const std::size_t lens = s.mask.valid_len.size();
    if (lens > 1 && static_cast<Index>(lens) != n_q)
        throw std::invalid_argument("mask.valid_len: expected 1 or " + std::to_string(n_q) +
                                    " values (one per query row), got " + count(lens));
    for (Index len : s.mask.valid_len)
        if (len < 0)
            throw std::invalid_argument("mask.valid_len: expected lengths >= 0, got " +
                                        std::to_string(len));
    const BoolMatrix& m = s.mask.matrix;
    if (m.size() != 0 && (m.rows() != n_q || m.cols() != n_k))
        throw std::invalid_argument("mask.matrix: expected " + shape_string(n_q, n_k) + ", got " +
                                    shape_string(m.rows(), m.cols()));

    // Sizes from the file, against the documented limits, before anything is generated: the
    // GUI switches variants with these, so they are checked whatever the variant is.
    check_hyper(s.hyper);
    check_inputs(s.variant, s.queries, s.keys, s.values);
    const InputDims dims = dims_of(s.queries, s.keys, s.values);
    if (s.params_given) {
        check_parameters(s.variant, dims, s.params);
        check_compute_size(s.variant, dims, effective_hyper(s.variant, s.params, s.hyper));
    } else {
        check_compute_size(s.variant, dims, s.hyper);
        // Generation refuses hyper-parameters it cannot use (h not divisible by H); the
        // parameters are parameter-sized, so making them here costs nothing next to the
        // attention itself.
        if (needs_parameters(s)) initialise_parameters(s.variant, dims, s.hyper);
    }
}

ComputeOutcome compute_session(const Session& s)
{
    check_session(s);
    ComputeOutcome out;
    if (s.params_given) {
        out.params = s.params;
    } else if (needs_parameters(s)) {
        out.params = initialise_parameters(s.variant, dims_of(s.queries, s.keys, s.values), s.hyper);
        out.params_generated = true;
    }
    out.result = compute_attention(s.variant, s.queries, s.keys, s.values, out.params, s.mask,
                                   s.temperature);
    return out;
}

std::string result_to_json(const Session& s, const ComputeOutcome& outcome, int indent)
{
    const AttentionResult& r = outcome.result;
    json::Value out;
    out["variant"] = variant_id(s.variant);
    out["scores"] = matrix_to_json(r.scores);
    // Masked logits are -infinity, which JSON cannot hold: null marks them explicitly.
    json::Value logits = matrix_to_json(r.logits);
    for (Index i = 0; i < r.logits.rows(); ++i)
        for (Index j = 0; j < r.logits.cols(); ++j)
            if (r.masked.size() != 0 && r.masked(i, j))
                logits.as_array()[static_cast<std::size_t>(i)].as_array()[static_cast<std::size_t>(j)] =
                    nullptr;
    out["logits"] = std::move(logits);
    out["weights"] = matrix_to_json(r.weights);
    out["output"] = matrix_to_json(r.output);
    if (variant_traits(s.variant).uses_heads) {
        json::Array heads;
        for (const HeadResult& h : r.heads) heads.push_back(matrix_to_json(h.weights));
        out["heads"] = std::move(heads);
    }
    if (outcome.params_generated) out["params"] = params_to_json(s.variant, outcome.params);
    json::Array warnings;
    for (const std::string& w : r.warnings) warnings.emplace_back(w);
    out["warnings"] = std::move(warnings);
    return json::dump(out, indent);
}

}  // namespace attnviz
