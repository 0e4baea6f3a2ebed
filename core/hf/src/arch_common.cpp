// SPDX-License-Identifier: GPL-3.0-or-later
#include "architecture.hpp"

#include <algorithm>

namespace attnviz::hf {

void project(const Mat& x, const TensorRef& w, const std::vector<float>& bias, Mat& y, Scratch& scratch,
             bool conv1d)
{
    const nn::WeightView<float> view = weight_view(w, scratch, conv1d);
    shape(y, x.rows(), view.out_features());
    nn::linear_forward<float>(x, view, bias.empty() ? nullptr : bias.data(), y, w.name.c_str());
}

void vocab_projection(const Mat& rows, const TensorRef& table, const std::vector<float>& bias, Mat& logits,
                      Scratch& scratch)
{
    const Eigen::Index V = table.shape.at(0), E = table.shape.at(1);
    shape(logits, rows.rows(), V);
    // In place: one product. Converted: 4096 vocabulary rows at a time (12 MB at E = 768).
    const Eigen::Index block = table.in_place() ? V : 4096;
    for (Eigen::Index v0 = 0; v0 < V; v0 += block) {
        const Eigen::Index b = std::min(block, V - v0);
        const Eigen::Map<const Mat> W(rows_view(table, v0, b, scratch), b, E);  // (b × E)
        logits.middleCols(v0, b).noalias() = rows * W.transpose();
    }
    if (!bias.empty()) logits.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias.data(), V);
}

std::vector<float> vector_of(const WeightStore& w, const std::string& name, std::int64_t d, const std::string& meaning)
{
    return to_floats(w.get(name, {d}, meaning));
}

}  // namespace attnviz::hf
