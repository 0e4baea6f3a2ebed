// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/parameters.hpp"

#include "attnviz/core/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace attnviz {

const Matrix* Parameters::find(const std::string& name) const
{
    const auto it = tensors.find(name);
    return it == tensors.end() ? nullptr : &it->second;
}

InputDims dims_of(const Matrix& Q, const Matrix& K, const Matrix& V)
{
    return {Q.rows(), K.rows(), Q.cols(), K.cols(), V.cols()};
}

namespace {

ParameterSpec weight(std::string name, Index rows, Index cols, std::string meaning)
{
    ParameterSpec s;
    s.name = std::move(name);
    s.rows = rows;
    s.cols = cols;
    s.meaning = std::move(meaning);
    return s;
}

// A (1 × n) weight, written as a flat list.
ParameterSpec vector(std::string name, Index n, std::string meaning)
{
    ParameterSpec s = weight(std::move(name), 1, n, std::move(meaning));
    s.is_vector = true;
    return s;
}

// An optional bias of `owner`: zeros of the owner's row count leave the result unchanged, and
// generated parameters leave it out.
ParameterSpec bias(std::string name, std::string owner, Index n, std::string meaning)
{
    ParameterSpec s = weight(std::move(name), 1, n, std::move(meaning));
    s.is_vector = true;
    s.optional = true;
    s.role = ParameterRole::Bias;
    s.bias_of = owner;
    s.cols_from = std::move(owner);
    s.neutral = NeutralValue::Zeros;
    s.generation = Generation::None;
    return s;
}

std::string str(Index n) { return std::to_string(n); }

}  // namespace

VariantTraits variant_traits(Variant variant)
{
    VariantTraits t;
    switch (variant) {
    case Variant::Dot: t.same_query_key_width = true; break;
    case Variant::ScaledDot: t.same_query_key_width = t.scales_scores = true; break;
    case Variant::Additive: t.uses_hidden = true; break;
    case Variant::LuongGeneral: break;
    case Variant::MultiHead: t.uses_hidden = t.uses_heads = t.scales_scores = true; break;
    case Variant::DenseSynthesizer: break;
    case Variant::RandomSynthesizer: break;
    case Variant::FeedForward: t.single_query_row = true; break;
    }
    return t;
}

void check_hyper(const ParamHyper& hp)
{
    const auto check = [](const char* field, Index value, Index limit) {
        if (value < 1)
            throw std::invalid_argument(std::string(field) + ": expected at least 1, got " + str(value));
        if (value > limit)
            throw std::invalid_argument(std::string(field) + ": " + str(value) +
                                        " is above the limit of " + str(limit));
    };
    check("hidden", hp.hidden, kMaxHidden);
    check("num_heads", hp.num_heads, kMaxHeads);
}

std::vector<ParameterSpec> parameter_specs(Variant variant, const InputDims& d,
                                           const ParamHyper& hp)
{
    const Index h = hp.hidden;
    switch (variant) {
    case Variant::Dot:
    case Variant::ScaledDot:
        return {};
    case Variant::Additive: {
        ParameterSpec w_q = weight("W_q", h, d.d_q, "query projection (h x d_q)");
        w_q.sets_hidden = true;
        return {w_q,
                weight("W_k", h, d.d_k, "key projection (h x d_k)"),
                vector("w_v", h, "score vector (1 x h)"),
                bias("b_q", "W_q", h, "query bias (h), Keras Dense W1's bias"),
                bias("b_k", "W_k", h, "key bias (h), Keras Dense W2's bias")};
    }
    case Variant::LuongGeneral:
        return {weight("W_a", d.d_q, d.d_k, "bilinear form (d_q x d_k)")};
    case Variant::MultiHead: {
        ParameterSpec w_q = weight("W_q", h, d.d_q, "query projection (h x d_q)");
        w_q.sets_hidden = true;
        ParameterSpec w_v = weight("W_v", h, d.d_v, "value projection (h x d_v)");
        w_v.role = ParameterRole::ValueProjection;
        ParameterSpec w_o = weight("W_o", 1, h, "output projection (d_o x h)");
        w_o.rows_at_least = true;  // any d_o
        w_o.generated_rows = d.d_v;
        w_o.optional = true;
        w_o.role = ParameterRole::OutputProjection;
        w_o.cols_from = "W_q";  // h
        w_o.neutral = NeutralValue::Identity;
        return {w_q,
                weight("W_k", h, d.d_k, "key projection (h x d_k)"),
                w_v,
                bias("b_q", "W_q", h, "query bias (h)"),
                bias("b_k", "W_k", h, "key bias (h)"),
                bias("b_v", "W_v", h, "value bias (h)"),
                w_o,
                bias("b_o", "W_o", 0, "output bias (d_o)")};
    }
    case Variant::DenseSynthesizer: {
        ParameterSpec w2 = weight("W2", d.n_k, d.d_q, "second layer (l_max x d), l_max >= n_k");
        w2.rows_at_least = true;
        ParameterSpec w_v = weight("W_v", 1, d.d_v, "value projection (d_o x d_v)");
        w_v.rows_at_least = true;  // any d_o
        w_v.optional = true;
        w_v.role = ParameterRole::ValueProjection;
        w_v.neutral = NeutralValue::Identity;
        w_v.generation = Generation::None;
        return {weight("W1", d.d_q, d.d_q, "first layer (d x d)"),
                bias("b1", "W1", d.d_q, "first-layer bias (d)"),
                w2,
                bias("b2", "W2", 0, "second-layer bias (l_max)"),
                w_v};
    }
    case Variant::RandomSynthesizer: {
        ParameterSpec r = weight("R", d.n_q, d.n_k, "scores (>= n_q x >= n_k)");
        r.rows_at_least = r.cols_at_least = true;
        r.generation = Generation::UniformPlusMinusOne;
        return {r};
    }
    case Variant::FeedForward: {
        ParameterSpec b = bias("b", "w", 1, "Dense(1) bias, default 0");
        b.is_scalar = true;
        return {vector("w", d.d_k, "Dense(1) kernel (1 x d_k)"), b};
    }
    }
    throw std::invalid_argument("variant: unknown enumerator");
}

std::optional<ParameterSpec> parameter_spec(Variant variant, const InputDims& dims,
                                            const ParamHyper& hyper, std::string_view name)
{
    for (ParameterSpec& s : parameter_specs(variant, dims, hyper))
        if (s.name == name) return std::move(s);
    return std::nullopt;
}

ParamHyper effective_hyper(Variant variant, const Parameters& params, const ParamHyper& fallback)
{
    ParamHyper hp = fallback;
    const VariantTraits traits = variant_traits(variant);
    if (traits.uses_heads) hp.num_heads = params.num_heads;
    for (const ParameterSpec& s : parameter_specs(variant, {}, hp))
        if (s.sets_hidden)
            if (const Matrix* m = params.find(s.name)) hp.hidden = m->rows();
    if (traits.uses_heads && hp.hidden % std::max<Index>(hp.num_heads, 1) != 0)
        throw std::invalid_argument("params.num_heads: hidden size " + str(hp.hidden) +
                                    " (rows of W_q) is not divisible by " +
                                    str(hp.num_heads) + " heads");
    return hp;
}

Matrix neutral_value(Variant variant, const InputDims& dims, const Parameters& params,
                     const std::string& name)
{
    const std::optional<ParameterSpec> spec =
        parameter_spec(variant, dims, effective_hyper(variant, params), name);
    if (!spec)
        throw std::invalid_argument(name + ": not a parameter of " + std::string(variant_id(variant)));
    if (spec->neutral == NeutralValue::None)
        throw std::invalid_argument(name + ": required by " + std::string(variant_id(variant)) +
                                    ", it has no neutral value");
    Index n = spec->cols;
    if (!spec->cols_from.empty()) {
        const Matrix* from = params.find(spec->cols_from);
        if (!from)
            throw std::invalid_argument(name + ": sized by " + spec->cols_from + ", which is absent");
        n = from->rows();
    }
    // Zeros: y = x Wᵀ + 0 is x Wᵀ to the bit. Identity: every output entry is x_j · 1 plus
    // products with 0, so the projected values equal the unprojected ones exactly.
    return spec->neutral == NeutralValue::Zeros ? Matrix(Matrix::Zero(1, n))
                                                : Matrix(Matrix::Identity(n, n));
}

namespace {

// Rows a generated value of `spec` gets.
Index generated_rows(const ParameterSpec& spec)
{
    return spec.generated_rows > 0 ? spec.generated_rows : spec.rows;
}

std::string gib(double bytes)
{
    const double g = bytes / (1024.0 * 1024.0 * 1024.0);
    char buf[32];
    std::snprintf(buf, sizeof buf, g >= 10 ? "%.0f" : "%.1f", g);
    return std::string(buf) + " GiB";
}

}  // namespace

double estimated_compute_bytes(Variant variant, const InputDims& d, const ParamHyper& hp)
{
    // Doubles throughout: the products of hostile sizes must not overflow before the check.
    const VariantTraits t = variant_traits(variant);
    const double n_q = t.single_query_row ? 1.0 : static_cast<double>(d.n_q);
    const double n_k = static_cast<double>(d.n_k);
    const double h = t.uses_hidden ? static_cast<double>(hp.hidden) : 0.0;
    const double H = t.uses_heads ? static_cast<double>(hp.num_heads) : 0.0;
    const double cells = n_q * n_k;
    const double d_out = std::max({static_cast<double>(d.d_v), h, 1.0});
    // scores, logits, weights (n_q × n_k), the mask (bytes), the output (n_q × d_out), and one
    // more (n_q × n_k) for the scaled scores a reader may derive.
    double doubles = 4 * cells + n_q * d_out;
    double bytes = cells;
    // Per head: scores, logits, weights (n_q × n_k) and its output (n_q × h/H); the concat.
    doubles += H * 3 * cells + 2 * n_q * h;
    // Projections of Q, K and V (n × h), and additive's (n_k × h) feature block.
    doubles += (n_q + 3 * n_k) * h;
    // The scores of the variants that compute more columns than keys (dense: l_max >= n_k)
    // or a hidden layer per query (dense: n_q × d).
    doubles += n_q * static_cast<double>(std::max({d.d_q, d.d_k, Index{0}}));
    for (const ParameterSpec& s : parameter_specs(variant, d, hp))
        doubles += static_cast<double>(std::max<Index>(generated_rows(s), 1)) *
                   static_cast<double>(std::max<Index>(s.cols, 1));
    return bytes + 8 * doubles;
}

void check_compute_size(Variant variant, const InputDims& d, const ParamHyper& hp)
{
    const double bytes = estimated_compute_bytes(variant, d, hp);
    if (bytes <= kMaxComputeBytes) return;
    const VariantTraits t = variant_traits(variant);
    std::string sizes = "n_q = " + str(t.single_query_row ? Index{1} : d.n_q) + ", n_k = " + str(d.n_k) +
                        ", d_q = " + str(d.d_q) + ", d_k = " + str(d.d_k) + ", d_v = " + str(d.d_v);
    if (t.uses_hidden) sizes += ", h = " + str(hp.hidden);
    if (t.uses_heads) sizes += ", H = " + str(hp.num_heads);
    throw std::invalid_argument("sizes: " + sizes + " need about " + gib(bytes) +
                                " to compute " + std::string(variant_id(variant)) +
                                "; the limit is " + gib(kMaxComputeBytes));
}

Parameters initialise_parameters(Variant variant, const InputDims& dims, const ParamHyper& hp)
{
    check_hyper(hp);
    const VariantTraits traits = variant_traits(variant);
    if (traits.uses_heads && hp.hidden % hp.num_heads != 0)
        throw std::invalid_argument("num_heads: hidden size " + std::to_string(hp.hidden) +
                                    " is not divisible by " + std::to_string(hp.num_heads) +
                                    " heads");
    const std::vector<ParameterSpec> specs = parameter_specs(variant, dims, hp);
    // Before anything is allocated: h ≤ kMaxHidden still makes W_q (h × d_q) huge for a wide Q.
    double bytes = 0;
    for (const ParameterSpec& spec : specs)
        if (spec.generation != Generation::None)
            bytes += 8.0 * static_cast<double>(generated_rows(spec)) * static_cast<double>(spec.cols);
    if (bytes > kMaxComputeBytes)
        throw std::invalid_argument("params: generating them needs " + gib(bytes) + " (d_q = " +
                                    str(dims.d_q) + ", d_k = " + str(dims.d_k) + ", d_v = " +
                                    str(dims.d_v) + ", h = " + str(hp.hidden) + "); the limit is " +
                                    gib(kMaxComputeBytes));

    Parameters params;
    params.num_heads = traits.uses_heads ? hp.num_heads : 1;
    Rng rng(hp.seed);
    for (const ParameterSpec& spec : specs) {
        if (spec.generation == Generation::None) continue;  // absent is neutral
        const Index rows = generated_rows(spec);
        Matrix m(rows, spec.cols);
        if (spec.generation == Generation::UniformPlusMinusOne) {
            for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-1.0, 1.0);
        } else {
            // Xavier-uniform (Glorot & Bengio 2010) on (fan_out × fan_in), as d2l initialises.
            const double a = std::sqrt(6.0 / static_cast<double>(rows + spec.cols));
            for (Index i = 0; i < m.rows(); ++i)
                for (Index j = 0; j < m.cols(); ++j) m(i, j) = rng.uniform(-a, a);
        }
        params.tensors.emplace(spec.name, std::move(m));
    }
    return params;
}

namespace {

std::string known_names(const std::vector<ParameterSpec>& specs)
{
    std::string s;
    for (const ParameterSpec& p : specs) s += (s.empty() ? "" : ", ") + p.name;
    return s.empty() ? "none" : s;
}

// "8x4", "at least 3x4", or "8 columns" when any number of rows will do.
std::string expected_shape(const ParameterSpec& s, Index rows, Index cols)
{
    if (s.rows_at_least && s.cols_at_least) return "at least " + shape_string(rows, cols);
    if (s.rows_at_least && rows <= 1) return std::to_string(cols) + " columns";
    if (s.rows_at_least) return "at least " + std::to_string(rows) + " rows and " +
                                std::to_string(cols) + " columns";
    return shape_string(rows, cols);
}

}  // namespace

void check_parameters(Variant variant, const InputDims& dims, const Parameters& params)
{
    const std::vector<ParameterSpec> specs = parameter_specs(variant, dims, effective_hyper(variant, params));
    for (const auto& [name, value] : params.tensors) {
        bool known = false;
        for (const ParameterSpec& s : specs) known = known || s.name == name;
        if (!known)
            throw std::invalid_argument("params." + name + ": not a parameter of " +
                                        std::string(variant_id(variant)) + " (expected " +
                                        known_names(specs) + ")");
    }
    for (const ParameterSpec& s : specs) {
        const Matrix* m = params.find(s.name);
        if (!m) {
            if (s.optional) continue;
            throw std::invalid_argument("params: missing " + s.name + ", the " + s.meaning);
        }
        Index rows = s.rows, cols = s.cols;
        if (!s.cols_from.empty()) {
            // Sized by a tensor before it in the list, whose shape is checked by now (b_o by
            // W_o, whose row count d_o is free; W_o's columns by W_q's h).
            const Matrix* from = params.find(s.cols_from);
            if (!from) throw std::invalid_argument("params." + s.name + ": given without " + s.cols_from);
            cols = from->rows();
        }
        const bool rows_ok = s.rows_at_least ? m->rows() >= rows : m->rows() == rows;
        const bool cols_ok = s.cols_at_least ? m->cols() >= cols : m->cols() == cols;
        if (!rows_ok || !cols_ok)
            throw std::invalid_argument("params." + s.name + ": expected " +
                                        expected_shape(s, rows, cols) + ", got " +
                                        shape_string(*m));
        require_finite(*m, "params." + s.name);
    }
}

namespace {

Matrix optional_tensor(const Parameters& p, const std::string& name)
{
    const Matrix* m = p.find(name);
    return m ? *m : Matrix();
}

}  // namespace

AttentionResult compute_attention(Variant variant, const Matrix& Q, const Matrix& K,
                                  const Matrix& V, const Parameters& params,
                                  const MaskSpec& mask, double temperature)
{
    AttentionResult r;
    compute_attention(variant, Q, K, V, params, mask, temperature, r);
    return r;
}

void compute_attention(Variant variant, const Matrix& Q, const Matrix& K, const Matrix& V,
                       const Parameters& params, const MaskSpec& mask, double temperature,
                       AttentionResult& r)
{
    check_parameters(variant, dims_of(Q, K, V), params);
    const auto get = [&](const char* name) { return optional_tensor(params, name); };

    switch (variant) {
    case Variant::Dot:
        return dot_attention(Q, K, V, mask, temperature, r);
    case Variant::ScaledDot:
        return scaled_dot_attention(Q, K, V, mask, temperature, r);
    case Variant::Additive:
        return additive_attention(Q, K, V, {get("W_q"), get("W_k"), get("w_v"), get("b_q"), get("b_k")},
                                  mask, temperature, r);
    case Variant::LuongGeneral:
        return luong_general_attention(Q, K, V, {get("W_a")}, mask, temperature, r);
    case Variant::MultiHead: {
        MultiHeadParams p;
        p.num_heads = params.num_heads;
        p.W_q = get("W_q");
        p.W_k = get("W_k");
        p.W_v = get("W_v");
        p.b_q = get("b_q");
        p.b_k = get("b_k");
        p.b_v = get("b_v");
        p.W_o = get("W_o");
        p.b_o = get("b_o");
        return multi_head_attention(Q, K, V, p, mask, temperature, r);
    }
    case Variant::DenseSynthesizer:
        return dense_synthesizer_attention(Q, K, V, {get("W1"), get("b1"), get("W2"), get("b2"), get("W_v")},
                                           mask, temperature, r);
    case Variant::RandomSynthesizer:
        return random_synthesizer_attention(Q, K, V, {get("R")}, mask, temperature, r);
    case Variant::FeedForward: {
        const Matrix b = get("b");
        return feed_forward_attention(K, V, {get("w"), b.size() != 0 ? b(0, 0) : 0.0}, mask,
                                      temperature, r);
    }
    }
    throw std::invalid_argument("variant: unknown enumerator");
}

}  // namespace attnviz
