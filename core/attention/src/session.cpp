// SPDX-License-Identifier: GPL-3.0-or-later
// Session format v1: JSON text <-> Session. Every error names the JSON path it is about.
#include "attnviz/core/session.hpp"

#include "attnviz/core/json_matrix.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz {

namespace {

// Whole numbers in a JSON double are exact up to 2^53; seeds and sizes must stay below.
constexpr double kMaxWholeNumber = 9007199254740992.0;

[[noreturn]] void fail(std::string_view path, const std::string& msg)
{
    throw std::invalid_argument(std::string(path) + ": " + msg);
}

std::string describe(const json::Value& v)
{
    switch (v.type()) {
    case json::Value::Type::Null: return "null";
    case json::Value::Type::Bool: return v.as_bool() ? "true" : "false";
    case json::Value::Type::Number: return json::dump(v);
    case json::Value::Type::String: return "a string";
    case json::Value::Type::Array: return "an array";
    case json::Value::Type::Object: return "an object";
    }
    return "unknown";
}

const std::string& string_at(const json::Value& v, std::string_view path)
{
    if (!v.is_string()) fail(path, "expected a string, got " + describe(v));
    return v.as_string();
}

double whole_number(const json::Value& v, std::string_view path, double min)
{
    if (!v.is_number() || v.as_number() != std::trunc(v.as_number()) || v.as_number() < min ||
        v.as_number() > kMaxWholeNumber)
        fail(path, "expected a whole number >= " + json::dump(json::Value(min)) + ", got " +
                       describe(v));
    return v.as_number();
}

std::vector<std::string> labels_from_json(const json::Value& v, std::string_view path)
{
    if (!v.is_array()) fail(path, "expected an array of strings, got " + describe(v));
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < v.as_array().size(); ++i)
        labels.push_back(string_at(v.as_array()[i], std::string(path) + "[" + std::to_string(i) + "]"));
    return labels;
}

std::string variant_list()
{
    std::string s;
    for (Variant v : kAllVariants) s += (s.empty() ? "" : ", ") + std::string(variant_id(v));
    return s;
}

void reject_unknown_fields(const json::Object& object, std::string_view prefix,
                           std::initializer_list<std::string_view> known)
{
    for (const auto& [key, value] : object) {
        bool found = false;
        for (std::string_view k : known) found = found || k == key;
        if (found) continue;
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(std::string(prefix) + key, "unknown field (known: " + list + ")");
    }
}

MaskSpec mask_from_json(const json::Value& v)
{
    if (!v.is_object())
        fail("mask", "expected an object with valid_len, causal and/or matrix, got " + describe(v));
    reject_unknown_fields(v.as_object(), "mask.", {"valid_len", "causal", "matrix"});
    MaskSpec mask;
    if (const json::Value* len = v.find("valid_len")) {
        if (len->is_array()) {
            for (std::size_t i = 0; i < len->as_array().size(); ++i)
                mask.valid_len.push_back(static_cast<Index>(whole_number(
                    len->as_array()[i], "mask.valid_len[" + std::to_string(i) + "]", 0)));
            if (mask.valid_len.empty())
                fail("mask.valid_len", "expected a number or a non-empty list, got []");
        } else {
            mask.valid_len.push_back(static_cast<Index>(whole_number(*len, "mask.valid_len", 0)));
        }
    }
    if (const json::Value* causal = v.find("causal")) {
        if (!causal->is_bool()) fail("mask.causal", "expected true or false, got " + describe(*causal));
        mask.causal = causal->as_bool();
    }
    if (const json::Value* m = v.find("matrix")) {
        // 0/1 (or false/true) entries, 1 = masked. Read as numbers first for the row checks.
        json::Value numbers = *m;
        if (numbers.is_array())
            for (json::Value& row : numbers.as_array())
                if (row.is_array())
                    for (json::Value& x : row.as_array())
                        if (x.is_bool()) x = json::Value(x.as_bool() ? 1 : 0);
        const Matrix dense = matrix_from_json(numbers, "mask.matrix");
        for (Index i = 0; i < dense.rows(); ++i)
            for (Index j = 0; j < dense.cols(); ++j)
                if (dense(i, j) != 0.0 && dense(i, j) != 1.0)
                    fail("mask.matrix", "row " + std::to_string(i) + ", column " +
                                            std::to_string(j) + ": expected 0 or 1 (1 = masked), got " +
                                            json::dump(json::Value(dense(i, j))));
        mask.matrix = dense.array() != 0.0;
    }
    return mask;
}

Parameters params_from_json(const json::Value& v, Variant variant, const ParamHyper& hyper)
{
    if (!v.is_object()) fail("params", "expected an object of named tensors, got " + describe(v));
    Parameters params;
    params.num_heads = variant_traits(variant).uses_heads ? hyper.num_heads : 1;
    for (const auto& [name, value] : v.as_object()) {
        const std::string path = "params." + name;
        if (name == "num_heads")
            params.num_heads = static_cast<Index>(whole_number(value, path, 1));
        else
            params.tensors[name] = tensor_from_json(value, path);
    }
    return params;
}

bool variant_has_parameters(Variant v) { return !parameter_specs(v, {}, {}).empty(); }

}  // namespace

Index result_query_rows(const Session& s)
{
    return variant_traits(s.variant).single_query_row ? 1 : s.queries.rows();
}

Session session_from_json(const json::Value& root)
{
    if (!root.is_object()) fail("session", "expected a JSON object, got " + describe(root));
    reject_unknown_fields(root.as_object(), "",
                          {"format", "version", "name", "description", "variant", "queries",
                           "keys", "values", "query_tokens", "key_tokens", "mask", "temperature",
                           "params", "seed", "hidden", "num_heads"});

    const json::Value* format = root.find("format");
    if (!format) fail("format", "missing (expected \"attnviz-session\")");
    if (!format->is_string() || format->as_string() != kSessionFormat)
        fail("format", "expected \"attnviz-session\", got " +
                           (format->is_string() ? json::dump(*format) : describe(*format)));

    const json::Value* version = root.find("version");
    if (!version) fail("version", "missing (this program reads version " + std::to_string(kSessionVersion) + ")");
    const double v = whole_number(*version, "version", 1);
    if (v > kSessionVersion)
        fail("version", json::dump(*version) + " is newer than this program reads (" +
                            std::to_string(kSessionVersion) + ")");

    Session s;
    if (const json::Value* name = root.find("name")) s.name = string_at(*name, "name");
    if (const json::Value* d = root.find("description")) s.description = string_at(*d, "description");

    const json::Value* variant = root.find("variant");
    if (!variant) fail("variant", "missing (known: " + variant_list() + ")");
    const std::optional<Variant> parsed = variant_from_id(string_at(*variant, "variant"));
    if (!parsed)
        fail("variant", "unknown " + json::dump(*variant) + " (known: " + variant_list() + ")");
    s.variant = *parsed;

    const json::Value* queries = root.find("queries");
    if (!queries) fail("queries", "missing (one array of numbers per query token)");
    s.queries = matrix_from_json(*queries, "queries");
    // Self-attention by default: keys are the queries, values are the keys.
    const json::Value* keys = root.find("keys");
    s.keys = keys ? matrix_from_json(*keys, "keys") : s.queries;
    const json::Value* values = root.find("values");
    s.values = values ? matrix_from_json(*values, "values") : s.keys;

    if (const json::Value* t = root.find("query_tokens")) s.query_tokens = labels_from_json(*t, "query_tokens");
    if (const json::Value* t = root.find("key_tokens")) s.key_tokens = labels_from_json(*t, "key_tokens");
    if (const json::Value* m = root.find("mask")) s.mask = mask_from_json(*m);

    if (const json::Value* t = root.find("temperature")) {
        if (!t->is_number() || !(t->as_number() > 0))
            fail("temperature", "expected a number > 0, got " + describe(*t));
        s.temperature = t->as_number();
    }
    if (const json::Value* seed = root.find("seed"))
        s.hyper.seed = static_cast<std::uint64_t>(whole_number(*seed, "seed", 0));
    if (const json::Value* h = root.find("hidden"))
        s.hyper.hidden = static_cast<Index>(whole_number(*h, "hidden", 1));
    if (const json::Value* h = root.find("num_heads"))
        s.hyper.num_heads = static_cast<Index>(whole_number(*h, "num_heads", 1));

    if (const json::Value* p = root.find("params")) {
        s.params = params_from_json(*p, s.variant, s.hyper);
        s.params_given = true;
    }
    return s;
}

Session parse_session(std::string_view json_text)
{
    Session s = session_from_json(json::parse(json_text));
    // Shapes that depend on the variant and the parameters are checked by the same functions
    // the computation calls at entry, without computing: a 2048-token session loads without
    // an attention pass the caller will run again anyway.
    check_session(s);
    return s;
}

json::Value params_to_json(Variant variant, const Parameters& params)
{
    json::Value out = json::Object{};
    if (variant_traits(variant).uses_heads || params.num_heads != 1) out["num_heads"] = params.num_heads;
    // In the order of the variant table, so that written files read like the docs; names the
    // variant does not take (an unchecked set) after them, as matrices.
    const std::vector<ParameterSpec> specs = parameter_specs(variant, {}, {});
    for (const ParameterSpec& spec : specs) {
        const Matrix* m = params.find(spec.name);
        if (!m) continue;
        if (spec.is_scalar && m->rows() == 1 && m->cols() == 1) out[spec.name] = (*m)(0, 0);
        else if (spec.is_vector && m->rows() == 1 && m->cols() > 0) out[spec.name] = flat_to_json(*m);
        else out[spec.name] = matrix_to_json(*m);
    }
    for (const auto& [name, m] : params.tensors) {
        bool known = false;
        for (const ParameterSpec& spec : specs) known = known || spec.name == name;
        if (!known) out[name] = matrix_to_json(m);
    }
    return out;
}

json::Value session_to_json(const Session& s)
{
    json::Value out;
    out["format"] = kSessionFormat;
    out["version"] = kSessionVersion;
    if (!s.name.empty()) out["name"] = s.name;
    if (!s.description.empty()) out["description"] = s.description;
    out["variant"] = variant_id(s.variant);
    out["temperature"] = s.temperature;
    const ParamHyper defaults;
    const bool generated = !s.params_given && variant_has_parameters(s.variant);
    if (generated || s.hyper.seed != defaults.seed) out["seed"] = s.hyper.seed;
    if (generated || s.hyper.hidden != defaults.hidden) out["hidden"] = s.hyper.hidden;
    if (generated || s.hyper.num_heads != defaults.num_heads) out["num_heads"] = s.hyper.num_heads;
    out["queries"] = matrix_to_json(s.queries);
    out["keys"] = matrix_to_json(s.keys);
    out["values"] = matrix_to_json(s.values);
    const auto labels = [](const std::vector<std::string>& tokens) {
        json::Array a;
        for (const std::string& t : tokens) a.emplace_back(t);
        return json::Value(std::move(a));
    };
    if (!s.query_tokens.empty()) out["query_tokens"] = labels(s.query_tokens);
    if (!s.key_tokens.empty()) out["key_tokens"] = labels(s.key_tokens);
    if (!s.mask.empty()) {
        json::Value& mask = out["mask"];
        mask = json::Object{};
        if (s.mask.valid_len.size() == 1) {
            mask["valid_len"] = s.mask.valid_len[0];
        } else if (!s.mask.valid_len.empty()) {
            json::Array lens;
            for (Index n : s.mask.valid_len) lens.emplace_back(n);
            mask["valid_len"] = std::move(lens);
        }
        if (s.mask.causal) mask["causal"] = true;
        if (s.mask.matrix.size() != 0) mask["matrix"] = matrix_to_json(s.mask.matrix.cast<double>());
    }
    if (s.params_given) out["params"] = params_to_json(s.variant, s.params);
    return out;
}

std::string write_session(const Session& s) { return json::dump(session_to_json(s), 2) + "\n"; }

}  // namespace attnviz
