// SPDX-License-Identifier: GPL-3.0-or-later
// Strict RFC 8259 parser and a shortest-round-trip writer. See json.hpp for the contract.
#include "attnviz/core/json.hpp"

#include "attnviz/core/utf8.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>
#include <unordered_map>

namespace attnviz::json {

// ---- Value ----------------------------------------------------------------------------------

const char* type_name(Value::Type t)
{
    switch (t) {
    case Value::Type::Null: return "null";
    case Value::Type::Bool: return "bool";
    case Value::Type::Number: return "number";
    case Value::Type::String: return "string";
    case Value::Type::Array: return "array";
    case Value::Type::Object: return "object";
    }
    return "unknown";
}

namespace {

// "expected a number, got a string"
[[noreturn]] void throw_type(Value::Type wanted, Value::Type got)
{
    const auto article = [](Value::Type t) {
        return t == Value::Type::Array || t == Value::Type::Object ? "an " : "a ";
    };
    std::string msg = "expected ";
    msg += article(wanted);
    msg += type_name(wanted);
    msg += ", got ";
    msg += got == Value::Type::Null ? "" : article(got);
    msg += type_name(got);
    throw std::invalid_argument(msg);
}

}  // namespace

bool Value::as_bool() const
{
    if (!is_bool()) throw_type(Type::Bool, type());
    return std::get<bool>(data_);
}

double Value::as_number() const
{
    if (!is_number()) throw_type(Type::Number, type());
    return std::get<double>(data_);
}

const std::string& Value::as_string() const
{
    if (!is_string()) throw_type(Type::String, type());
    return std::get<std::string>(data_);
}

const json::Array& Value::as_array() const
{
    if (!is_array()) throw_type(Type::Array, type());
    return std::get<json::Array>(data_);
}

json::Array& Value::as_array()
{
    if (!is_array()) throw_type(Type::Array, type());
    return std::get<json::Array>(data_);
}

const json::Object& Value::as_object() const
{
    if (!is_object()) throw_type(Type::Object, type());
    return std::get<json::Object>(data_);
}

json::Object& Value::as_object()
{
    if (!is_object()) throw_type(Type::Object, type());
    return std::get<json::Object>(data_);
}

const Value* Value::find(std::string_view key) const
{
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : std::get<json::Object>(data_))
        if (k == key) return &v;
    return nullptr;
}

Value& Value::operator[](std::string_view key)
{
    if (is_null()) data_ = json::Object{};
    json::Object& object = as_object();
    for (auto& [k, v] : object)
        if (k == key) return v;
    object.emplace_back(std::string(key), Value{});
    return object.back().second;
}

void Value::push_back(Value v)
{
    if (is_null()) data_ = json::Array{};
    as_array().push_back(std::move(v));
}

// ---- parser ---------------------------------------------------------------------------------

namespace {

constexpr int kMaxDepth = 512;

// Number of bytes in a UTF-8 sequence starting with `lead` (0: not a valid lead byte) and the
// range its second byte must fall in, which rules out overlong forms, UTF-16 surrogates
// (U+D800..U+DFFF) and code points above U+10FFFF (RFC 3629, table 3-7 of Unicode).
struct Utf8Lead {
    int length = 0;
    unsigned char second_low = 0x80, second_high = 0xBF;
};

Utf8Lead utf8_lead(unsigned char c)
{
    if (c < 0x80) return {1};
    if (c >= 0xC2 && c <= 0xDF) return {2};
    if (c == 0xE0) return {3, 0xA0, 0xBF};
    if (c >= 0xE1 && c <= 0xEC) return {3};
    if (c == 0xED) return {3, 0x80, 0x9F};
    if (c >= 0xEE && c <= 0xEF) return {3};
    if (c == 0xF0) return {4, 0x90, 0xBF};
    if (c >= 0xF1 && c <= 0xF3) return {4};
    if (c == 0xF4) return {4, 0x80, 0x8F};
    return {0};
}

// Length of the valid UTF-8 sequence at text[pos], or 0 when it is malformed or truncated.
std::size_t valid_utf8_length(std::string_view text, std::size_t pos)
{
    const Utf8Lead lead = utf8_lead(static_cast<unsigned char>(text[pos]));
    if (lead.length == 0 || pos + lead.length > text.size()) return 0;
    if (lead.length == 1) return 1;
    const auto second = static_cast<unsigned char>(text[pos + 1]);
    if (second < lead.second_low || second > lead.second_high) return 0;
    for (int i = 2; i < lead.length; ++i) {
        const auto c = static_cast<unsigned char>(text[pos + i]);
        if (c < 0x80 || c > 0xBF) return 0;
    }
    return static_cast<std::size_t>(lead.length);
}

std::string describe_char(std::string_view text, std::size_t pos)
{
    if (pos >= text.size()) return "end of input";
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    static const char* hex = "0123456789ABCDEF";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 0xF];
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value parse_document()
    {
        // RFC 8259 §8.1 lets a parser ignore a byte order mark; editors on Windows write one.
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        skip_whitespace();
        if (at_end()) fail("empty input, expected a JSON value");
        Value v = parse_value(0);
        skip_whitespace();
        if (!at_end()) fail("unexpected " + describe_char(text_, pos_) + " after the JSON value");
        return v;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }

    [[noreturn]] void fail(const std::string& msg) const { fail_at(pos_, msg); }

    // 1-based line and byte column of an offset. Computed only on error so that the hot loop
    // counts nothing.
    std::pair<std::size_t, std::size_t> line_column(std::size_t pos) const
    {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < pos && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return {line, column};
    }

    // "line 1, column 9"
    std::string position_of(std::size_t pos) const
    {
        const auto [line, column] = line_column(pos);
        return "line " + std::to_string(line) + ", column " + std::to_string(column);
    }

    [[noreturn]] void fail_at(std::size_t pos, const std::string& msg) const
    {
        const auto [line, column] = line_column(pos);
        throw ParseError(position_of(pos) + ": " + msg, line, column);
    }

    void skip_whitespace()
    {
        while (!at_end()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++pos_;
        }
    }

    Value parse_value(int depth)
    {
        switch (peek()) {
        case '{': return parse_object(depth + 1);
        case '[': return parse_array(depth + 1);
        case '"': return Value(parse_string());
        case 't': expect_literal("true"); return Value(true);
        case 'f': expect_literal("false"); return Value(false);
        case 'n': expect_literal("null"); return Value(nullptr);
        default: break;
        }
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return Value(parse_number());
        if (at_end()) fail("unexpected end of input, expected a JSON value");
        fail("unexpected " + describe_char(text_, pos_) + ", expected a JSON value");
    }

    void expect_literal(std::string_view word)
    {
        if (text_.substr(pos_, word.size()) != word)
            fail("invalid literal, expected '" + std::string(word) + "'");
        pos_ += word.size();
    }

    void check_depth(int depth) const
    {
        if (depth > kMaxDepth)
            fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }

    Value parse_array(int depth)
    {
        check_depth(depth);
        ++pos_;  // '['
        json::Array items;
        skip_whitespace();
        if (peek() == ']') {
            ++pos_;
            return Value(std::move(items));
        }
        for (;;) {
            skip_whitespace();
            if (peek() == ']') fail("trailing comma before ']'");
            items.push_back(parse_value(depth));
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return Value(std::move(items));
            }
            fail("expected ',' or ']', got " + describe_char(text_, pos_));
        }
    }

    // A key given twice is refused, as RFC 8259 §4 allows: its meaning would depend on which
    // occurrence a reader keeps ({"variant": "dot", ..., "variant": "additive"}). Small objects
    // are scanned (the common case: a few fields); from kLinearKeys members on, a map of the
    // keys seen keeps a large object (a safetensors header) linear.
    class KeySet {
    public:
        // The offset where `key` first appeared, or npos after recording it at `pos`.
        std::size_t find_or_add(const json::Object& members, const std::string& key, std::size_t pos)
        {
            if (members.size() < kLinearKeys) {
                for (std::size_t i = 0; i < members.size(); ++i)
                    if (members[i].first == key) return starts_[i];
            } else {
                if (index_.empty())
                    for (std::size_t i = 0; i < members.size(); ++i) index_.emplace(members[i].first, i);
                const auto [it, added] = index_.emplace(key, members.size());
                if (!added) return starts_[it->second];
            }
            starts_.push_back(pos);
            return std::string::npos;
        }

    private:
        static constexpr std::size_t kLinearKeys = 16;
        std::vector<std::size_t> starts_;  // offset of each member's key, in order
        std::unordered_map<std::string, std::size_t> index_;  // key -> member index
    };

    Value parse_object(int depth)
    {
        check_depth(depth);
        ++pos_;  // '{'
        json::Object members;
        KeySet keys;
        skip_whitespace();
        if (peek() == '}') {
            ++pos_;
            return Value(std::move(members));
        }
        for (;;) {
            skip_whitespace();
            if (peek() == '}') fail("trailing comma before '}'");
            if (peek() != '"')
                fail("expected a string key in double quotes, got " + describe_char(text_, pos_));
            const std::size_t key_start = pos_;
            std::string key = parse_string();
            if (const std::size_t first = keys.find_or_add(members, key, key_start); first != std::string::npos) {
                // The key as written back (escaped), cut so a hostile one cannot flood the message.
                std::string shown = dump(Value(key.size() > 64 ? key.substr(0, 64) + "..." : key));
                fail_at(key_start, "duplicate key " + shown + " (first at " + position_of(first) + ")");
            }
            skip_whitespace();
            if (peek() != ':') fail("expected ':' after key, got " + describe_char(text_, pos_));
            ++pos_;
            skip_whitespace();
            Value v = parse_value(depth);
            members.emplace_back(std::move(key), std::move(v));
            skip_whitespace();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return Value(std::move(members));
            }
            fail("expected ',' or '}', got " + describe_char(text_, pos_));
        }
    }

    std::uint32_t parse_hex4()
    {
        std::uint32_t cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = peek();
            std::uint32_t digit;
            if (c >= '0' && c <= '9') digit = static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint32_t>(c - 'A' + 10);
            else fail("expected 4 hexadecimal digits after \\u");
            cp = cp * 16 + digit;
            ++pos_;
        }
        return cp;
    }

    // A \u escape; pos_ is just after the 'u'. A high surrogate must be followed by an escaped
    // low surrogate; a lone surrogate of either kind is an error (it has no UTF-8 encoding).
    std::uint32_t parse_unicode_escape(std::size_t escape_start)
    {
        const std::uint32_t first = parse_hex4();
        if (first >= 0xDC00 && first <= 0xDFFF)
            fail_at(escape_start, "lone low surrogate \\u" + hex4(first));
        if (first < 0xD800 || first > 0xDBFF) return first;
        if (text_.substr(pos_, 2) != "\\u")
            fail_at(escape_start, "lone high surrogate \\u" + hex4(first) +
                                      " (expected a \\uDC00-\\uDFFF escape after it)");
        const std::size_t second_start = pos_;
        pos_ += 2;
        const std::uint32_t second = parse_hex4();
        if (second < 0xDC00 || second > 0xDFFF)
            fail_at(second_start, "high surrogate \\u" + hex4(first) +
                                      " followed by \\u" + hex4(second) +
                                      ", not a low surrogate");
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
    }

    static std::string hex4(std::uint32_t v)
    {
        static const char* hex = "0123456789ABCDEF";
        std::string s(4, '0');
        for (int i = 3; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = hex[v & 0xF];
        return s;
    }

    std::string parse_string()
    {
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (at_end()) fail("unterminated string");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20)
                fail("control character " + describe_char(text_, pos_) +
                     " in string (escape it)");
            if (c == '\\') {
                const std::size_t escape_start = pos_;
                ++pos_;
                const char e = peek();
                ++pos_;
                switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': utf8::append(out, parse_unicode_escape(escape_start)); break;
                default: fail_at(escape_start, "invalid escape \\" + describe_char(text_, escape_start + 1));
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                ++pos_;
                continue;
            }
            const std::size_t n = valid_utf8_length(text_, pos_);
            if (n == 0) fail("invalid UTF-8 in string");
            out.append(text_.substr(pos_, n));
            pos_ += n;
        }
    }

    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    double parse_number()
    {
        const std::size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (!is_digit(peek())) fail("expected a digit after '-'");
        // Decimal exponent of the first significant digit, to tell overflow from underflow.
        long long leading_exponent = 0;
        bool seen_nonzero = false;
        if (peek() == '0') {
            ++pos_;
            if (is_digit(peek())) fail_at(start, "leading zeros are not allowed in numbers");
        } else {
            while (is_digit(peek())) {
                seen_nonzero = true;
                ++leading_exponent;
                ++pos_;
            }
        }
        if (peek() == '.') {
            ++pos_;
            if (!is_digit(peek())) fail("expected a digit after the decimal point");
            while (is_digit(peek())) {
                if (!seen_nonzero) {
                    if (peek() != '0') seen_nonzero = true;
                    else --leading_exponent;
                }
                ++pos_;
            }
        }
        long long exponent = 0;
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            bool negative = false;
            if (peek() == '+' || peek() == '-') {
                negative = peek() == '-';
                ++pos_;
            }
            if (!is_digit(peek())) fail("expected a digit in the exponent");
            while (is_digit(peek())) {
                if (exponent < 1'000'000'000) exponent = exponent * 10 + (peek() - '0');
                ++pos_;
            }
            if (negative) exponent = -exponent;
        }
        double value = 0.0;
        const char* first = text_.data() + start;
        const char* last = text_.data() + pos_;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec == std::errc::result_out_of_range) {
            if (seen_nonzero && exponent + leading_exponent > 0)
                fail_at(start, "number " + std::string(first, last) +
                                   " is too large for a double");
            // Underflow: the nearest double is a (signed) zero.
            return *first == '-' ? -0.0 : 0.0;
        }
        if (ec != std::errc() || ptr != last) fail_at(start, "invalid number");
        return value;
    }
};

}  // namespace

Value parse(std::string_view text) { return Parser(text).parse_document(); }

// ---- writer ---------------------------------------------------------------------------------

namespace {

void write_number(std::string& out, double d)
{
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    // Shortest representation that reads back to the same double. Integers below 1e16 are
    // written with all their digits ("1000000", not the shorter "1e+06") and no decimal point;
    // larger ones in the shortest form ("1e+20"), which still has no decimal point.
    char buffer[400];
    const bool plain_integer = std::fabs(d) < 1e16 && d == std::trunc(d);
    const auto [ptr, ec] =
        plain_integer ? std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed)
                      : std::to_chars(buffer, buffer + sizeof buffer, d);
    out.append(buffer, ptr);
}

void write_string(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; ++i; continue;
        case '\\': out += "\\\\"; ++i; continue;
        case '\b': out += "\\b"; ++i; continue;
        case '\f': out += "\\f"; ++i; continue;
        case '\n': out += "\\n"; ++i; continue;
        case '\r': out += "\\r"; ++i; continue;
        case '\t': out += "\\t"; ++i; continue;
        default: break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t n = valid_utf8_length(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            // A string built in code with broken UTF-8 would make the document unreadable;
            // write U+FFFD REPLACEMENT CHARACTER for the bad byte instead.
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    out += '"';
}

bool is_scalar(const Value& v) { return !v.is_array() && !v.is_object(); }

void newline(std::string& out, int indent, int level)
{
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
}

void write_value(std::string& out, const Value& v, int indent, int level)
{
    switch (v.type()) {
    case Value::Type::Null: out += "null"; return;
    case Value::Type::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::Number: write_number(out, v.as_number()); return;
    case Value::Type::String: write_string(out, v.as_string()); return;
    case Value::Type::Array: {
        const json::Array& items = v.as_array();
        if (items.empty()) {
            out += "[]";
            return;
        }
        // Arrays of scalars (a matrix row, a bias) stay on one line even when indenting, so
        // that a matrix reads as a grid.
        bool flat = indent < 0;
        if (!flat) {
            flat = true;
            for (const Value& item : items) flat = flat && is_scalar(item);
        }
        out += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) out += indent < 0 ? "," : flat ? ", " : ",";
            if (!flat) newline(out, indent, level + 1);
            write_value(out, items[i], indent, level + 1);
        }
        if (!flat) newline(out, indent, level);
        out += ']';
        return;
    }
    case Value::Type::Object: {
        const json::Object& members = v.as_object();
        if (members.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i > 0) out += ',';
            if (indent >= 0) newline(out, indent, level + 1);
            write_string(out, members[i].first);
            out += indent >= 0 ? ": " : ":";
            write_value(out, members[i].second, indent, level + 1);
        }
        if (indent >= 0) newline(out, indent, level);
        out += '}';
        return;
    }
    }
}

}  // namespace

std::string dump(const Value& v, int indent)
{
    std::string out;
    write_value(out, v, indent, 0);
    return out;
}

}  // namespace attnviz::json
