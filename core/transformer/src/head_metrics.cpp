// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/transformer/head_metrics.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::transformer {

HeadMetrics head_metrics(const float* A, int n, int repeat)
{
    HeadMetrics m;
    if (n < 2) return m;
    for (int i = 1; i < n; ++i) {
        const float* row = A + static_cast<std::size_t>(i) * n;
        m.previous_token += row[i - 1];
        m.first_token += row[0];
        double h = 0.0;
        for (int j = 0; j <= i; ++j)
            if (row[j] > 0.0f) h -= static_cast<double>(row[j]) * std::log(static_cast<double>(row[j]));
        m.entropy += h;
    }
    m.previous_token /= n - 1;
    m.first_token /= n - 1;
    m.entropy /= n - 1;
    const int k = repeat;
    if (k >= 1 && 2 * k <= n) {
        for (int i = k; i < 2 * k; ++i) m.induction += A[static_cast<std::size_t>(i) * n + (i - k + 1)];
        m.induction /= k;
    }
    return m;
}

std::vector<HeadMetrics> probe_head_metrics(const ProbeAttention& p)
{
    const std::size_t map = static_cast<std::size_t>(p.n) * static_cast<std::size_t>(p.n);
    const std::size_t heads = static_cast<std::size_t>(p.layers) * static_cast<std::size_t>(p.heads);
    if (p.sequences < 0 || p.layers < 0 || p.heads < 0 || p.n < 0 ||
        p.weights.size() != static_cast<std::size_t>(p.sequences) * heads * map ||
        p.repeat.size() != static_cast<std::size_t>(p.sequences))
        throw std::invalid_argument("probe attention: " + std::to_string(p.weights.size()) + " weights and " +
                                    std::to_string(p.repeat.size()) + " repeats do not fit " +
                                    std::to_string(p.sequences) + " sequences × " + std::to_string(p.layers) +
                                    " layers × " + std::to_string(p.heads) + " heads × " + std::to_string(p.n) +
                                    "² ");
    std::vector<HeadMetrics> out(heads);
    int with_repeat = 0;
    for (int s = 0; s < p.sequences; ++s)
        if (p.repeat[s] >= 1 && 2 * p.repeat[s] <= p.n) ++with_repeat;
    for (int s = 0; s < p.sequences; ++s)
        for (std::size_t h = 0; h < heads; ++h) {
            const HeadMetrics m = head_metrics(p.weights.data() + (s * heads + h) * map, p.n, p.repeat[s]);
            out[h].previous_token += m.previous_token / p.sequences;
            out[h].first_token += m.first_token / p.sequences;
            out[h].entropy += m.entropy / p.sequences;
            if (with_repeat > 0) out[h].induction += m.induction / with_repeat;
        }
    return out;
}

}  // namespace attnviz::transformer
