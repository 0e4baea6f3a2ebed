// SPDX-License-Identifier: GPL-3.0-or-later
// e^x for the softmax of multi_head's large problems, written so that GCC vectorises a loop
// over it on any x86-64 (SSE2 up to AVX2): no branch, no call, the table read as plain loads.
//
// Why not Eigen's exp (the shared nn softmax's): it costs 2.0 ns per double on the AVX2 machine
// (a Padé form with a division), and multi_head takes one exp per head and cell, 16.8 M at
// n = 2048 with 4 heads, a quarter of its time; this one costs 1.3 ns. Accuracy: within 2 ulp
// of std::exp on [-708, 0] (measured 4.4e-16 relative), so the weights differ from the shared
// softmax's by rounding only; the playground's small problems still use the shared softmax.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace attnviz::detail {

// 2^(j/64), j = 0..63, correctly rounded (computed to 50 digits).
inline constexpr double kExp2Table[64] = {
    0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
    0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
    0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
    0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
    0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
    0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
    0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
    0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
    0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
    0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
    0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
    0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0,
};

// e^x for x <= 0, exactly +0 for x < -708 and for x = -inf (a masked logit). NaN is not
// expected (the caller refuses non-finite logits first). x = k·ln2/64 + r, |r| <= ln2/128:
// e^x = 2^(k>>6) · 2^((k&63)/64) · e^r, e^r by its Taylor polynomial of degree 5 (the next term
// is below 4e-17).
inline double exp_nonpositive(double x)
{
    constexpr double kScale = 64.0 * 1.4426950408889634074;             // 64 / ln 2
    constexpr double kLn2Hi = 6.93147180369123816490e-01 / 64.0;       // ln 2 / 64, split so
    constexpr double kLn2Lo = 1.90821492927058770002e-10 / 64.0;       // that k · hi is exact
    constexpr double kMagic = 6755399441055744.0;  // 1.5 · 2^52: t's low bits hold round(x · 64 / ln 2)
    const double t = x * kScale + kMagic;
    const double k = t - kMagic;
    double r = x - k * kLn2Hi;
    r = r - k * kLn2Lo;
    const double r2 = r * r;
    const double p = 1.0 + r + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * ((1.0 / 24.0) + r * (1.0 / 120.0)));
    const std::int64_t ki = std::bit_cast<std::int64_t>(t);
    const double scaled = kExp2Table[ki & 63] * p;
    // + (k >> 6) in the exponent field; unsigned so that no sanitizer sees a negative shifted left.
    const std::uint64_t exponent = static_cast<std::uint64_t>(ki >> 6) << 52;
    const double e = std::bit_cast<double>(std::bit_cast<std::uint64_t>(scaled) + exponent);
    // x < -708 (also -inf, and there t's bits are garbage): +0, by a mask rather than a branch.
    const std::int64_t keep = -static_cast<std::int64_t>(x >= -708.0);
    return std::bit_cast<double>(std::bit_cast<std::int64_t>(e) & keep);
}

}  // namespace attnviz::detail
