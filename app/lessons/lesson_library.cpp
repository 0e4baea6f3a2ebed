// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lesson_library.hpp"

#include "lessons/lesson_parser.hpp"
#include "lessons/vocabulary.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace attnviz::lessons {

namespace {
// The qt_add_resources prefix "/" with BASE resources/ puts the files here.
const QString kLessonDir = QStringLiteral(":/lessons");
}  // namespace

QStringList shippedLessonFiles()
{
    return QDir(kLessonDir).entryList({QStringLiteral("*.lesson")}, QDir::Files, QDir::Name);
}

std::vector<Lesson> shippedLessons()
{
    std::vector<Lesson> out;
    for (const QString& name : shippedLessonFiles()) {
        QFile file(kLessonDir + QLatin1Char('/') + name);
        if (!file.open(QIODevice::ReadOnly)) throw LessonError(name.toStdString(), 0, "cannot read the shipped lesson");
        const QByteArray text = file.readAll();
        out.push_back(parseLesson(std::string_view(text.constData(), std::size_t(text.size())),
                                  ("resources/lessons/" + name).toStdString(), appVocabulary()));
    }
    return out;
}

Lesson loadLessonFile(const QString& path)
{
    const std::string shown = QDir::toNativeSeparators(path).toStdString();
    const QFileInfo info(path);
    if (!info.exists()) throw LessonError(shown, 0, "no such file");
    // Checked before reading: a FIFO would block, a directory cannot be read, a huge file is
    // not a lesson.
    if (!info.isFile()) throw LessonError(shown, 0, "not a regular file");
    if (info.size() > kMaxLessonFileBytes)
        throw LessonError(shown, 0, "the file has " + std::to_string(info.size()) + " bytes; a lesson has at most " +
                                        std::to_string(kMaxLessonFileBytes));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) throw LessonError(shown, 0, "cannot read: " + file.errorString().toStdString());
    const QByteArray text = file.read(kMaxLessonFileBytes + 1);
    return parseLesson(std::string_view(text.constData(), std::size_t(text.size())), shown, appVocabulary());
}

}  // namespace attnviz::lessons
