// SPDX-License-Identifier: GPL-3.0-or-later
// Element types and byte orders of tensor files, and the scalar conversions between them.
// Shared by the .npy and .safetensors readers and writers so that every format decodes a
// float16 or bfloat16 the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace attnviz::io {

// I32/I64 are only listed (a safetensors file of a model may hold integer buffers beside its
// weights); reading them as floating point is refused.
enum class DType { F16, BF16, F32, F64, I32, I64 };
enum class ByteOrder { Little, Big };

ByteOrder native_byte_order();

std::size_t element_size(DType t);
bool is_floating(DType t);
// Safetensors spelling: "F16", "BF16", "F32", "F64", "I32", "I64".
std::string_view safetensors_name(DType t);
std::optional<DType> dtype_from_safetensors_name(std::string_view name);
// Human spelling for messages: "float16", "bfloat16", "float32", "float64", "int32", "int64".
std::string_view dtype_name(DType t);

// IEEE binary16 / bfloat16 bit patterns ↔ float. The narrowing ones round to nearest, ties to
// even, and keep NaN a NaN (bfloat16 by plain truncation could turn a NaN into an infinity).
float half_to_float(std::uint16_t bits);
std::uint16_t float_to_half(float f);
float bfloat16_to_float(std::uint16_t bits);
std::uint16_t float_to_bfloat16(float f);

// One element at `p` (any alignment) in the given type and byte order. Only floating types.
float load_as_float(const std::byte* p, DType t, ByteOrder order);
double load_as_double(const std::byte* p, DType t, ByteOrder order);
// Writes one element (F16, BF16, F32 or F64) at `p` in the given byte order.
void store_from_double(std::byte* p, double value, DType t, ByteOrder order);

}  // namespace attnviz::io
