// SPDX-License-Identifier: GPL-3.0-or-later
// Token labels and number formatting shared by the result panels, so every panel names a query
// or a key the same way and prints numbers alike.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QString>
#include <QStringList>

namespace attnviz::gui::panels {

// The result's query labels: the session's tokens, or "0", "1", … when it has none. A variant
// with a single query row (feed-forward pooling) labels it by the first query token or "pooled".
QStringList queryLabels(const playground::ResultSnapshot& s);
// The key labels: the session's key tokens; the query tokens when the keys are the queries
// (self-attention with only queries named); else "0", "1", ….
QStringList keyLabels(const playground::ResultSnapshot& s);
// "dim 0", "dim 1", … for the columns of an output.
QStringList dimensionLabels(int count);

// Up to 3 significant decimals without trailing zeros ("0.5", "550", "0.333", "-inf").
QString formatNumber(double v);
// The shortest text that reads back to exactly `v` ("1", "0.501", "5e-324"): for a value the
// user set, such as the temperature, which formatNumber would round ("T = 0" for 5e-324).
QString formatExact(double v);
// A vector as "[550, 5.5]".
QString formatVector(const RowVector& v);

// HTML-escaped text.
QString esc(const QString& s);

}  // namespace attnviz::gui::panels
