// SPDX-License-Identifier: GPL-3.0-or-later
// Top-K lists and the logit lens over a layer's residual stream.
#include "logit_lens.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace attnviz::hf {

std::vector<TopToken> top_tokens(const float* logits, Eigen::Index V, int k)
{
    const float mx = *std::max_element(logits, logits + V);
    double sum = 0.0;
    // The normaliser: float exponentials (each ≤ 1, relative error ~1e-7: the probabilities are
    // floats anyway) summed in double; glibc's expf is twice as fast as exp over 50,000 logits.
    for (Eigen::Index j = 0; j < V; ++j) sum += static_cast<double>(std::exp(logits[j] - mx));
    const int kk = static_cast<int>(std::min<Eigen::Index>(std::max(k, 0), V));
    std::vector<int> idx(static_cast<std::size_t>(V));
    std::iota(idx.begin(), idx.end(), 0);
    std::partial_sort(idx.begin(), idx.begin() + kk, idx.end(), [&](int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    });
    std::vector<TopToken> out;
    for (int i = 0; i < kk; ++i) {
        const int id = idx[static_cast<std::size_t>(i)];
        out.push_back({id, static_cast<float>(std::exp(static_cast<double>(logits[id]) - mx) / sum)});
    }
    return out;
}

void logit_lens_rows(const Architecture& arch, const Mat& hidden, const std::vector<int>& positions, int k,
                     Scratch& scratch, std::vector<std::vector<TopToken>>& out)
{
    ForwardState t;  // only hidden is used by finish()
    t.n = static_cast<Eigen::Index>(positions.size());
    t.hidden.resize(t.n, hidden.cols());  // (m × E)
    for (std::size_t i = 0; i < positions.size(); ++i) t.hidden.row(static_cast<Eigen::Index>(i)) = hidden.row(positions[i]);
    arch.finish(t);
    Mat logits;
    arch.lm_head(t.hidden, logits, scratch);  // (m × V)
    out.clear();
    for (Eigen::Index i = 0; i < t.n; ++i) out.push_back(top_tokens(logits.data() + i * logits.cols(), logits.cols(), k));
}

}  // namespace attnviz::hf
