// SPDX-License-Identifier: GPL-3.0-or-later
// The draw of generate.hpp: greedy, or softmax(logits / T) over the whole vocabulary or its top
// K, from the generation's own xoshiro256** generator (seeded through splitmix64, as its authors
// recommend), so that a seed gives the same tokens on every machine and build.
#include "attnviz/core/hf/generate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::hf {

namespace {

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256** (Blackman & Vigna, 2018): the next 64 bits.
std::uint64_t next_u64(SamplerState& r)
{
    std::uint64_t* s = r.s;
    const std::uint64_t out = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

// Uniform in [0, 1): the top 53 bits as a double's mantissa (every value k·2⁻⁵³ equally likely).
double uniform(SamplerState& r) { return static_cast<double>(next_u64(r) >> 11) * 0x1.0p-53; }

std::string number_text(double x)
{
    std::ostringstream o;
    o << x;
    return o.str();
}

// The lowest id among the largest logits (NaN never wins: a model producing NaN is broken, and
// the first id is as good an answer as any then).
int argmax_lowest(std::span<const float> logits)
{
    int best = 0;
    for (std::size_t j = 1; j < logits.size(); ++j)
        if (logits[j] > logits[static_cast<std::size_t>(best)]) best = static_cast<int>(j);
    return best;
}

}  // namespace

void check_sampling(const SamplingOptions& sampling)
{
    if (!(sampling.temperature >= 0.0) || !std::isfinite(sampling.temperature))
        throw std::invalid_argument("sampling temperature " + number_text(sampling.temperature) +
                                    " is not allowed: 0 (greedy) or a finite number > 0");
    if (sampling.top_k < 0)
        throw std::invalid_argument("sampling top-k " + std::to_string(sampling.top_k) +
                                    " is not allowed: 0 (the whole vocabulary) or a count > 0");
}

SamplerState seed_sampler(std::uint64_t seed)
{
    // splitmix64 (Vigna): four outputs fill the state; never all zero.
    SamplerState r;
    std::uint64_t x = seed;
    for (std::uint64_t& word : r.s) {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        word = z ^ (z >> 31);
    }
    return r;
}

int sample_token(std::span<const float> logits, const SamplingOptions& sampling, SamplerState& rng)
{
    check_sampling(sampling);
    if (logits.empty()) throw std::invalid_argument("sample_token: no logits to sample from");
    const auto V = static_cast<int>(logits.size());
    if (sampling.temperature == 0.0) return argmax_lowest(logits);

    // The candidates: every id, or the top K (ties at the boundary: the lower id), in id order so
    // that the draw below does not depend on how the selection sorted them.
    thread_local std::vector<int> candidates;  // grows once; a step allocates nothing after
    candidates.resize(static_cast<std::size_t>(V));
    for (int j = 0; j < V; ++j) candidates[static_cast<std::size_t>(j)] = j;
    if (sampling.top_k > 0 && sampling.top_k < V) {
        const auto k = static_cast<std::ptrdiff_t>(sampling.top_k);
        std::nth_element(candidates.begin(), candidates.begin() + k - 1, candidates.end(), [&](int a, int b) {
            const float la = logits[static_cast<std::size_t>(a)], lb = logits[static_cast<std::size_t>(b)];
            return la > lb || (la == lb && a < b);
        });
        candidates.resize(static_cast<std::size_t>(k));
        std::sort(candidates.begin(), candidates.end());
    }
    // softmax(logits / T) over the candidates in double, shifted by their largest logit.
    double top = -INFINITY;
    for (int j : candidates) top = std::max(top, static_cast<double>(logits[static_cast<std::size_t>(j)]));
    if (!std::isfinite(top)) return argmax_lowest(logits);
    const double inv_t = 1.0 / sampling.temperature;
    thread_local std::vector<double> weight;  // (candidates) exp((logit − top) / T)
    weight.resize(candidates.size());
    double sum = 0.0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        weight[i] = std::exp((static_cast<double>(logits[static_cast<std::size_t>(candidates[i])]) - top) * inv_t);
        sum += weight[i];
    }
    // The first candidate whose cumulative weight exceeds u · sum (u in [0, 1)).
    const double target = uniform(rng) * sum;
    double cumulative = 0.0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        cumulative += weight[i];
        if (target < cumulative) return candidates[i];
    }
    // Rounding left the target at the very end: the last candidate with any weight.
    for (std::size_t i = candidates.size(); i-- > 0;)
        if (weight[i] > 0.0) return candidates[i];
    return candidates.back();
}

}  // namespace attnviz::hf
