// SPDX-License-Identifier: GPL-3.0-or-later
// Head ablation: the check, the "L.H,…" syntax and the rewrite of a layer's context matrix.
#include "attnviz/core/hf/interventions.hpp"

#include "interventions_apply.hpp"

#include <charconv>
#include <cmath>
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

void check_overrides(std::span<const AttentionOverride> overrides, int layers, int heads, int n, bool causal)
{
    for (const AttentionOverride& o : overrides) {
        const std::string name = "attention override at layer " + std::to_string(o.layer) + ", head " +
                                 std::to_string(o.head) + ", query " + std::to_string(o.query);
        if (o.layer < 0 || o.layer >= layers || o.head < 0 || o.head >= heads || o.query < 0 || o.query >= n)
            throw std::invalid_argument(name + ": outside " + std::to_string(layers) + " layers × " +
                                        std::to_string(heads) + " heads × " + std::to_string(n) + " positions");
        if (o.row.size() != static_cast<std::size_t>(n))
            throw std::invalid_argument(name + ": the row has " + std::to_string(o.row.size()) + " weights for " +
                                        std::to_string(n) + " keys");
        double sum = 0.0;
        for (std::size_t j = 0; j < o.row.size(); ++j) {
            const float w = o.row[j];
            if (!std::isfinite(w) || w < 0.0f)
                throw std::invalid_argument(name + ": weight " + std::to_string(j) + " is negative or not finite");
            if (causal && static_cast<int>(j) > o.query && w != 0.0f)
                throw std::invalid_argument(name + ": key " + std::to_string(j) +
                                            " is after the query in a causal model; its weight must be 0");
            sum += w;
        }
        if (!(sum > 0.0)) throw std::invalid_argument(name + ": the weights are all 0");
    }
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

void override_rows(int layer, int heads, int kv_heads, Eigen::Index head_dim, const float* v, Eigen::Index v_stride,
                   ForwardState& s)
{
    if (!s.overrides) return;
    const Eigen::Index n = s.n, d = head_dim;
    for (const AttentionOverride& o : *s.overrides) {
        if (o.layer != layer) continue;
        const int g = o.head / (heads / kv_heads);  // the key/value head it reads
        double sum = 0.0;
        for (float w : o.row) sum += w;
        float* a = s.attentions + ((static_cast<Eigen::Index>(layer) * heads + o.head) * n + o.query) * n;  // (n)
        Eigen::RowVectorXd out = Eigen::RowVectorXd::Zero(d);  // Σ_j a_j v_j in double, rounded once
        for (Eigen::Index j = 0; j < n; ++j) {
            a[j] = static_cast<float>(o.row[static_cast<std::size_t>(j)] / sum);
            if (a[j] == 0.0f) continue;
            const float* vj = v + j * v_stride + g * d;
            for (Eigen::Index c = 0; c < d; ++c) out[c] += static_cast<double>(a[j]) * vj[c];
        }
        s.context.row(o.query).segment(static_cast<Eigen::Index>(o.head) * d, d) = out.cast<float>();
    }
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

void check_capture(const HeadCapture& c, int layers, int heads)
{
    if (c.layer < 0 || c.layer >= layers || c.head < 0 || c.head >= heads)
        throw std::invalid_argument("head " + std::to_string(c.layer) + "." + std::to_string(c.head) +
                                    " is outside this model's " + std::to_string(layers) + " layers × " +
                                    std::to_string(heads) + " heads (layer 0 … " + std::to_string(layers - 1) +
                                    ", head 0 … " + std::to_string(heads - 1) + ")");
}

void capture_head(int layer, int heads, int kv_heads, Eigen::Index head_dim, bool causal, const nn::CRef<float>& q,
                  const nn::CRef<float>& k, const nn::CRef<float>& v, ForwardState& s)
{
    if (!s.capture || !s.captured || s.capture->layer != layer) return;
    const int h = s.capture->head, g = h / (heads / kv_heads);
    const Eigen::Index n = q.rows(), d = head_dim;
    CapturedHead& c = *s.captured;
    c.layer = layer;
    c.head = h;
    c.kv_head = g;
    c.n = static_cast<int>(n);
    c.head_dim = static_cast<int>(d);
    c.causal = causal;
    c.scale = 1.0 / std::sqrt(static_cast<double>(d));
    auto slice = [&](const nn::CRef<float>& m, Eigen::Index head, std::vector<float>& out) {
        out.resize(static_cast<std::size_t>(n * d));
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index j = 0; j < d; ++j) out[static_cast<std::size_t>(i * d + j)] = m(i, head * d + j);
    };
    slice(q, h, c.q);
    slice(k, g, c.k);
    slice(v, g, c.v);
}

}  // namespace attnviz::hf
