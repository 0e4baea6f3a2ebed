// SPDX-License-Identifier: GPL-3.0-or-later
// The course shipped inside the program (resources/lessons/*.lesson as Qt resources, in file-name
// order: the number in front orders it) and a teacher's file opened from disk.
#pragma once

#include "lessons/lesson.hpp"

#include <QString>
#include <QStringList>

#include <vector>

namespace attnviz::lessons {

// Every shipped lesson, parsed against appVocabulary(), in course order. A shipped lesson that
// does not parse is our bug: it throws LessonError (the tests load every one).
std::vector<Lesson> shippedLessons();
// The shipped lesson files' names ("01-dot-product.lesson", ...), in course order.
QStringList shippedLessonFiles();

// A lesson file from disk: refused (LessonError naming the file) when it cannot be read, is not
// a regular file, is larger than kMaxLessonFileBytes or does not parse.
Lesson loadLessonFile(const QString& path);

}  // namespace attnviz::lessons
