// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/matrix_text.hpp"

#include <QList>
#include <QLocale>
#include <QRegularExpression>
#include <QStringList>

#include <cmath>
#include <vector>

namespace attnviz::widgets {

namespace {

// One row of tokens plus where it came from, for error messages.
using Rows = std::vector<QStringList>;

QString describe(qsizetype row, qsizetype col)
{
    return QStringLiteral("row %1, column %2").arg(row + 1).arg(col + 1);
}

// Removes "array(" / "tensor(" / "matrix(" wrappers and a trailing ", dtype=...)" so that what
// remains is the bracketed list itself.
QString stripWrappers(QString s)
{
    static const QRegularExpression prefix(QStringLiteral(R"(^(?:np\.)?(?:array|tensor|matrix)\s*\()"));
    static const QRegularExpression suffix(
        QStringLiteral(R"(\s*(?:,\s*(?:dtype|device|requires_grad)\s*=\s*[^,()\[\]]*)*\)\s*$)"));
    const auto m = prefix.match(s);
    if (m.hasMatch()) {
        s.remove(0, m.capturedLength());
        const auto t = suffix.match(s);
        if (t.hasMatch()) s.truncate(t.capturedStart());
        s = s.trimmed();
    }
    return s;
}

// "[[1 2] [3 4]]" → {{"1","2"},{"3","4"}}; "[1 2 3]" → {{"1","2","3"}}.
std::optional<Rows> splitBrackets(const QString& s, QString* error)
{
    static const QRegularExpression sep(QStringLiteral(R"([,\s]+)"));
    int depth = 0;
    int maxDepth = 0;
    Rows rows;
    QString current;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar ch = s.at(i);
        if (ch == u'[') {
            ++depth;
            maxDepth = std::max(maxDepth, depth);
            if (depth > 2) {
                *error = QStringLiteral("Only 1-D and 2-D arrays can be pasted; this one has "
                                        "more levels of brackets.");
                return std::nullopt;
            }
            current.clear();
        } else if (ch == u']') {
            if (depth == 0) {
                *error = QStringLiteral("Unbalanced brackets: a ']' has no matching '['.");
                return std::nullopt;
            }
            if (depth == maxDepth) rows.push_back(current.split(sep, Qt::SkipEmptyParts));
            current.clear();
            --depth;
        } else if (depth == maxDepth && depth > 0) {
            current.append(ch);
        } else if (!ch.isSpace() && ch != u',') {
            *error = QStringLiteral("Unexpected '%1' outside the rows' brackets.").arg(ch);
            return std::nullopt;
        }
    }
    if (depth != 0) {
        *error = QStringLiteral("Unbalanced brackets: a '[' is never closed.");
        return std::nullopt;
    }
    // numpy never prints an empty row, but "[[1, 2], []]" must not become a ragged matrix.
    return rows;
}

std::optional<Rows> splitLines(const QString& s, QString* error)
{
    QStringList lines = s.split(u'\n');
    for (QString& line : lines) {
        if (line.endsWith(u'\r')) line.chop(1);
        line = line.trimmed();
    }
    lines.removeIf([](const QString& l) { return l.isEmpty(); });

    QChar delimiter;
    for (const QChar candidate : {QChar(u'\t'), QChar(u';'), QChar(u',')}) {
        if (std::any_of(lines.cbegin(), lines.cend(),
                        [candidate](const QString& l) { return l.contains(candidate); })) {
            delimiter = candidate;
            break;
        }
    }
    static const QRegularExpression spaces(QStringLiteral(R"(\s+)"));
    Rows rows;
    for (qsizetype r = 0; r < lines.size(); ++r) {
        QStringList fields = delimiter.isNull() ? lines[r].split(spaces, Qt::SkipEmptyParts)
                                                : lines[r].split(delimiter);
        for (qsizetype c = 0; c < fields.size(); ++c) {
            QString f = fields[c].trimmed();
            if (f.size() >= 2 && f.startsWith(u'"') && f.endsWith(u'"')) f = f.mid(1, f.size() - 2).trimmed();
            if (f.isEmpty()) {
                *error = QStringLiteral("%1 is empty.").arg(describe(r, c));
                error->front() = error->front().toUpper();
                return std::nullopt;
            }
            // With tabs or semicolons separating values a comma can only be a decimal comma.
            if ((delimiter == u'\t' || delimiter == u';') && f.count(u',') == 1 && !f.contains(u'.'))
                f.replace(u',', u'.');
            fields[c] = f;
        }
        rows.push_back(fields);
    }
    return rows;
}

}  // namespace

std::optional<double> parseNumber(const QString& text)
{
    QString t = text.trimmed();
    t.replace(QChar(0x2212), u'-');
    bool ok = false;
    const double v = QLocale::c().toDouble(t, &ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    return v;
}

MatrixParseResult parseMatrixText(const QString& text)
{
    const QString s = stripWrappers(text.trimmed());
    if (s.isEmpty()) return {std::nullopt, QStringLiteral("There is nothing to paste: the text is empty.")};

    QString error;
    const bool bracketed = s.contains(u'[') || s.contains(u']');
    const std::optional<Rows> rows = bracketed ? splitBrackets(s, &error) : splitLines(s, &error);
    if (!rows) return {std::nullopt, error};
    if (rows->empty() || rows->front().isEmpty())
        return {std::nullopt, QStringLiteral("The text holds no numbers.")};

    const auto cols = rows->front().size();
    Matrix m(static_cast<Index>(rows->size()), static_cast<Index>(cols));
    for (qsizetype r = 0; r < static_cast<qsizetype>(rows->size()); ++r) {
        const QStringList& row = (*rows)[static_cast<std::size_t>(r)];
        if (row.size() != cols) {
            return {std::nullopt, QStringLiteral("Row %1 has %2 values but row 1 has %3; every row "
                                                 "must have the same number of values.")
                                      .arg(r + 1)
                                      .arg(row.size())
                                      .arg(cols)};
        }
        for (qsizetype c = 0; c < cols; ++c) {
            const std::optional<double> v = parseNumber(row[c]);
            if (!v) {
                QString what = row[c];
                if (what.size() > 24) what = what.left(21) + QStringLiteral("...");
                return {std::nullopt, QStringLiteral("At %1: '%2' is not a finite number.")
                                          .arg(describe(r, c), what)};
            }
            m(r, c) = *v;
        }
    }
    return {std::move(m), QString()};
}

QString formatNumber(double value)
{
    // FloatingPointShortest: the shortest digits that read back to the same double, so that
    // copy → paste and display → edit are lossless.
    return QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest);
}

QString matrixToTsv(const Matrix& m)
{
    QString out;
    for (Index r = 0; r < m.rows(); ++r) {
        for (Index c = 0; c < m.cols(); ++c) {
            if (c > 0) out += u'\t';
            out += formatNumber(m(r, c));
        }
        out += u'\n';
    }
    return out;
}

}  // namespace attnviz::widgets
