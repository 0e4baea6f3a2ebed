// SPDX-License-Identifier: GPL-3.0-or-later
// The controls the seq2seq window's Train tab and the Transformer lab share: the Train / Pause /
// Stop buttons and their one state machine, the left column that holds the settings form above
// the "Run" group, and how a duration is written. Each view keeps its own tooltips, status
// texts and what a finished run shows; only what is the same in both lives here.
#pragma once

#include <QString>

class QLabel;
class QLayout;
class QProgressBar;
class QPushButton;
class QWidget;

namespace attnviz::shell {

class TrainingRunnerBase;

// Train only while idle; Pause and Stop only while a job runs; Pause pauses or resumes and reads
// "Resume" while the run is paused. The buttons have no parent until a layout adopts them
// (trainingColumn does); the caller sets their tooltips.
class TrainButtons {
public:
    TrainButtons();

    QPushButton* train() const { return train_; }
    QPushButton* pause() const { return pause_; }
    QPushButton* stop() const { return stop_; }

    // Pause → runner's pause() or resume(), Stop → its stop(), and the Pause button's text
    // follows its pausedChanged. Train stays the caller's (it validates its own form first).
    void connectTo(TrainingRunnerBase* runner);
    // The enabled states for a running or an idle view; the Pause button reads "Pause" again.
    void setRunning(bool running);

private:
    QPushButton *train_, *pause_, *stop_;
};

// The left column of a training view: a group box titled `settingsTitle` around `form`, then
// the "Run" group: the buttons in a row, the progress bar, the status and the result lines,
// `extra` (a row of the view's own, or null) and a stretch.
QWidget* trainingColumn(const QString& settingsTitle, QWidget* form, const TrainButtons& buttons,
                        QProgressBar* progress, QLabel* status, QLabel* result, QLayout* extra = nullptr);

// "42 s" or "3 min 05 s" (rounded to the second; negative counts as 0).
QString durationText(double seconds);

}  // namespace attnviz::shell
