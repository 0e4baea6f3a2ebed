// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/panel_labels.hpp"

#include <QLocale>

#include <cmath>

namespace attnviz::gui::panels {

namespace {

QStringList fromTokens(const std::vector<std::string>& tokens, Index count)
{
    QStringList out;
    for (Index i = 0; i < count; ++i) {
        const auto k = static_cast<std::size_t>(i);
        out << (k < tokens.size() ? QString::fromStdString(tokens[k]) : QString::number(i));
    }
    return out;
}

}  // namespace

QStringList queryLabels(const playground::ResultSnapshot& s)
{
    const Index rows = s.outcome.result.weights.rows();
    if (variant_traits(s.session.variant).single_query_row)
        return {s.session.query_tokens.empty() ? QStringLiteral("pooled")
                                               : QString::fromStdString(s.session.query_tokens[0])};
    return fromTokens(s.session.query_tokens, rows);
}

QStringList keyLabels(const playground::ResultSnapshot& s)
{
    const Session& ses = s.session;
    const Index n_k = s.outcome.result.weights.cols();
    // Self-attention sessions often name only the queries (keys default to them): the keys are
    // the same tokens then, and "two" reads better than "1".
    if (ses.key_tokens.empty() && static_cast<Index>(ses.query_tokens.size()) == n_k &&
        ses.keys.rows() == ses.queries.rows() && ses.keys.cols() == ses.queries.cols() &&
        ses.keys == ses.queries)
        return fromTokens(ses.query_tokens, n_k);
    return fromTokens(ses.key_tokens, n_k);
}

QStringList dimensionLabels(int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i) out << QStringLiteral("dim %1").arg(i);
    return out;
}

QString formatNumber(double v)
{
    if (std::isinf(v)) return v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    if (std::isnan(v)) return QStringLiteral("—");
    // What a softmax leaves of an excluded key (1e-25) reads as noise: a reader wants 0.
    if (std::abs(v) < 1e-9) return QStringLiteral("0");
    // Large values keep their integer digits (550, 1000); small ones 3 significant figures.
    QString s = std::abs(v) >= 100 ? QString::number(v, 'f', std::abs(v - std::round(v)) < 1e-9 ? 0 : 1)
                                   : QString::number(v, 'g', 3);
    if (s == QStringLiteral("-0")) s = QStringLiteral("0");
    return s.replace(QLatin1Char('-'), QChar(0x2212));
}

QString formatExact(double v)
{
    if (!std::isfinite(v)) return formatNumber(v);
    QString s = QString::number(v, 'g', QLocale::FloatingPointShortest);
    if (s.startsWith(QLatin1Char('-'))) s[0] = QChar(0x2212);  // the sign, not the exponent's
    return s;
}

QString formatVector(const RowVector& v)
{
    QStringList parts;
    for (Index j = 0; j < v.size(); ++j) parts << formatNumber(v(j));
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

QString esc(const QString& s) { return s.toHtmlEscaped(); }

}  // namespace attnviz::gui::panels
