// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/npy.hpp"

#include "attnviz/core/io/checked_math.hpp"

#include <cctype>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <variant>

namespace attnviz::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes

[[noreturn]] void fail(std::string_view file, const std::string& what)
{
    throw std::invalid_argument(std::string(file) + ": " + what);
}

// The header is a Python literal; only what numpy writes is understood: a dict with string
// keys whose values are strings, True/False, or tuples of integers. Anything else (a list, as
// structured dtypes use) becomes `Unsupported`, reported by the caller with its key.
struct Unsupported {};
using Literal = std::variant<std::string, bool, std::vector<std::int64_t>, Unsupported>;

class DictParser {
public:
    DictParser(std::string_view text, std::string_view file) : s_(text), file_(file) {}

    std::vector<std::pair<std::string, Literal>> parse()
    {
        std::vector<std::pair<std::string, Literal>> out;
        expect('{');
        while (true) {
            skip_space();
            if (peek() == '}') { ++i_; break; }
            std::string key = parse_string();
            expect(':');
            out.emplace_back(std::move(key), parse_value());
            skip_space();
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            break;
        }
        skip_space();
        if (i_ != s_.size()) error("unexpected text after the header dict");
        return out;
    }

private:
    [[noreturn]] void error(const std::string& what)
    {
        fail(file_, "malformed .npy header: " + what + " at byte " + std::to_string(i_) +
                        " of \"" + std::string(s_.substr(0, 120)) + "\"");
    }
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void skip_space()
    {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void expect(char c)
    {
        skip_space();
        if (peek() != c) error(std::string("expected '") + c + "'");
        ++i_;
    }
    std::string parse_string()
    {
        skip_space();
        const char quote = peek();
        if (quote != '\'' && quote != '"') error("expected a quoted string");
        ++i_;
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != quote) {
            if (s_[i_] == '\\') error("escape sequences are not supported");
            ++i_;
        }
        if (i_ >= s_.size()) error("unterminated string");
        return std::string(s_.substr(start, i_++ - start));
    }
    std::int64_t parse_int()
    {
        skip_space();
        std::int64_t v = 0;
        const std::size_t start = i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[i_] - '0', &v))
                error("dimension too large");
            ++i_;
        }
        if (i_ == start) error("expected a non-negative integer");
        if (peek() == 'L') ++i_;  // written by Python 2's numpy
        return v;
    }
    Literal parse_value()
    {
        skip_space();
        const char c = peek();
        if (c == '\'' || c == '"') return parse_string();
        if (s_.substr(i_, 4) == "True") { i_ += 4; return true; }
        if (s_.substr(i_, 5) == "False") { i_ += 5; return false; }
        if (c == '(') {
            ++i_;
            std::vector<std::int64_t> dims;
            while (true) {
                skip_space();
                if (peek() == ')') { ++i_; break; }
                if (dims.size() >= 64) error("more than 64 dimensions");
                dims.push_back(parse_int());
                skip_space();
                if (peek() == ',') { ++i_; continue; }
                expect(')');
                break;
            }
            return dims;
        }
        if (c == '[') {
            skip_nested();
            return Unsupported{};
        }
        error("unexpected value");
    }
    // Skips a bracketed literal (a structured dtype's list of fields) without interpreting it.
    void skip_nested()
    {
        int depth = 0;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\'' || c == '"') { parse_string(); continue; }
            if (c == '[' || c == '(') ++depth;
            if (c == ']' || c == ')') --depth;
            ++i_;
            if (depth == 0) return;
        }
        error("unterminated list");
    }

    std::string_view s_;
    std::string_view file_;
    std::size_t i_ = 0;
};

std::uint32_t read_le(const std::byte* p, int n)
{
    std::uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint32_t>(p[i]);
    return v;
}

}  // namespace

std::vector<std::int64_t> NpyHeader::strides() const
{
    std::vector<std::int64_t> s(shape.size());
    std::int64_t step = 1;
    if (fortran_order) {
        for (std::size_t d = 0; d < shape.size(); ++d) { s[d] = step; step *= shape[d]; }
    } else {
        for (std::size_t d = shape.size(); d-- > 0;) { s[d] = step; step *= shape[d]; }
    }
    return s;
}

NpyHeader parse_npy_header(std::span<const std::byte> file, std::string_view file_name)
{
    if (file.size() < 10 || std::memcmp(file.data(), kMagic, 6) != 0) {
        if (file.size() >= 6 && std::memcmp(file.data(), kMagic, 6) == 0)
            fail(file_name, "truncated: the .npy preamble needs 10 bytes, got " +
                                std::to_string(file.size()));
        fail(file_name, "not a .npy file (expected the magic string \\x93NUMPY)");
    }
    NpyHeader h;
    h.major_version = static_cast<int>(file[6]);
    std::size_t prefix = 0;
    std::size_t length = 0;
    if (h.major_version == 1) {
        prefix = 10;
        length = read_le(file.data() + 8, 2);
    } else if (h.major_version == 2 || h.major_version == 3) {
        if (file.size() < 12)
            fail(file_name, "truncated: the .npy v" + std::to_string(h.major_version) +
                                " preamble needs 12 bytes, got " + std::to_string(file.size()));
        prefix = 12;
        length = read_le(file.data() + 8, 4);
    } else {
        fail(file_name, "unsupported .npy version " + std::to_string(h.major_version) +
                            " (expected 1, 2 or 3)");
    }
    if (length > file.size() - prefix)
        fail(file_name, "truncated: the .npy header length says " + std::to_string(length) +
                            " bytes but only " + std::to_string(file.size() - prefix) + " follow");
    h.data_offset = prefix + length;

    const std::string_view text(reinterpret_cast<const char*>(file.data() + prefix), length);
    bool have_descr = false, have_order = false, have_shape = false;
    for (auto& [key, value] : DictParser(text, file_name).parse()) {
        if (key == "descr") {
            if (!std::holds_alternative<std::string>(value))
                fail(file_name, "unsupported dtype: structured arrays are not supported "
                                "(expected float16, float32 or float64)");
            h.descr = std::get<std::string>(value);
            have_descr = true;
        } else if (key == "fortran_order") {
            if (!std::holds_alternative<bool>(value))
                fail(file_name, "malformed .npy header: 'fortran_order' must be True or False");
            h.fortran_order = std::get<bool>(value);
            have_order = true;
        } else if (key == "shape") {
            if (!std::holds_alternative<std::vector<std::int64_t>>(value))
                fail(file_name, "malformed .npy header: 'shape' must be a tuple of integers");
            h.shape = std::get<std::vector<std::int64_t>>(value);
            have_shape = true;
        }
    }
    if (!have_descr || !have_order || !have_shape)
        fail(file_name, "malformed .npy header: expected the keys 'descr', 'fortran_order' "
                        "and 'shape'");

    // descr: a byte-order character, a kind and a size, e.g. "<f4".
    std::string_view d = h.descr;
    h.order = native_byte_order();
    if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '=' || d[0] == '|')) {
        if (d[0] == '<') h.order = ByteOrder::Little;
        if (d[0] == '>') h.order = ByteOrder::Big;
        d.remove_prefix(1);
    }
    if (d == "f2") h.dtype = DType::F16;
    else if (d == "f4") h.dtype = DType::F32;
    else if (d == "f8") h.dtype = DType::F64;
    else
        fail(file_name, "unsupported dtype '" + h.descr +
                            "' (expected float16, float32 or float64: '<f2', '<f4' or '<f8')");

    const auto count = checked_product(h.shape);
    const auto bytes = count ? checked_mul(static_cast<std::uint64_t>(*count), element_size(h.dtype))
                             : std::nullopt;
    if (!bytes) fail(file_name, "the .npy shape is too large");
    const std::size_t available = file.size() - h.data_offset;
    if (*bytes != available) {
        std::string shape = "(";
        for (std::size_t i = 0; i < h.shape.size(); ++i)
            shape += (i ? ", " : "") + std::to_string(h.shape[i]);
        shape += h.shape.size() == 1 ? ",)" : ")";
        fail(file_name, std::string(*bytes > available ? "truncated: " : "") + "shape " + shape +
                            " of " + std::string(dtype_name(h.dtype)) + " needs " +
                            std::to_string(*bytes) + " bytes of data, the file holds " +
                            std::to_string(available));
    }
    h.data_size = static_cast<std::size_t>(*bytes);
    return h;
}

std::vector<std::byte> npy_bytes(std::span<const std::int64_t> shape,
                                 std::span<const double> values, DType dtype, ByteOrder order,
                                 bool fortran_order, int version)
{
    if (dtype != DType::F16 && dtype != DType::F32 && dtype != DType::F64)
        throw std::invalid_argument("npy writer: dtype " + std::string(dtype_name(dtype)) +
                                    " (expected float16, float32 or float64)");
    if (version < 1 || version > 3)
        throw std::invalid_argument("npy writer: version " + std::to_string(version) +
                                    " (expected 1, 2 or 3)");
    const auto count = checked_product(shape);
    if (!count || static_cast<std::uint64_t>(*count) != values.size())
        throw std::invalid_argument("npy writer: shape and value count disagree");

    const char kind = dtype == DType::F16 ? '2' : dtype == DType::F32 ? '4' : '8';
    std::string dict = std::string("{'descr': '") + (order == ByteOrder::Little ? '<' : '>') +
                       'f' + kind + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                       ", 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i)
        dict += (i ? ", " : "") + std::to_string(shape[i]);
    dict += shape.size() == 1 ? ",), }" : "), }";
    const std::size_t prefix = version == 1 ? 10 : 12;
    // numpy pads with spaces and a final newline so that the data starts 64-byte aligned.
    std::size_t total = prefix + dict.size() + 1;
    dict.append((64 - total % 64) % 64, ' ');
    dict += '\n';

    const std::size_t size = element_size(dtype);
    std::vector<std::byte> out(prefix + dict.size() + values.size() * size);
    std::memcpy(out.data(), kMagic, 6);
    out[6] = static_cast<std::byte>(version);
    out[7] = std::byte{0};
    const std::size_t len = dict.size();
    for (std::size_t i = 0; i < prefix - 8; ++i)
        out[8 + i] = static_cast<std::byte>((len >> (8 * i)) & 0xFF);
    std::memcpy(out.data() + prefix, dict.data(), dict.size());

    // Element k in C order has multi-index (i_0, ..., i_{r-1}); its position in memory follows
    // the requested order's strides.
    NpyHeader layout;
    layout.shape.assign(shape.begin(), shape.end());
    layout.fortran_order = fortran_order;
    const std::vector<std::int64_t> strides = layout.strides();
    std::byte* data = out.data() + prefix + dict.size();
    std::vector<std::int64_t> index(shape.size(), 0);
    for (std::size_t k = 0; k < values.size(); ++k) {
        std::int64_t pos = 0;
        for (std::size_t d = 0; d < shape.size(); ++d) pos += index[d] * strides[d];
        store_from_double(data + pos * static_cast<std::int64_t>(size), values[k], dtype, order);
        for (std::size_t d = shape.size(); d-- > 0;) {
            if (++index[d] < shape[d]) break;
            index[d] = 0;
        }
    }
    return out;
}

}  // namespace attnviz::io
