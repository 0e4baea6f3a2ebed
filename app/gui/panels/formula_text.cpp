// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/formula_text.hpp"

#include "gui/panels/panel_labels.hpp"

#include <QCoreApplication>
#include <QStringList>

#include <cmath>

namespace attnviz::gui::panels {

namespace {

QString tr(const char* s) { return QCoreApplication::translate("FormulaView", s); }

QString shape(Index r, Index c) { return QStringLiteral("(%1 × %2)").arg(r).arg(c); }

struct Dims {
    Index n_q = 0, n_k = 0, d_q = 0, d_k = 0, d_v = 0, d_out = 0;
    Index h = 0, H = 1;
};

Dims dimsOf(const playground::ResultSnapshot& s)
{
    const AttentionResult& r = s.outcome.result;
    Dims d;
    d.n_q = r.weights.rows();
    d.n_k = s.session.keys.rows();
    d.d_q = s.session.queries.cols();
    d.d_k = s.session.keys.cols();
    d.d_v = s.session.values.cols();
    d.d_out = r.output.cols();
    // The hidden size actually used is the projection's row count; the hyper is only a default.
    const Parameters& p = s.outcome.params;
    ParamHyper used = s.session.hyper;
    try {
        used = effective_hyper(s.session.variant, p, s.session.hyper);
    } catch (const std::exception&) {
        // Not a computed snapshot (heads not dividing h): the session's own numbers.
    }
    d.h = used.hidden;
    d.H = variant_traits(s.session.variant).uses_heads ? p.num_heads : 1;
    return d;
}

QString formulaBody(const playground::ResultSnapshot& s, const Dims& d)
{
    const QString softmax = QStringLiteral("softmax");
    const QString plusMask = QStringLiteral(" + M");
    switch (s.session.variant) {
    case Variant::Dot:
        return QStringLiteral("Attention(Q, K, V) = %1( QKᵀ / T%2 ) · V").arg(softmax, plusMask) +
               tr("<br>score(q<sub>i</sub>, k<sub>j</sub>) = q<sub>i</sub> · k<sub>j</sub>, no scaling: "
                  "long vectors give large scores and a peaked softmax.");
    case Variant::ScaledDot:
        return QStringLiteral("Attention(Q, K, V) = %1( QKᵀ / √d<sub>k</sub> / T%2 ) · V")
                   .arg(softmax, plusMask) +
               tr("<br>√d<sub>k</sub> = √%1 = %2 keeps the scores' spread independent of the key size.")
                   .arg(d.d_k)
                   .arg(formatNumber(std::sqrt(static_cast<double>(d.d_k))));
    case Variant::Additive:
        return tr("e<sub>ij</sub> = w<sub>v</sub>ᵀ tanh(W<sub>q</sub> q<sub>i</sub> + "
                  "W<sub>k</sub> k<sub>j</sub>) &nbsp;&nbsp; α = %1(e / T%2) &nbsp;&nbsp; out = α · V")
                   .arg(softmax, plusMask) +
               tr("<br>W<sub>q</sub> %1, W<sub>k</sub> %2, w<sub>v</sub> %3: queries and keys may "
                  "have different sizes.")
                   .arg(shape(d.h, d.d_q), shape(d.h, d.d_k), shape(1, d.h));
    case Variant::LuongGeneral:
        return tr("e<sub>ij</sub> = q<sub>i</sub>ᵀ W<sub>a</sub> k<sub>j</sub> "
                  "&nbsp;&nbsp; α = %1(e / T%2) &nbsp;&nbsp; out = α · V")
                   .arg(softmax, plusMask) +
               tr("<br>W<sub>a</sub> %1 is a learned bilinear form between query and key space.")
                   .arg(shape(d.d_q, d.d_k));
    case Variant::MultiHead: {
        const Index dh = d.H > 0 ? d.h / d.H : d.h;
        const bool hasWo = s.outcome.params.find("W_o") != nullptr;
        QString out = tr("head<sub>t</sub> = %1( (Q W<sub>q,t</sub>ᵀ)(K W<sub>k,t</sub>ᵀ)ᵀ"
                         " / √(h/H) / T%2 ) · (V W<sub>v,t</sub>ᵀ), &nbsp; t = 1 … H")
                          .arg(softmax, plusMask);
        out += hasWo ? tr("<br>MultiHead(Q, K, V) = concat(head<sub>1</sub>, …, head<sub>H</sub>) · "
                          "W<sub>o</sub>ᵀ + b<sub>o</sub>")
                     : tr("<br>MultiHead(Q, K, V) = concat(head<sub>1</sub>, …, head<sub>H</sub>) "
                          "(no W<sub>o</sub>: the heads' outputs side by side)");
        out += tr("<br>h = %1, H = %2 heads of size h/H = %3, √(h/H) = %4")
                   .arg(d.h)
                   .arg(d.H)
                   .arg(dh)
                   .arg(formatNumber(std::sqrt(static_cast<double>(dh))));
        return out;
    }
    case Variant::DenseSynthesizer:
        return tr("B<sub>i</sub> = W<sub>2</sub> relu(W<sub>1</sub> q<sub>i</sub> + b<sub>1</sub>) + "
                  "b<sub>2</sub> &nbsp;(first n<sub>k</sub> entries) &nbsp;&nbsp; α = %1(B / T%2) "
                  "&nbsp;&nbsp; out = α · V")
                   .arg(softmax, plusMask) +
               tr("<br>The scores come from each query alone: keys are never compared, only "
                  "their count matters.");
    case Variant::RandomSynthesizer:
        return tr("α = %1( R<sub>1:n<sub>q</sub>, 1:n<sub>k</sub></sub> / T%2 ) &nbsp;&nbsp; out = α · V")
                   .arg(softmax, plusMask) +
               tr("<br>R is learned directly: the same weights whatever the tokens are.");
    case Variant::FeedForward:
        return tr("e<sub>j</sub> = tanh(w · k<sub>j</sub> + b) &nbsp;&nbsp; α = %1(e / T%2) "
                  "&nbsp;&nbsp; c = Σ<sub>j</sub> α<sub>j</sub> v<sub>j</sub>")
                   .arg(softmax, plusMask) +
               tr("<br>In Keras, RepeatVector copies the (1 × n) weights α once per feature and "
                  "Permute turns them into (n × d<sub>v</sub>), so α can multiply the values "
                  "element-wise before the sum over time collapses them into one row c.");
    }
    return {};
}

}  // namespace

VariantTexts variantTexts(Variant v)
{
    VariantTexts t;
    switch (v) {
    case Variant::Dot: t.scores = QStringLiteral("QKᵀ"); break;
    case Variant::ScaledDot:
        t.scores = QStringLiteral("QKᵀ");
        t.scaledBy = QStringLiteral("√d<sub>k</sub>");
        break;
    case Variant::Additive: t.scores = QStringLiteral("w_vᵀ tanh(W_q q + W_k k)"); break;
    case Variant::LuongGeneral: t.scores = QStringLiteral("qᵀ W_a k"); break;
    case Variant::MultiHead:
        t.scores = QStringLiteral("mean of heads");
        t.scaledBy = QStringLiteral("√(h/H)");
        break;
    case Variant::DenseSynthesizer: t.scores = QStringLiteral("B = W₂ relu(W₁ q + b₁) + b₂"); break;
    case Variant::RandomSynthesizer: t.scores = QStringLiteral("R"); break;
    case Variant::FeedForward:
        t.scores = QStringLiteral("tanh(w·k + b)");
        t.pooledTitle = tr("α = softmax(e / T), e_j = tanh(w·k_j + b)");
        t.pooledHtml =
            tr("<p>One weight per time step: the bars sum to 1.</p>"
               "<p><b>RepeatVector(%2)</b> copies the (1 × %1) weights once per feature, and "
               "<b>Permute</b> turns that into (%1 × %2), the shape of the values. Now α can multiply "
               "the values element-wise, and the sum over time collapses the (%1 × %2) product into "
               "the single output row.</p>");
        break;
    }
    return t;
}

QString maskSummary(const playground::ResultSnapshot& s)
{
    const MaskSpec& m = s.session.mask;
    QStringList parts;
    if (m.causal) parts << tr("causal");
    if (m.valid_len.size() == 1) {
        parts << tr("valid length %1").arg(m.valid_len.front());
    } else if (!m.valid_len.empty()) {
        QStringList lens;
        for (Index v : m.valid_len) lens << QString::number(v);
        parts << tr("valid lengths [%1]").arg(lens.join(QStringLiteral(", ")));
    }
    if (m.matrix.size() != 0) parts << tr("explicit matrix");
    if (parts.isEmpty()) return tr("none");
    return tr("%1 (%2 of %3 cells masked)")
        .arg(parts.join(QStringLiteral(" + ")))
        .arg(s.maskedCount)
        .arg(s.outcome.result.masked.size());
}

QString formulaHtml(const playground::ResultSnapshot& s)
{
    const Dims d = dimsOf(s);
    // Paragraphs 6 px apart rather than Qt's 12: the panel shares a narrow column with the
    // matrix editors, and at the default window size every line counts.
    const QString p = QStringLiteral("<p style='margin-top:0px; margin-bottom:6px%1'>%2</p>");
    const QString large = QStringLiteral("; font-size:large");
    QString html;
    html += p.arg(large, QStringLiteral("<b>%1</b>").arg(esc(QString::fromStdString(
                                            std::string(variant_display_name(s.session.variant))))));
    html += p.arg(large, formulaBody(s, d));
    QString sizes = tr("Q %1, K %2, V %3 → weights %4, output %5")
                        .arg(shape(s.session.queries.rows(), d.d_q), shape(d.n_k, d.d_k),
                             shape(d.n_k, d.d_v), shape(d.n_q, d.n_k), shape(d.n_q, d.d_out));
    sizes += QStringLiteral("<br>n<sub>q</sub> = %1, n<sub>k</sub> = %2, d<sub>q</sub> = %3, "
                            "d<sub>k</sub> = %4, d<sub>v</sub> = %5")
                 .arg(d.n_q).arg(d.n_k).arg(d.d_q).arg(d.d_k).arg(d.d_v);
    const VariantTraits traits = variant_traits(s.session.variant);
    if (traits.uses_hidden) sizes += QStringLiteral(", h = %1").arg(d.h);
    if (traits.uses_heads) sizes += QStringLiteral(", H = %1").arg(d.H);
    // The temperature is the user's number: shown exactly (5e-324 is not "0").
    sizes += tr("<br>temperature T = %1 &nbsp;·&nbsp; mask M: %2 (masked scores become −∞, so "
                "their weight is 0)")
                 .arg(formatExact(s.session.temperature), esc(maskSummary(s)));
    html += p.arg(QString(), sizes);
    if (s.outcome.params_generated)
        html += p.arg(QString(), tr("<i>The learned parameters were generated from seed %1 (the "
                                    "session has none).</i>"))
                    .arg(s.session.hyper.seed);
    return html;
}

}  // namespace attnviz::gui::panels
