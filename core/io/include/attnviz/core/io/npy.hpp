// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy's .npy format (versions 1.0, 2.0 and 3.0): a magic string, a version, a header length
// (2 bytes in v1, 4 in v2/v3), a Python dict literal {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), } and the raw array. Only floating-point arrays are read.
#pragma once

#include "attnviz/core/io/dtype.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::io {

struct NpyHeader {
    int major_version = 1;
    std::string descr;            // as written, e.g. "<f4"
    DType dtype = DType::F32;     // F16, F32 or F64
    ByteOrder order = ByteOrder::Little;  // '=' and '|' mean this machine's order
    bool fortran_order = false;   // column-major: the first index varies fastest
    std::vector<std::int64_t> shape;
    std::size_t data_offset = 0;  // where the array bytes begin
    std::size_t data_size = 0;    // bytes: product(shape) × element size

    // Element strides (not bytes) per dimension for this header's memory order.
    std::vector<std::int64_t> strides() const;
};

// Parses and validates the header of a whole .npy file held in `file`, including that exactly
// data_size bytes follow it. `file_name` labels messages. Throws std::invalid_argument
// ("a.npy: unsupported dtype '<i8' (expected float16, float32 or float64)").
NpyHeader parse_npy_header(std::span<const std::byte> file, std::string_view file_name);

// A complete .npy file. `values` are in logical row-major (C) order whatever `fortran_order`
// says; dtype F16, F32 or F64; version 1, 2 or 3. For tests and exports.
std::vector<std::byte> npy_bytes(std::span<const std::int64_t> shape,
                                 std::span<const double> values, DType dtype,
                                 ByteOrder order = ByteOrder::Little, bool fortran_order = false,
                                 int version = 1);

}  // namespace attnviz::io
