// SPDX-License-Identifier: GPL-3.0-or-later
// The lesson text's small markup as HTML for the panel (docs/lessons.md): paragraphs are
// separated by blank lines; a line that starts with "= " is a displayed formula (centred, in a
// serif italic, Unicode as written: √, Σ, ·, ᵀ); *words* are bold and `words` are code.
// Everything else is text: < and & are escaped, so a file cannot inject markup.
#pragma once

#include <QString>

#include <string>

namespace attnviz::lessons {

QString lessonTextToHtml(const std::string& text);
// A task's or hint's one line with the inline markup (*bold*, `code`) as HTML.
QString inlineToHtml(const QString& text);

}  // namespace attnviz::lessons
