// SPDX-License-Identifier: GPL-3.0-or-later
// A small JSON value, parser and writer: the session format, safetensors headers and model
// metadata all need one, and the core may depend on nothing but Eigen and the standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace attnviz::json {

class Value;
using Array = std::vector<Value>;
// Insertion order is kept so that written files read in the order they were built.
using Object = std::vector<std::pair<std::string, Value>>;

class Value {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    Value() = default;  // null
    Value(std::nullptr_t) {}
    Value(bool b) : data_(b) {}
    Value(double d) : data_(d) {}
    Value(int i) : data_(static_cast<double>(i)) {}
    Value(long i) : data_(static_cast<double>(i)) {}
    Value(long long i) : data_(static_cast<double>(i)) {}
    Value(unsigned long i) : data_(static_cast<double>(i)) {}
    Value(unsigned long long i) : data_(static_cast<double>(i)) {}
    Value(std::string s) : data_(std::move(s)) {}
    Value(std::string_view s) : data_(std::string(s)) {}
    Value(const char* s) : data_(std::string(s)) {}
    Value(json::Array a) : data_(std::move(a)) {}
    Value(json::Object o) : data_(std::move(o)) {}

    Type type() const { return static_cast<Type>(data_.index()); }
    bool is_null() const { return type() == Type::Null; }
    bool is_bool() const { return type() == Type::Bool; }
    bool is_number() const { return type() == Type::Number; }
    bool is_string() const { return type() == Type::String; }
    bool is_array() const { return type() == Type::Array; }
    bool is_object() const { return type() == Type::Object; }

    // Each throws std::invalid_argument("expected a number, got a string") on a type mismatch.
    bool as_bool() const;
    double as_number() const;
    const std::string& as_string() const;
    const json::Array& as_array() const;
    json::Array& as_array();
    const json::Object& as_object() const;
    json::Object& as_object();

    // Object member by key, or nullptr when absent (or when this is not an object).
    const Value* find(std::string_view key) const;
    // Object member by key, inserted as null when absent; turns a null into an empty object.
    Value& operator[](std::string_view key);
    // Appends to an array; turns a null into an empty array.
    void push_back(Value v);

    friend bool operator==(const Value&, const Value&) = default;

private:
    std::variant<std::nullptr_t, bool, double, std::string, json::Array, json::Object> data_;
};

const char* type_name(Value::Type t);  // "null", "bool", "number", "string", "array", "object"

struct ParseError : std::invalid_argument {
    ParseError(const std::string& what, std::size_t line, std::size_t column)
        : std::invalid_argument(what), line(line), column(column) {}
    std::size_t line;    // 1-based
    std::size_t column;  // 1-based, in bytes
};

// Strict RFC 8259 (no comments, no trailing commas, UTF-8 validated, \u escapes with surrogate
// pairs). Throws ParseError("line 3, column 7: expected ',' or ']'"). Nesting is limited to
// 512 levels so that hostile input cannot overflow the stack. An object that gives a key twice
// is refused ("line 9, column 3: duplicate key \"variant\" (first at line 4, column 3)"):
// which occurrence counts would otherwise depend on the reader.
Value parse(std::string_view text);

// indent < 0: compact, one line. Numbers are written in their shortest form that reads back to
// the same double (std::to_chars), so a write → parse round trip is bit-exact; integers have no
// decimal point. Non-finite numbers are written as null. With indent >= 0, an array holding
// only scalars (a matrix row, a bias) stays on one line so that matrices read as grids.
std::string dump(const Value& v, int indent = -1);

}  // namespace attnviz::json
