// SPDX-License-Identifier: GPL-3.0-or-later
// The Train tab: settings, Train / Pause / Stop, progress with ETA and throughput, the live loss
// curve and the probe's alignment snapshots. Training runs in a TrainRunner (its own thread);
// the finished model is handed to the window by modelTrained.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"
#include "shell/train_controls.hpp"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace attnviz::widgets {
class LossCurveWidget;
}

namespace attnviz::seq2seq_view {

class SnapshotTimeline;
class TrainRunner;
class TrainSettingsForm;

class TrainPanel : public QWidget {
    Q_OBJECT

public:
    explicit TrainPanel(QWidget* parent = nullptr);
    ~TrainPanel() override;

    // Starts `job` (what the Train button does with the form's job). False with a message in
    // the status line when it cannot start.
    bool startTraining(const TrainJob& job);
    bool isTraining() const;

    TrainSettingsForm* form() const { return form_; }
    TrainRunner* runner() const { return runner_; }
    widgets::LossCurveWidget* lossCurve() const { return curve_; }
    SnapshotTimeline* timeline() const { return timeline_; }
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* trainButton() const { return buttons_.train(); }
    QPushButton* pauseButton() const { return buttons_.pause(); }
    QPushButton* stopButton() const { return buttons_.stop(); }
    QLabel* statusLabel() const { return status_; }
    QLabel* resultLabel() const { return result_; }
    // The last finished run (its model is null before the first).
    const TrainOutcome& lastOutcome() const { return outcome_; }

signals:
    void modelTrained(attnviz::seq2seq_view::Seq2SeqModelPtr model, const QString& summary);
    void trainingRunning(bool running);

private:
    void onEpoch(const seq2seq::EpochStats& s);
    void onFinished(const TrainOutcome& outcome);
    void onFailed(const QString& message);
    void setRunning(bool running);

    TrainSettingsForm* form_;
    TrainRunner* runner_;
    widgets::LossCurveWidget* curve_;
    SnapshotTimeline* timeline_;
    QProgressBar* progress_;
    shell::TrainButtons buttons_;
    QLabel *status_, *result_;
    TrainOutcome outcome_;
    QString dataset_;
};

}  // namespace attnviz::seq2seq_view
