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
                        .arg(line.mid(2).trimmed().toHtmlEscaped());
        } else {
            paragraph << line;
        }
    }
    flush();
    return html;
}

}  // namespace attnviz::lessons
