// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/query_focus_text.hpp"

#include "gui/panels/panel_labels.hpp"

#include "attnviz/core/weights_summary.hpp"

#include <QCoreApplication>
#include <QStringList>

namespace attnviz::gui::panels {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("QueryFocusPanel", s); }
}  // namespace

QString entropyText(const playground::ResultSnapshot& s, int row)
{
    const Matrix& w = s.outcome.result.weights;
    if (row < 0 || row >= w.rows()) return {};
    const RowVector a = w.row(row);
    return tr("Entropy H = %1 nats = %2 of ln %3 (0: all weight on one key, 1: spread evenly)")
        .arg(QString::number(row_entropy(a), 'f', 3))
        .arg(QString::number(normalised_entropy(a), 'f', 2))
        .arg(a.size());
}

QString weightedSumText(const playground::ResultSnapshot& s, int row)
{
    const AttentionResult& r = s.outcome.result;
    if (row < 0 || row >= r.weights.rows() || row >= r.output.rows()) return {};
    const QStringList keys = keyLabels(s);
    const WeightedSumTerms t = weighted_sum_terms(r.weights.row(row), 0.01);
    QStringList parts;
    for (const WeightedTerm& term : t.terms)
        parts << QStringLiteral("%1 × v(%2)")
                     .arg(QString::number(term.weight, 'f', 2), keys.value(static_cast<int>(term.key)));
    QString sum = parts.isEmpty() ? tr("(no key has weight ≥ 0.01)") : parts.join(QStringLiteral(" + "));
    if (t.rest_count > 0)
        sum += tr(" + %1 more key%2 below 0.01 (%3 in total)")
                   .arg(t.rest_count)
                   .arg(t.rest_count == 1 ? QString() : QStringLiteral("s"))
                   .arg(QString::number(t.rest_weight, 'f', 3));
    // Projections (multi-head's W_v and W_o, dense W_v) mean the output is not literally
    // Σ a_j v_j of the inputs.
    bool projected = false;
    for (const ParameterSpec& spec : parameter_specs(s.session.variant, {}, s.session.hyper))
        projected = projected || ((spec.role == ParameterRole::ValueProjection ||
                                   spec.role == ParameterRole::OutputProjection) &&
                                  s.outcome.params.find(spec.name));
    if (projected) sum += tr(" (values projected first)");
    return sum + QStringLiteral(" = ") + formatVector(r.output.row(row));
}

}  // namespace attnviz::gui::panels
