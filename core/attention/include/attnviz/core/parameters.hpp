// SPDX-License-Identifier: GPL-3.0-or-later
// Variant parameters by name: what the session file and the GUI's editors hold, the specs that
// say which tensors a variant needs, deterministic initialisation, and one entry point that
// dispatches to the variant functions of attention.hpp.
#pragma once

#include "attnviz/core/attention.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attnviz {

// Sizes of the inputs that fix the parameters' shapes.
struct InputDims {
    Index n_q = 0, n_k = 0;
    Index d_q = 0, d_k = 0, d_v = 0;
};

// Hyper-parameters used to size generated parameters.
struct ParamHyper {
    Index hidden = 8;     // h for additive and multi-head
    Index num_heads = 2;  // H for multi-head
    std::uint64_t seed = 0;
};

struct ParameterSpec {
    std::string name;     // "W_q"
    Index rows = 0;       // expected rows; a minimum when rows_at_least
    Index cols = 0;
    bool rows_at_least = false;
    bool cols_at_least = false;
    bool is_vector = false;  // a bias or w: written as a flat list, held as (1 × n)
    bool optional = false;
    std::string meaning;     // "query projection, (h × d_q)"
};

// Tensors by the names of the variant table (W_q, b_q, w_v, W_a, W1, R, w, b, ...).
// Vectors are held as (1 × n) matrices; the feed-forward scalar b as (1 × 1).
struct Parameters {
    std::map<std::string, Matrix> tensors;
    Index num_heads = 1;  // multi_head only

    bool has(const std::string& name) const { return tensors.count(name) != 0; }
    const Matrix* find(const std::string& name) const;
};

// The tensors `variant` takes, with their shapes for inputs of `dims`. For multi_head the
// hidden size and head count come from `hyper`; for additive the hidden size.
std::vector<ParameterSpec> parameter_specs(Variant variant, const InputDims& dims,
                                           const ParamHyper& hyper);

// Deterministic parameters for `variant` (Xavier-uniform weights, zero biases, R ~ U(-1, 1)),
// identical for identical (variant, dims, hyper) on every platform.
Parameters initialise_parameters(Variant variant, const InputDims& dims, const ParamHyper& hyper);

// Checks names, shapes and finiteness of `params` against the specs of `variant` for inputs of
// `dims`: "params.W_q: expected 8x4, got 8x3", "params: missing W_k, ...", unknown names.
void check_parameters(Variant variant, const InputDims& dims, const Parameters& params);

// Check names and shapes against the specs (throws std::invalid_argument such as
// "params.W_q: expected 8x4, got 8x3" or "params: missing W_k"), then run the variant.
AttentionResult compute_attention(Variant variant, const Matrix& Q, const Matrix& K,
                                  const Matrix& V, const Parameters& params,
                                  const MaskSpec& mask, double temperature = 1.0);
// The same into `out`, reusing its buffers (see attention.hpp).
void compute_attention(Variant variant, const Matrix& Q, const Matrix& K, const Matrix& V,
                       const Parameters& params, const MaskSpec& mask, double temperature,
                       AttentionResult& out);

InputDims dims_of(const Matrix& Q, const Matrix& K, const Matrix& V);

}  // namespace attnviz
