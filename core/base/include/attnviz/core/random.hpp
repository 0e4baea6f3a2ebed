// SPDX-License-Identifier: GPL-3.0-or-later
// A seeded generator whose stream is the same on every platform and compiler.
#pragma once

#include <cstdint>

namespace attnviz {

// xoshiro256** seeded through splitmix64. The standard library's distributions are
// implementation-defined, so sessions and trained models would differ between libstdc++ and
// libc++; these are written out so that a seed means the same numbers everywhere.
class Rng {
public:
    explicit Rng(std::uint64_t seed);

    std::uint64_t next_u64();
    // Uniform in [0, 1) with 53 random bits.
    double uniform();
    double uniform(double low, double high);
    // Standard normal (Box–Muller; one value per call, the pair's second is cached).
    double normal();
    // Uniform integer in [0, n), n > 0, without modulo bias.
    std::uint64_t below(std::uint64_t n);

private:
    std::uint64_t state_[4];
    double cached_normal_ = 0.0;
    bool has_cached_normal_ = false;
};

}  // namespace attnviz
