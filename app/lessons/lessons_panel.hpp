// SPDX-License-Identifier: GPL-3.0-or-later
// The Lessons panel (issue 14): the course's lessons in a list, one shown at a time — its text,
// a Setup button that puts the program in the lesson's starting state, and one to four tasks,
// each with a Hint, a "Show me" that performs it, and a tick that appears by itself when the
// published state (LessonState) satisfies the task's check. Ticks are re-evaluated on every
// published change. A task whose check turns true while its lesson is shown is recorded as
// done in the settings (a grey tick while the state no longer satisfies it) until Reset
// progress; a state that satisfied the check before the lesson was shown shows the tick but
// earns nothing: every task done was done by the student.
//
// LessonsDock puts the panel in a dock of the playground window with Help ▸ Lessons, F1 (the
// lesson of the focused panel) and File ▸ Open lesson… (a teacher's file).
#pragma once

#include "lessons/lesson.hpp"

#include <QDockWidget>
#include <QWidget>

#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace attnviz::gui {
class MainWindow;
}
namespace attnviz::playground {
class AppSettings;
}

namespace attnviz::lessons {

class LessonActions;

class LessonsPanel : public QWidget {
    Q_OBJECT

public:
    // `settings` keeps the progress (not owned; the window's).
    LessonsPanel(gui::MainWindow* window, playground::AppSettings* settings, QWidget* parent = nullptr);
    ~LessonsPanel() override;

    int lessonCount() const { return int(lessons_.size()); }
    const Lesson& lesson(int index) const { return lessons_.at(std::size_t(index)); }
    int currentIndex() const { return current_; }
    const Lesson* currentLesson() const;
    // Shows a lesson by id or index; false for an unknown one.
    bool showLesson(const QString& id);
    void showLessonAt(int index);
    // F1: the lesson that names `panel` (an objectName: heatmap, controls, seq2seq.translate, ...)
    // in its "panels:" line; false when none does.
    bool showLessonForPanel(const QString& panel);
    // A teacher's file: parsed, added to the list (replacing a lesson with the same id) and
    // shown. On a bad file: false with the parser's message ("F:12: unknown key ...") in *error.
    bool openLessonFile(const QString& path, QString* error);
    // Adds (or replaces by id) and shows a parsed lesson; returns its index.
    int addLesson(Lesson lesson);

    // What the buttons do; each returns the problem, empty when every step was done.
    QString runSetup();
    QString runShowMe(int task);

    // Task `task` (from 0) of the lesson shown: its check holds now / it was done once.
    bool isTicked(int task) const;
    bool isDone(int task) const;
    void resetProgress();
    // Tasks done over the whole course (shipped lessons and opened ones).
    int tasksDone() const;

    QComboBox* lessonPicker() const { return picker_; }
    QPushButton* setupButton() const { return setup_; }
    QPushButton* showMeButton(int task) const;
    QPushButton* hintButton(int task) const;
    QLabel* hintLabel(int task) const;
    QLabel* tickLabel(int task) const;
    QPushButton* resetButton() const { return reset_; }
    QLabel* messageLabel() const { return message_; }

signals:
    void taskTicked(int task);  // a task's check started to hold

private:
    struct TaskRow;
    void rebuildPicker();
    void rebuildTasks();
    void evaluate(bool record);
    void updateProgressLabel();
    QString doneKey(int task) const;
    void showMessage(const QString& text);

    gui::MainWindow* window_;
    playground::AppSettings* settings_;
    std::unique_ptr<LessonActions> actions_;
    std::vector<Lesson> lessons_;
    int current_ = -1;
    std::vector<bool> ticked_;
    std::vector<bool> armed_;  // the task's check was false at some point since the lesson was shown
    QComboBox* picker_;
    QLabel *title_, *text_, *progress_, *message_;
    QPushButton *setup_, *reset_, *previous_, *next_;
    QWidget* tasksBox_;
    QVBoxLayout* tasksLayout_;
    std::vector<std::unique_ptr<TaskRow>> rows_;
};

class LessonsDock : public QDockWidget {
    Q_OBJECT

public:
    // Adds itself to `window`'s right dock area, hidden until asked for.
    LessonsDock(gui::MainWindow* window, playground::AppSettings* settings);

    LessonsPanel* panel() const { return panel_; }
    // Help ▸ Lessons: shows and raises the dock.
    QAction* showAction() const { return show_; }
    // File ▸ Open lesson…: a file dialog, then a refusal dialog naming the line on a bad file.
    QAction* openFileAction() const { return open_; }
    // F1: the lesson of the focused panel when one names it, else the dock as it is.
    void helpForFocusedPanel();
    void showDock();

private:
    gui::MainWindow* window_;
    playground::AppSettings* settings_;
    LessonsPanel* panel_;
    QAction *show_, *open_;
};

}  // namespace attnviz::lessons
