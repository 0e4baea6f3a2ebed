// SPDX-License-Identifier: GPL-3.0-or-later
// Reading tokenizer.json with messages that name the file and the field:
//   "tokenizer.json: model.merges[3]: expected a string or a pair of strings, got a number".
#pragma once

#include "attnviz/core/json.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::tokenizers {

class Node {
public:
    Node(const json::Value& value, std::string path, const std::string& file)
        : value_(&value), path_(std::move(path)), file_(&file)
    {
    }

    const json::Value& value() const { return *value_; }
    const std::string& path() const { return path_; }
    const std::string& file() const { return *file_; }

    // Throws std::invalid_argument("FILE: PATH: WHAT").
    [[noreturn]] void fail(const std::string& what) const;

    // A member; absent or null gives nullopt (Hugging Face writes null for "none").
    std::optional<Node> get(std::string_view key) const;
    Node at(std::string_view key) const;  // required
    Node item(std::size_t i) const;       // of an array

    std::string str() const;
    bool boolean() const;
    long long integer(long long min, long long max) const;
    std::size_t size() const;  // of an array
    const json::Object& object() const;

    std::string str_or(std::string_view key, const std::string& fallback) const;
    bool bool_or(std::string_view key, bool fallback) const;
    std::optional<std::string> optional_str(std::string_view key) const;
    // The "type" member, for messages of the form "unsupported type".
    std::string type() const;

private:
    const json::Value* value_;
    std::string path_;
    const std::string* file_;
};

// "A, B, C" for messages.
std::string join_names(const std::vector<std::string>& names);

}  // namespace attnviz::tokenizers
