// SPDX-License-Identifier: GPL-3.0-or-later
// The values the windows publish for the lessons' checks: one registry per program (the
// windows are created apart from each other, so they reach it through instance()). A window
// publishes through publish.hpp when its result or state changes; the Lessons panel listens to
// changed() and re-evaluates the checks of the lesson it shows.
//
// Scalars (the variant, the step) are stored by name. Matrices (every weight of a 2048 × 2048
// result) are not copied into the map: a window publishes a table, a function that reads one
// entry of a snapshot it keeps alive, so publishing costs the same at any size.
#pragma once

#include "lessons/condition.hpp"

#include <QObject>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace attnviz::lessons {

using Table = std::function<std::optional<Scalar>(const std::vector<long>& indices)>;

class LessonState : public QObject, public ValueSource {
    Q_OBJECT

public:
    // The program's registry.
    static LessonState& instance();

    explicit LessonState(QObject* parent = nullptr);

    // One batch of values: changed() once, and only when some value differs from the stored one
    // (a table always counts as changed). A value of std::nullopt withdraws the name.
    void publish(const std::map<std::string, std::optional<Scalar>>& values,
                 const std::map<std::string, Table>& tables = {});
    // Withdraws every name that starts with `prefix` ("seq2seq."): the window closed.
    void withdraw(const std::string& prefix);
    // Forgets everything (tests).
    void clear();

    std::optional<Scalar> lookup(const std::string& name, const std::vector<long>& indices) const override;
    // The scalar names published now, sorted (for a teacher's debugging view and the tests).
    std::vector<std::string> names() const;

    // F1 in a window that has no Lessons dock of its own (the seq2seq window): asks the dock to
    // show the lesson that names `panel` ("seq2seq.translate").
    void requestLessonFor(const QString& panel) { emit lessonRequested(panel); }

signals:
    void changed();
    void lessonRequested(const QString& panel);

private:
    std::map<std::string, Scalar> scalars_;
    std::map<std::string, Table> tables_;
};

}  // namespace attnviz::lessons
