// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/attention_json.hpp"

#include "attnviz/core/io/checked_math.hpp"
#include "attnviz/core/json.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace attnviz::io {

namespace {

// Rank is limited well above the 5 any accepted shape has, but low enough that a path string
// in a message stays short.
constexpr std::size_t kMaxRank = 16;

[[noreturn]] void fail(std::string_view file, const std::string& what)
{
    throw std::invalid_argument(std::string(file) + ": " + what);
}

// `"key"`, built without `"literal" + std::string`, which trips GCC 12's -Wrestrict false
// positive.
std::string field(std::string_view key)
{
    std::string s(1, '"');
    s.append(key);
    s.push_back('"');
    return s;
}

std::vector<std::string> string_list(const json::Value& v, std::string_view file,
                                     std::string_view key)
{
    if (!v.is_array())
        fail(file, field(key) + " must be a list of strings, got a " +
                       type_name(v.type()));
    std::vector<std::string> out;
    out.reserve(v.as_array().size());
    for (std::size_t i = 0; i < v.as_array().size(); ++i) {
        const json::Value& t = v.as_array()[i];
        if (!t.is_string())
            fail(file, field(key) + "[" + std::to_string(i) +
                           "] must be a string, got a " + type_name(t.type()));
        out.push_back(t.as_string());
    }
    return out;
}

struct Flattener {
    std::string_view file;
    const std::vector<std::int64_t>& shape;
    std::vector<float>& out;

    void walk(const json::Value& v, std::size_t depth, const std::string& path)
    {
        if (depth == shape.size()) {
            if (!v.is_number())
                fail(file, path + ": expected a number, got " +
                               (v.is_null() ? std::string("null (NaN is not accepted)")
                                            : std::string("a ") + type_name(v.type())));
            const double d = v.as_number();
            if (std::fabs(d) > std::numeric_limits<float>::max())
                fail(file, path + ": " + json::dump(v) + " does not fit a float32");
            out.push_back(static_cast<float>(d));
            return;
        }
        if (!v.is_array())
            fail(file, path + ": expected an array of " + std::to_string(shape[depth]) +
                           " entries, got a " + type_name(v.type()));
        const json::Array& a = v.as_array();
        if (static_cast<std::int64_t>(a.size()) != shape[depth])
            fail(file, path + ": expected " + std::to_string(shape[depth]) +
                           " entries (the arrays must be rectangular), got " +
                           std::to_string(a.size()));
        for (std::size_t i = 0; i < a.size(); ++i)
            walk(a[i], depth + 1, path + "[" + std::to_string(i) + "]");
    }
};

}  // namespace

AttentionJson parse_attention_json(std::string_view text, std::string_view file_name)
{
    json::Value root;
    try {
        root = json::parse(text);
    } catch (const std::invalid_argument& e) {
        fail(file_name, std::string("not valid JSON: ") + e.what());
    }
    if (!root.is_object())
        fail(file_name, std::string("expected a JSON object {\"tokens\": [...], \"attention\": "
                                    "[...]}, got a ") +
                            type_name(root.type()));
    const json::Value* attention = root.find("attention");
    if (!attention) fail(file_name, "missing \"attention\" (nested arrays of weights)");

    AttentionJson out;
    // The shape is read along the first element at each depth; Flattener then checks that
    // every other element agrees.
    const json::Value* v = attention;
    while (v->is_array()) {
        if (out.shape.size() >= kMaxRank)
            fail(file_name, "\"attention\" is nested more than " + std::to_string(kMaxRank) +
                                " levels deep");
        out.shape.push_back(static_cast<std::int64_t>(v->as_array().size()));
        if (v->as_array().empty()) break;
        v = &v->as_array().front();
    }
    const auto count = checked_product(out.shape);
    if (!count) fail(file_name, "\"attention\" is too large");
    out.values.reserve(static_cast<std::size_t>(*count));
    if (*count > 0) Flattener{file_name, out.shape, out.values}.walk(*attention, 0, "attention");

    if (const json::Value* t = root.find("tokens")) out.tokens = string_list(*t, file_name, "tokens");
    if (const json::Value* t = root.find("query_tokens"))
        out.query_tokens = string_list(*t, file_name, "query_tokens");
    return out;
}

}  // namespace attnviz::io
