// SPDX-License-Identifier: GPL-3.0-or-later
// Overflow-checked sizes: every shape in a tensor file comes from untrusted bytes, and a
// product that wraps around would pass a size check it should fail.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace attnviz::io {

inline std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// Product of the dimensions (1 for no dimensions); nullopt on a negative dimension or when the
// product exceeds INT64_MAX.
inline std::optional<std::int64_t> checked_product(std::span<const std::int64_t> shape)
{
    std::int64_t r = 1;
    for (std::int64_t d : shape) {
        if (d < 0 || __builtin_mul_overflow(r, d, &r)) return std::nullopt;
    }
    return r;
}

}  // namespace attnviz::io
