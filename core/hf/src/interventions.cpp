// SPDX-License-Identifier: GPL-3.0-or-later
// Head ablation: the check, the "L.H,…" syntax and the rewrite of a layer's context matrix.
#include "attnviz/core/hf/interventions.hpp"

#include "interventions_apply.hpp"

#include <charconv>
#include <stdexcept>

namespace attnviz::hf {

void check_ablations(std::span<const HeadAblation> ablations, int layers, int heads)
{
    for (const HeadAblation& a : ablations)
        if (a.layer < 0 || a.layer >= layers || a.head < 0 || a.head >= heads)
            throw std::invalid_argument("head " + std::to_string(a.layer) + "." + std::to_string(a.head) +
                                        " to ablate is outside this model's " + std::to_string(layers) +
                                        " layers × " + std::to_string(heads) + " heads (layer 0 … " +
                                        std::to_string(layers - 1) + ", head 0 … " + std::to_string(heads - 1) + ")");
}

namespace {

int parse_index(const std::string& item, std::size_t from, std::size_t to)
{
    int v = 0;
    const char* b = item.data() + from;
    const char* e = item.data() + to;
    if (b == e || *b < '0' || *b > '9') throw std::invalid_argument("");
    const auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e) throw std::invalid_argument("");
    return v;
}

}  // namespace

std::vector<HeadAblation> parse_ablations(const std::string& text, AblationMode mode)
{
    std::vector<HeadAblation> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const std::size_t dot = item.find('.');
        try {
            if (dot == std::string::npos) throw std::invalid_argument("");
            out.push_back({parse_index(item, 0, dot), parse_index(item, dot + 1, item.size()), mode});
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument("'" + item + "' in '" + text +
                                        "' is not a head: give LAYER.HEAD, e.g. 0.3, separated by commas");
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

void ablate_heads(int layer, Eigen::Index head_dim, ForwardState& s)
{
    if (!s.ablations) return;
    for (const HeadAblation& a : *s.ablations) {
        if (a.layer != layer) continue;
        auto cols = s.context.middleCols(static_cast<Eigen::Index>(a.head) * head_dim, head_dim);  // (n × d)
        if (a.mode == AblationMode::Zero) {
            cols.setZero();
        } else {
            // The mean over positions in double (n can be thousands), rounded once.
            const Eigen::RowVectorXd mean = cols.cast<double>().colwise().mean();
            cols.rowwise() = mean.cast<float>();
        }
    }
}

}  // namespace attnviz::hf
