// SPDX-License-Identifier: GPL-3.0-or-later
// Performs a lesson's Setup and "Show me" steps on the program's windows, through the same
// calls the controls make (each playground edit is one undoable command, so Ctrl+Z takes a
// "Show me" back). The verbs and their words are vocabulary.cpp's; the parser has checked them.
#pragma once

#include "lessons/lesson.hpp"

#include <QString>

#include <vector>

namespace attnviz::gui {
class MainWindow;
}

namespace attnviz::lessons {

class LessonActions {
public:
    explicit LessonActions(gui::MainWindow* window) : window_(window) {}

    // Performs the steps in order; stops at the first that cannot be done and returns why
    // ("line 12: cell Q 5 0: Q has 3 rows"); empty when every step was done.
    QString perform(const std::vector<Action>& actions);
    QString perform(const Action& action);

private:
    // The Transformer lab's and the model window's steps (lesson_actions_windows.cpp): true when
    // `action` is one of them, with the problem (empty when done) in *problem.
    bool performWindowStep(const Action& action, QString* problem);

    gui::MainWindow* window_;
};

}  // namespace attnviz::lessons
