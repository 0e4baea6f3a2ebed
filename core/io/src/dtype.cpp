// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/io/dtype.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace attnviz::io {

ByteOrder native_byte_order()
{
    return std::endian::native == std::endian::big ? ByteOrder::Big : ByteOrder::Little;
}

std::size_t element_size(DType t)
{
    switch (t) {
    case DType::F16:
    case DType::BF16: return 2;
    case DType::F32:
    case DType::I32: return 4;
    case DType::F64:
    case DType::I64: return 8;
    }
    return 0;
}

bool is_floating(DType t) { return t != DType::I32 && t != DType::I64; }

std::string_view safetensors_name(DType t)
{
    switch (t) {
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F32: return "F32";
    case DType::F64: return "F64";
    case DType::I32: return "I32";
    case DType::I64: return "I64";
    }
    return "?";
}

std::optional<DType> dtype_from_safetensors_name(std::string_view name)
{
    for (DType t : {DType::F16, DType::BF16, DType::F32, DType::F64, DType::I32, DType::I64})
        if (safetensors_name(t) == name) return t;
    return std::nullopt;
}

std::string_view dtype_name(DType t)
{
    switch (t) {
    case DType::F16: return "float16";
    case DType::BF16: return "bfloat16";
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::I32: return "int32";
    case DType::I64: return "int64";
    }
    return "?";
}

float half_to_float(std::uint16_t h)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1Fu;
    const std::uint32_t mantissa = h & 0x3FFu;
    if (exponent == 0) {
        // Zero or subnormal: mantissa × 2^-24, exact in float.
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    std::uint32_t bits;
    if (exponent == 0x1F)
        bits = sign | 0x7F800000u | (mantissa << 13);  // infinity or NaN (payload kept)
    else
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    return std::bit_cast<float>(bits);
}

std::uint16_t float_to_half(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const std::uint16_t sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    if (std::isnan(f)) return static_cast<std::uint16_t>(sign | 0x7E00u);
    const float a = std::fabs(f);
    if (a >= 65520.0f) return static_cast<std::uint16_t>(sign | 0x7C00u);  // rounds to infinity
    if (a < 6.103515625e-05f) {
        // Subnormal half: a multiple of 2^-24; nearbyint rounds ties to even.
        const float q = std::nearbyint(a * 16777216.0f);
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(q));
    }
    // Normal: keep 10 mantissa bits, rounding the 13 dropped ones to nearest even. A carry out of
    // the mantissa correctly bumps the exponent.
    const std::uint32_t abs_bits = bits & 0x7FFFFFFFu;
    std::uint32_t rebased = abs_bits - ((127u - 15u) << 23);
    const std::uint32_t dropped = rebased & 0x1FFFu;
    rebased >>= 13;
    if (dropped > 0x1000u || (dropped == 0x1000u && (rebased & 1u))) ++rebased;
    return static_cast<std::uint16_t>(sign | rebased);
}

float bfloat16_to_float(std::uint16_t bits)
{
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t float_to_bfloat16(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    if (std::isnan(f)) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
    const std::uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
    return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

namespace {

// std::byteswap is C++23.
std::uint16_t swap_bytes(std::uint16_t v) { return __builtin_bswap16(v); }
std::uint32_t swap_bytes(std::uint32_t v) { return __builtin_bswap32(v); }
std::uint64_t swap_bytes(std::uint64_t v) { return __builtin_bswap64(v); }

template <typename U>
U load_uint(const std::byte* p, ByteOrder order)
{
    U v;
    std::memcpy(&v, p, sizeof v);
    if (order != native_byte_order()) v = swap_bytes(v);
    return v;
}

template <typename U>
void store_uint(std::byte* p, U v, ByteOrder order)
{
    if (order != native_byte_order()) v = swap_bytes(v);
    std::memcpy(p, &v, sizeof v);
}

[[noreturn]] void not_floating(DType t)
{
    throw std::invalid_argument("cannot read " + std::string(dtype_name(t)) +
                                " as floating point (expected float16, bfloat16, float32 or "
                                "float64)");
}

}  // namespace

float load_as_float(const std::byte* p, DType t, ByteOrder order)
{
    switch (t) {
    case DType::F16: return half_to_float(load_uint<std::uint16_t>(p, order));
    case DType::BF16: return bfloat16_to_float(load_uint<std::uint16_t>(p, order));
    case DType::F32: return std::bit_cast<float>(load_uint<std::uint32_t>(p, order));
    case DType::F64:
        return static_cast<float>(std::bit_cast<double>(load_uint<std::uint64_t>(p, order)));
    default: not_floating(t);
    }
}

double load_as_double(const std::byte* p, DType t, ByteOrder order)
{
    if (t == DType::F64) return std::bit_cast<double>(load_uint<std::uint64_t>(p, order));
    return static_cast<double>(load_as_float(p, t, order));
}

void store_from_double(std::byte* p, double value, DType t, ByteOrder order)
{
    switch (t) {
    case DType::F16:
        store_uint(p, float_to_half(static_cast<float>(value)), order);
        return;
    case DType::BF16:
        store_uint(p, float_to_bfloat16(static_cast<float>(value)), order);
        return;
    case DType::F32:
        store_uint(p, std::bit_cast<std::uint32_t>(static_cast<float>(value)), order);
        return;
    case DType::F64: store_uint(p, std::bit_cast<std::uint64_t>(value), order); return;
    default: not_floating(t);
    }
}

}  // namespace attnviz::io
