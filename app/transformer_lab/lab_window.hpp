// SPDX-License-Identifier: GPL-3.0-or-later
// The Transformer lab (issue 15): press Train and watch a GPT learn a task while its heads form.
// Left: the task and hyper-parameters, Train / Pause / Stop, progress, the result and Save….
// Right: the loss and accuracy over the per-head metric curves (one step axis), and under them
// the probe sequence's attention for every layer × head, the open head's heatmap and the
// timeline that scrubs back through the snapshots. Training runs in a LabRunner (its own
// thread); closing the window stops it and waits for its thread.
#pragma once

#include "shell/train_controls.hpp"
#include "transformer_lab/lab_types.hpp"

#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QTemporaryDir;

namespace attnviz::playground {
class AppSettings;
}

namespace attnviz::transformer_lab {

class LabCurves;
class LabHeadsView;
class LabRunner;
class LabSettingsForm;
class LabTimeline;

class TransformerLabWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Options {
        // False for tests and screenshots: errors go to the status bar, never to a dialog.
        bool prompts = true;
        // Settings store (the file dialogs' directory, through AppSettings); null = the
        // application's QSettings. Not owned.
        QSettings* settings = nullptr;
        // Hands a saved model folder to the checkpoint-runner window (the window launcher sets
        // it). Null: there is no runner to hand over to, and no "Open in model runner" button.
        std::function<void(const QString& folder)> openInModelRunner;
    };

    explicit TransformerLabWindow(QWidget* parent = nullptr);
    explicit TransformerLabWindow(const Options& options, QWidget* parent = nullptr);
    ~TransformerLabWindow() override;

    // Starts `job` (what the Train button does with the form's job after validating it). False
    // with the reason in the status line when it cannot start.
    bool startTraining(const LabJob& job);
    bool isTraining() const;
    // Writes the last trained model as a Hugging Face GPT-2 folder (config.json,
    // model.safetensors, tokenizer.json; each file written atomically). False with the message
    // in *error (also shown in the status bar, and in a dialog when prompts are on).
    bool saveModel(const QString& directory, QString* error = nullptr);
    // Saves the last trained model into a new folder under a temporary directory that lives as
    // long as this window, and hands that folder to options.openInModelRunner. False with the
    // message in *error (no model, no runner, or the save failed).
    bool openInModelRunner(QString* error = nullptr);
    // The last finished run (nullopt before the first).
    const std::optional<LabRunOutcome>& lastOutcome() const { return outcome_; }

    LabSettingsForm* form() const { return form_; }
    LabRunner* runner() const { return runner_; }
    LabCurves* curves() const { return curves_; }
    LabHeadsView* headsView() const { return heads_; }
    LabTimeline* timeline() const { return timeline_; }
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* trainButton() const { return buttons_.train(); }
    QPushButton* pauseButton() const { return buttons_.pause(); }
    QPushButton* stopButton() const { return buttons_.stop(); }
    QPushButton* saveButton() const { return save_; }
    QPushButton* runnerButton() const { return runner_button_; }  // null without a runner
    QLabel* statusLabel() const { return status_; }
    QLabel* resultLabel() const { return result_; }

signals:
    void trainingRunning(bool running);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void onTrainClicked();
    void onSnapshot(const LabFrame& frame);
    void onStep(LabRun run, long long step, double loss);
    void onFinished(const LabRunOutcome& outcome);
    void onFailed(const QString& message);
    void setRunning(bool running);
    void chooseAndSave();
    void reportError(const QString& title, const QString& message);

    Options options_;
    std::unique_ptr<playground::AppSettings> settings_;
    LabSettingsForm* form_;
    LabRunner* runner_;
    LabCurves* curves_;
    LabHeadsView* heads_;
    LabTimeline* timeline_;
    QProgressBar* progress_;
    shell::TrainButtons buttons_;
    QPushButton* save_;
    QPushButton* runner_button_ = nullptr;
    std::unique_ptr<QTemporaryDir> handover_;  // the folders handed to the model runner
    int handovers_ = 0;
    QLabel *status_, *result_;
    LabJob job_;
    LabRun phase_ = LabRun::Main;
    std::optional<LabRunOutcome> outcome_;
};

}  // namespace attnviz::transformer_lab
