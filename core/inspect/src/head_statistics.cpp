// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/head_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace attnviz::inspect {

namespace {

// a: (n_q × n_k), any Eigen matrix or map of float or double. Row by row, as a head is stored
// (row-major in the files), so a mapped head is read front to back once.
template <class M>
HeadStatistics statistics_of(const M& a)
{
    HeadStatistics s;
    const Index n_q = a.rows(), n_k = a.cols();
    if (n_q == 0 || n_k == 0) return s;
    double entropy = 0, distance = 0, first = 0, previous = 0, self = 0;
    Index previous_rows = 0, self_rows = 0;
    for (Index i = 0; i < n_q; ++i) {
        for (Index j = 0; j < n_k; ++j) {
            const double w = static_cast<double>(a(i, j));
            if (w > 0) entropy -= w * std::log(w);
            distance += w * static_cast<double>(std::abs(i - j));
        }
        first += static_cast<double>(a(i, 0));
        if (i >= 1 && i - 1 < n_k) {
            previous += static_cast<double>(a(i, i - 1));
            ++previous_rows;
        }
        if (i < n_k) {
            self += static_cast<double>(a(i, i));
            ++self_rows;
        }
    }
    const double rows = static_cast<double>(n_q);
    s.entropy = entropy / rows;
    s.mean_distance = distance / rows;
    s.first_token_share = first / rows;
    s.previous_token_share = previous_rows ? previous / static_cast<double>(previous_rows) : 0.0;
    s.self_share = self_rows ? self / static_cast<double>(self_rows) : 0.0;
    return s;
}

}  // namespace

HeadStatistics head_statistics(const Matrix& a) { return statistics_of(a); }
HeadStatistics head_statistics(const HeadMap& a) { return statistics_of(a); }

std::vector<HeadStatistics> head_statistics(const AttentionStack& stack)
{
    std::vector<HeadStatistics> out;
    out.reserve(static_cast<std::size_t>(stack.layers() * stack.heads()));
    for (Index l = 0; l < stack.layers(); ++l)
        for (Index h = 0; h < stack.heads(); ++h) {
            const HeadView head = stack.head(l, h);  // keeps the mapping (or its copy) alive
            HeadStatistics s = head_statistics(head.matrix());
            s.layer = l;
            s.head = h;
            out.push_back(s);
        }
    return out;
}

}  // namespace attnviz::inspect
