// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the tests that compare the checkpoint runner with tests/data/hf_reference_forward.py.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace hf_test {

// A fixture checkpoint folder under tests/data/hf/.
inline std::filesystem::path fixture(const std::string& name)
{
    return std::filesystem::path(ATTNVIZ_TEST_DATA_DIR) / "hf" / name;
}

// Largest |a − b| over the largest |b|, at least 1: the error relative to the values' scale.
// The reference is float64 rounded once to float32 (≤ 6e-8 relative); the C++ runs in float32
// over dot products of ≤ 32 terms with its norm statistics in double, so its relative error is
// a few float32 roundings (~1e-6) per layer. 1e-5 leaves room for that and fails on any wrong
// formula (a misplaced rotary pair, a wrong eps, an untransposed Conv1D, a missed ablation all
// give > 1e-2).
inline double relative_error(const float* a, const std::vector<float>& b)
{
    double err = 0.0, scale = 1.0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        err = std::max(err, std::abs(static_cast<double>(a[i]) - b[i]));
        scale = std::max(scale, std::abs(static_cast<double>(b[i])));
    }
    return err / scale;
}

constexpr double kTolerance = 1e-5;

// n token ids spread over the model's vocabulary ((7i + 3) mod V): a deterministic input.
inline std::vector<int> spread_ids(int vocab, int n)
{
    std::vector<int> ids(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = (7 * i + 3) % vocab;
    return ids;
}

}  // namespace hf_test
