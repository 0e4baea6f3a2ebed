// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/parameters.hpp"

#include "attnviz/core/random.hpp"

#include <cmath>
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
    return {std::move(name), rows, cols, false, false, false, false, std::move(meaning)};
}

ParameterSpec bias(std::string name, Index n, std::string meaning)
{
    return {std::move(name), 1, n, false, false, true, true, std::move(meaning)};
}

}  // namespace

std::vector<ParameterSpec> parameter_specs(Variant variant, const InputDims& d,
                                           const ParamHyper& hp)
{
    const Index h = hp.hidden;
    switch (variant) {
    case Variant::Dot:
    case Variant::ScaledDot:
        return {};
    case Variant::Additive:
        return {weight("W_q", h, d.d_q, "query projection (h x d_q)"),
                weight("W_k", h, d.d_k, "key projection (h x d_k)"),
                weight("w_v", 1, h, "score vector (1 x h)"),
                bias("b_q", h, "query bias (h), Keras Dense W1's bias"),
                bias("b_k", h, "key bias (h), Keras Dense W2's bias")};
    case Variant::LuongGeneral:
        return {weight("W_a", d.d_q, d.d_k, "bilinear form (d_q x d_k)")};
    case Variant::MultiHead: {
        ParameterSpec w_o = weight("W_o", d.d_v, h, "output projection (d_o x h)");
        w_o.rows_at_least = true;
        w_o.rows = 1;  // any d_o; generated as d_v
        w_o.optional = true;
        return {weight("W_q", h, d.d_q, "query projection (h x d_q)"),
                weight("W_k", h, d.d_k, "key projection (h x d_k)"),
                weight("W_v", h, d.d_v, "value projection (h x d_v)"),
                bias("b_q", h, "query bias (h)"),
                bias("b_k", h, "key bias (h)"),
                bias("b_v", h, "value bias (h)"),
                w_o,
                bias("b_o", 0, "output bias (d_o)")};
    }
    case Variant::DenseSynthesizer: {
        ParameterSpec w2 = weight("W2", d.n_k, d.d_q, "second layer (l_max x d), l_max >= n_k");
        w2.rows_at_least = true;
        ParameterSpec w_v = weight("W_v", d.d_v, d.d_v, "value projection (d_o x d_v)");
        w_v.rows_at_least = true;
        w_v.rows = 1;
        w_v.optional = true;
        return {weight("W1", d.d_q, d.d_q, "first layer (d x d)"),
                bias("b1", d.d_q, "first-layer bias (d)"),
                w2,
                bias("b2", 0, "second-layer bias (l_max)"),
                w_v};
    }
    case Variant::RandomSynthesizer: {
        ParameterSpec r = weight("R", d.n_q, d.n_k, "scores (>= n_q x >= n_k)");
        r.rows_at_least = r.cols_at_least = true;
        return {r};
    }
    case Variant::FeedForward: {
        ParameterSpec w = weight("w", 1, d.d_k, "Dense(1) kernel (1 x d_k)");
        w.is_vector = true;
        return {w, bias("b", 1, "Dense(1) bias, default 0")};
    }
    }
    throw std::invalid_argument("variant: unknown enumerator");
}

Parameters initialise_parameters(Variant variant, const InputDims& dims, const ParamHyper& hp)
{
    if (variant == Variant::MultiHead && (hp.num_heads < 1 || hp.hidden % hp.num_heads != 0))
        throw std::invalid_argument("num_heads: hidden size " + std::to_string(hp.hidden) +
                                    " is not divisible by " + std::to_string(hp.num_heads) +
                                    " heads");
    if (hp.hidden < 1)
        throw std::invalid_argument("hidden: expected at least 1, got " + std::to_string(hp.hidden));

    Parameters params;
    params.num_heads = variant == Variant::MultiHead ? hp.num_heads : 1;
    Rng rng(hp.seed);
    for (const ParameterSpec& spec : parameter_specs(variant, dims, hp)) {
        if (spec.is_vector && spec.optional) continue;  // biases start at zero: leave them out
        if (spec.optional && spec.name != "W_o") continue;
        // W_o's spec accepts any number of rows (any d_o); generated, it maps back to d_v so the
        // output has the values' width, as in d2l's MultiHeadAttention.
        const Index rows = spec.name == "W_o" ? dims.d_v : spec.rows;
        Matrix m(rows, spec.cols);
        if (spec.name == "R") {
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

// The hyper-parameters implied by the tensors themselves: h is W_q's row count.
ParamHyper hyper_of(Variant variant, const Parameters& params)
{
    ParamHyper hp;
    hp.num_heads = params.num_heads;
    if (const Matrix* w_q = params.find("W_q")) hp.hidden = w_q->rows();
    if (variant == Variant::MultiHead && hp.hidden % std::max<Index>(hp.num_heads, 1) != 0)
        throw std::invalid_argument("params.num_heads: hidden size " + std::to_string(hp.hidden) +
                                    " (rows of W_q) is not divisible by " +
                                    std::to_string(hp.num_heads) + " heads");
    return hp;
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
    const std::vector<ParameterSpec> specs = parameter_specs(variant, dims, hyper_of(variant, params));
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
        if (s.name == "b_o" || s.name == "b2") {  // sized by the tensor they belong to
            const Matrix* owner = params.find(s.name == "b_o" ? "W_o" : "W2");
            if (!owner)
                throw std::invalid_argument("params." + s.name + ": given without " +
                                            (s.name == "b_o" ? "W_o" : "W2"));
            cols = owner->rows();
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
