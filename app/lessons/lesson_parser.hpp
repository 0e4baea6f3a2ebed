// SPDX-License-Identifier: GPL-3.0-or-later
// Reads a lesson file (docs/lessons.md, "The format"): line-based "key: value" lines, indented
// lines continuing a text. Every refusal is a LessonError naming the file, the line and what is
// wrong: an unknown key or value name, a verb or a preset the program does not have, a bad
// operator, a task without its check, too many tasks, a text over 200 words, no title, ...
// Plain C++; the vocabulary says which names exist.
#pragma once

#include "lessons/lesson.hpp"
#include "lessons/vocabulary.hpp"

#include <string>
#include <string_view>

namespace attnviz::lessons {

// `fileName` names the file in messages and gives the lesson's id (see lessonIdFromFileName).
// Throws LessonError.
Lesson parseLesson(std::string_view text, const std::string& fileName, const Vocabulary& vocabulary);

// "resources/lessons/01-dot-product.lesson" → "dot-product": the base name without the suffix
// and without a leading number and dash (the number orders the course).
std::string lessonIdFromFileName(const std::string& fileName);

// A's words as the parser splits them: on spaces, a "quoted text" is one word without its quotes.
std::vector<std::string> splitWords(std::string_view line);

// Words in the lesson text (markup characters and formula lines count as they stand).
int countWords(std::string_view text);

}  // namespace attnviz::lessons
