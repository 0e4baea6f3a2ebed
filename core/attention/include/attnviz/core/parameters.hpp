// SPDX-License-Identifier: GPL-3.0-or-later
// Variant parameters by name: what the session file and the GUI's editors hold, the specs that
// say which tensors a variant needs, deterministic initialisation, and one entry point that
// dispatches to the variant functions of attention.hpp.
#pragma once

#include "attnviz/core/attention.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// ---- limits ----------------------------------------------------------------------------------
// Sizes that come from a session file or a control are checked against these before any memory
// is taken (docs/session-format.md, "Limits"): a file saying "hidden": 100000000 is refused with
// a message, not answered with gigabytes of Xavier weights or std::bad_alloc.
inline constexpr Index kMaxHidden = 65536;     // h: 8× the widest layer of today's large models
inline constexpr Index kMaxHeads = kMaxHidden; // H: it must divide h anyway
// What one computation may allocate, as estimated by estimated_compute_bytes(): the result's
// (n_q × n_k) matrices, per-head copies, projections and parameters. 4 GiB leaves a desktop
// usable; a 2048-token multi-head session with 8 heads needs about 1 GiB.
inline constexpr double kMaxComputeBytes = 4.0 * 1024 * 1024 * 1024;

// Throws std::invalid_argument naming the field and the limit ("hidden: 100000000 is above the
// limit of 65536") for hidden or num_heads outside [1, limit].
void check_hyper(const ParamHyper& hyper);

// ---- variant facts ---------------------------------------------------------------------------
// What a reader of a variant (the GUI, the session writer, the tests) branches on, said once
// here so that nobody matches names such as "b_o" or compares with Variant::MultiHead.

// What a tensor does in the computation.
enum class ParameterRole {
    Score,             // takes part in the scores only (W_q, W_k, w_v, W_a, W1, W2, R, w)
    ValueProjection,   // maps the values before the weighted sum (multi-head and dense W_v)
    OutputProjection,  // maps the weighted sum of the values (multi-head W_o)
    Bias,              // added to a weight's output: y = x Wᵀ + b (bias_of names the weight)
};

// The value an absent optional tensor takes when it is added, chosen so that the result is
// exactly what it was without it.
enum class NeutralValue {
    None,      // required: never absent
    Zeros,     // (1 × rows of the weight it is the bias of)
    Identity,  // (n × n), n = its column count: a projection that maps every vector to itself
};

// How initialise_parameters() fills a tensor.
enum class Generation {
    None,           // left out (the optional biases and dense W_v): absent is neutral
    XavierUniform,  // U(-a, a), a = √(6 / (rows + cols)) (Glorot & Bengio 2010), as d2l
    UniformPlusMinusOne,  // U(-1, 1): the random synthesizer's R
};

struct ParameterSpec {
    std::string name;     // "W_q"
    Index rows = 0;       // expected rows; a minimum when rows_at_least
    Index cols = 0;
    bool rows_at_least = false;
    bool cols_at_least = false;
    bool is_vector = false;  // a bias, w_v or w: written as a flat list, held as (1 × n)
    bool is_scalar = false;  // feed-forward's b: written as a number, held as (1 × 1)
    bool optional = false;
    std::string meaning;     // "query projection, (h x d_q)"

    ParameterRole role = ParameterRole::Score;
    // A bias: the weight it is added to, which comes before it in the spec list ("W_q" for
    // "b_q"). Empty for everything else.
    std::string bias_of;
    // The tensor whose row count is this one's column count when the tensors present decide it
    // rather than the inputs: a bias's weight (b_o: rows of W_o, any d_o), and multi-head W_o,
    // whose columns are h, the rows of W_q. Empty: cols as above.
    std::string cols_from;
    NeutralValue neutral = NeutralValue::None;  // None exactly when !optional
    Generation generation = Generation::XavierUniform;
    // Rows of a generated value when rows_at_least lets any number do (multi-head W_o: d_v, so
    // the output keeps the values' width, as in d2l's MultiHeadAttention); 0: rows.
    Index generated_rows = 0;
    // Its row count is the hidden size h (W_q of additive and multi-head): the other tensors'
    // h is read from it.
    bool sets_hidden = false;
};

// What the GUI branches on per variant. Each is checked against what compute_attention does
// (tests/core/test_variant_facts.cpp).
struct VariantTraits {
    bool uses_hidden = false;  // its parameters are sized by ParamHyper::hidden (h)
    bool uses_heads = false;   // ParamHyper::num_heads (H) heads; the result has one HeadResult each
    // The scores are scaled before the temperature (result.scale != 1, given a size != 1):
    // ÷√d_k for scaled_dot, ÷√(h/H) for multi_head.
    bool scales_scores = false;
    // One result row whatever Q holds: feed-forward attention pooling over the keys.
    bool single_query_row = false;
    // Q's width must equal K's (the score is a dot product of the raw vectors).
    bool same_query_key_width = false;
};

VariantTraits variant_traits(Variant variant);

// Tensors by the names of the variant table (W_q, b_q, w_v, W_a, W1, R, w, b, ...).
// Vectors are held as (1 × n) matrices; the feed-forward scalar b as (1 × 1).
struct Parameters {
    std::map<std::string, Matrix> tensors;
    Index num_heads = 1;  // multi_head only

    bool has(const std::string& name) const { return tensors.count(name) != 0; }
    const Matrix* find(const std::string& name) const;
};

// The tensors `variant` takes, with their shapes for inputs of `dims`, in the order of the
// variant table (a bias after its weight). For multi_head the hidden size and head count come
// from `hyper`; for additive the hidden size.
std::vector<ParameterSpec> parameter_specs(Variant variant, const InputDims& dims,
                                           const ParamHyper& hyper);
// The spec called `name`, or nullopt when `variant` takes no such tensor.
std::optional<ParameterSpec> parameter_spec(Variant variant, const InputDims& dims,
                                            const ParamHyper& hyper, std::string_view name);

// The hyper-parameters that `params` implies: h is the row count of the tensor that sets it
// (W_q) when present, H is params.num_heads for a variant that uses heads; the rest (and h
// when that tensor is absent) from `fallback`. Throws when H does not divide h.
ParamHyper effective_hyper(Variant variant, const Parameters& params,
                           const ParamHyper& fallback = {});

// The value of the optional tensor `name` that leaves compute_attention's result exactly as it
// is without it, sized by the tensors of `params`: zeros (1 × rows of its weight) for a bias,
// the identity for a projection (multi-head W_o: h × h, h = rows of W_q; dense W_v: d_v × d_v).
// Throws std::invalid_argument when `name` is not an optional tensor of `variant`, or when the
// tensor that sizes it is absent ("b_o: sized by W_o, which is absent").
Matrix neutral_value(Variant variant, const InputDims& dims, const Parameters& params,
                     const std::string& name);

// Deterministic parameters for `variant` (Xavier-uniform weights, zero biases left out, R ~
// U(-1, 1)), identical for identical (variant, dims, hyper) on every platform. Refuses hyper-
// parameters beyond the limits and parameters whose size passes kMaxComputeBytes before it
// allocates anything.
Parameters initialise_parameters(Variant variant, const InputDims& dims, const ParamHyper& hyper);

// An estimate (the dominant allocations, in bytes) of computing `variant` on inputs of `dims`
// with parameters sized by `hyper`: the result's (n_q × n_k) matrices, a copy of them per head,
// the projections (n × h) and the parameters.
double estimated_compute_bytes(Variant variant, const InputDims& dims, const ParamHyper& hyper);
// Throws std::invalid_argument when that estimate passes kMaxComputeBytes, naming the sizes:
// "sizes: n_q = 2048, n_k = 2048, H = 1000 heads need about 47 GiB; the limit is 4 GiB".
void check_compute_size(Variant variant, const InputDims& dims, const ParamHyper& hyper);

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
