// SPDX-License-Identifier: GPL-3.0-or-later
#include "json_node.hpp"

#include <cmath>
#include <stdexcept>

namespace attnviz::tokenizers {

void Node::fail(const std::string& what) const
{
    throw std::invalid_argument(*file_ + ": " + (path_.empty() ? "" : path_ + ": ") + what);
}

std::optional<Node> Node::get(std::string_view key) const
{
    if (!value_->is_object()) fail(std::string("expected an object, got ") + json::type_name(value_->type()));
    const json::Value* v = value_->find(key);
    if (!v || v->is_null()) return std::nullopt;
    return Node(*v, path_.empty() ? std::string(key) : path_ + "." + std::string(key), *file_);
}

Node Node::at(std::string_view key) const
{
    auto n = get(key);
    if (!n) fail("missing \"" + std::string(key) + "\"");
    return *n;
}

Node Node::item(std::size_t i) const
{
    if (!value_->is_array()) fail(std::string("expected an array, got ") + json::type_name(value_->type()));
    const auto& a = value_->as_array();
    if (i >= a.size()) fail("index " + std::to_string(i) + " out of range");
    return Node(a[i], path_ + "[" + std::to_string(i) + "]", *file_);
}

std::string Node::str() const
{
    if (!value_->is_string()) fail(std::string("expected a string, got ") + json::type_name(value_->type()));
    return value_->as_string();
}

bool Node::boolean() const
{
    if (!value_->is_bool()) fail(std::string("expected true or false, got ") + json::type_name(value_->type()));
    return value_->as_bool();
}

long long Node::integer(long long min, long long max) const
{
    if (!value_->is_number()) fail(std::string("expected an integer, got ") + json::type_name(value_->type()));
    const double d = value_->as_number();
    if (!(d == std::floor(d)) || d < static_cast<double>(min) || d > static_cast<double>(max))
        fail("expected an integer in " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
             json::dump(*value_));
    return static_cast<long long>(d);
}

std::size_t Node::size() const
{
    if (!value_->is_array()) fail(std::string("expected an array, got ") + json::type_name(value_->type()));
    return value_->as_array().size();
}

const json::Object& Node::object() const
{
    if (!value_->is_object()) fail(std::string("expected an object, got ") + json::type_name(value_->type()));
    return value_->as_object();
}

std::string Node::str_or(std::string_view key, const std::string& fallback) const
{
    const auto n = get(key);
    return n ? n->str() : fallback;
}

bool Node::bool_or(std::string_view key, bool fallback) const
{
    const auto n = get(key);
    return n ? n->boolean() : fallback;
}

std::optional<std::string> Node::optional_str(std::string_view key) const
{
    const auto n = get(key);
    if (!n) return std::nullopt;
    return n->str();
}

std::string Node::type() const
{
    return at("type").str();
}

std::string join_names(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

}  // namespace attnviz::tokenizers
