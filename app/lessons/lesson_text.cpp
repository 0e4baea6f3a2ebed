// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lesson_text.hpp"

#include <QRegularExpression>
#include <QStringList>

namespace attnviz::lessons {

QString inlineToHtml(const QString& text)
{
    QString html = text.toHtmlEscaped();
    static const QRegularExpression bold(QStringLiteral("\\*([^*\\n]+)\\*"));
    static const QRegularExpression code(QStringLiteral("`([^`\\n]+)`"));
    html.replace(code, QStringLiteral("<code>\\1</code>"));
    html.replace(bold, QStringLiteral("<b>\\1</b>"));
    return html;
}

namespace {

// x_i → x<sub>i</sub>, x_{j' < n} → x<sub>j' &lt; n</sub>; x^2 → x<sup>2</sup>; in formula lines only
// (the prose has names such as valid_len).
QString formulaToHtml(const QString& formula)
{
    QString html = formula.toHtmlEscaped();
    static const QRegularExpression braced(QStringLiteral("([_^])\\{([^}]*)\\}"));
    static const QRegularExpression plain(QStringLiteral("([_^])([A-Za-z0-9'\\x{2032}]+)"));
    for (const QRegularExpression* re : {&braced, &plain}) {
        QString out;
        qsizetype last = 0;
        for (auto it = re->globalMatch(html); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const QString tag = m.captured(1) == QLatin1String("_") ? QStringLiteral("sub") : QStringLiteral("sup");
            out += html.mid(last, m.capturedStart() - last) + QStringLiteral("<%1>%2</%1>").arg(tag, m.captured(2));
            last = m.capturedEnd();
        }
        html = out + html.mid(last);
    }
    return html;
}

}  // namespace

QString lessonTextToHtml(const std::string& text)
{
    QString html;
    QStringList paragraph;
    auto flush = [&] {
        if (!paragraph.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(inlineToHtml(paragraph.join(QLatin1Char(' '))));
        paragraph.clear();
    };
    for (const QString& line : QString::fromStdString(text).split(QLatin1Char('\n'))) {
        if (line.trimmed().isEmpty()) {
            flush();
        } else if (line.startsWith(QLatin1String("= "))) {
            flush();
            html += QStringLiteral("<p align=\"center\" style=\"font-family: serif; font-style: italic; font-size: large;\">%1</p>")
                        .arg(formulaToHtml(line.mid(2).trimmed()));
        } else {
            paragraph << line;
        }
    }
    flush();
    return html;
}

}  // namespace attnviz::lessons
