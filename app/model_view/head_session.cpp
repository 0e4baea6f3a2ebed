// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/head_session.hpp"

#include "attnviz/core/atomic_write.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace attnviz::model_view {

namespace {

// (n × d) row-major floats → an (n × d) attnviz::Matrix (double, column-major); each float is
// represented exactly.
Matrix to_matrix(const std::vector<float>& rows, int n, int d, const char* name)
{
    if (rows.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(d))
        throw std::invalid_argument(std::string("captured head: ") + name + " holds " + std::to_string(rows.size()) +
                                    " numbers, expected " + std::to_string(n) + " × " + std::to_string(d));
    Matrix m(n, d);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j) m(i, j) = rows[static_cast<std::size_t>(i) * static_cast<std::size_t>(d) + j];
    return m;
}

// A label the playground can show: a token of whitespace alone (" ", "\n") would be an empty
// tick, so its characters are drawn as symbols (␣ ↵ ⇥); every other label is kept as it is.
std::string visible_label(const std::string& label)
{
    if (label.find_first_not_of(" \n\r\t") != std::string::npos) return label;
    if (label.empty()) return "∅";
    std::string out;
    for (char c : label) out += c == ' ' ? "␣" : c == '\n' ? "↵" : c == '\t' ? "⇥" : "␍";
    return out;
}

}  // namespace

HeadSource head_source(const hf::ModelInfo& info, std::string model_name)
{
    return {std::move(model_name), info.architecture, info.architecture == "Llama"};
}

Session head_session(const hf::CapturedHead& head, const std::vector<std::string>& labels, const HeadSource& source)
{
    if (head.n < 1 || head.head_dim < 1)
        throw std::invalid_argument("captured head: empty (n = " + std::to_string(head.n) +
                                    ", head_dim = " + std::to_string(head.head_dim) + ")");
    if (labels.size() != static_cast<std::size_t>(head.n))
        throw std::invalid_argument("captured head: " + std::to_string(labels.size()) + " labels for " +
                                    std::to_string(head.n) + " positions");
    if (!(head.scale > 0) || !std::isfinite(head.scale))
        throw std::invalid_argument("captured head: the scale must be a finite number > 0");

    Session s;
    s.variant = Variant::ScaledDot;
    s.queries = to_matrix(head.q, head.n, head.head_dim, "q");  // (n × d)
    s.keys = to_matrix(head.k, head.n, head.head_dim, "k");     // (n × d)
    s.values = to_matrix(head.v, head.n, head.head_dim, "v");   // (n × d)
    s.query_tokens.reserve(labels.size());
    for (const std::string& label : labels) s.query_tokens.push_back(visible_label(label));
    s.key_tokens = s.query_tokens;
    s.mask.causal = head.causal;
    // The playground scales by 1/√d_k; logits = q·k · (1/√d) / T, so T = (1/√d) / scale.
    const double playground_scale = 1.0 / std::sqrt(static_cast<double>(head.head_dim));
    const double t = playground_scale / head.scale;
    s.temperature = std::abs(t - 1.0) < 1e-12 ? 1.0 : t;

    const std::string where = "layer " + std::to_string(head.layer) + ", head " + std::to_string(head.head);
    s.name = (source.model.empty() ? std::string("model") : source.model) + ": " + where;
    std::string d = where + " of " + (source.model.empty() ? std::string("a") : source.model) +
                    (source.architecture.empty() ? "" : " (" + source.architecture + ")") + " over " +
                    std::to_string(head.n) + " tokens: Q, K and V are the head's own queries, keys and values (" +
                    std::to_string(head.n) + " × " + std::to_string(head.head_dim) + ", after the projections";
    if (source.rotary) d += " and rotary embedding";
    d += ")";
    if (head.kv_head != head.head)
        d += "; K and V are those of key/value head " + std::to_string(head.kv_head) + " (grouped-query attention)";
    d += head.causal ? "; the model's causal mask." : "; no mask (the model reads in both directions).";
    d += " The weights are the run's attention for this head; the output is the head's context before the "
         "output projection.";
    s.description = std::move(d);
    return s;
}

void write_head_session(const Session& session, const std::filesystem::path& path)
{
    files::write_atomically(path, write_session(session));
}

hf::HeadCapture parse_head_ref(const std::string& text)
{
    const std::string why = "'" + text + "' is not a head: give LAYER.HEAD, e.g. 0.3";
    if (text.empty() || text.find(',') != std::string::npos) throw std::invalid_argument(why);
    std::vector<hf::HeadAblation> one;
    try {
        one = hf::parse_ablations(text);
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument(why);
    }
    if (one.size() != 1) throw std::invalid_argument(why);
    return {one.front().layer, one.front().head};
}

}  // namespace attnviz::model_view
