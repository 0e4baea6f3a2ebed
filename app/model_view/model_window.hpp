// SPDX-License-Identifier: GPL-3.0-or-later
// The model window (issue 12): a Hugging Face checkpoint, run natively. "One window, two
// sources": this is the attention-file inspector (every view of it: model grid, head view,
// zoomable heatmap, aggregates, rollout, statistics, exports) whose stack comes from a forward
// pass instead of a file, with the model panel docked beside the views (facts, input, tokens,
// top K, progress and Cancel). ModelRunner does the work off the GUI thread.
//
// A folder that fails to open, and an input that is refused (too long, no tokenizer, an id out
// of the vocabulary), are shown in the window; the model and the result already shown stay.
#pragma once

#include "inspector/inspector_window.hpp"

#include <QString>

#include <memory>

class QDockWidget;
class QMenu;
class QSettings;
class QUndoStack;

namespace attnviz::playground {
class AppSettings;
}

namespace attnviz::model_view {

class ModelRunPanel;
class ModelRunner;
struct OpenedModel;
struct RunOutcome;

class ModelWindow : public gui::InspectorWindow {
    Q_OBJECT

public:
    struct Options {
        bool prompts = true;            // false: errors only in the window (tests, screenshots)
        QSettings* settings = nullptr;  // null: the application's QSettings
    };

    explicit ModelWindow(const Options& options, QWidget* parent = nullptr);
    ~ModelWindow() override;

    // Opens a checkpoint folder (or its config.json) on a worker and returns once it is open
    // (true) or refused (false, *error = the reason; the model open before stays open).
    bool openModel(const QString& folder, QString* error = nullptr);
    void openModelAsync(const QString& folder);
    // The folder dialog (File → Open Model Folder…), starting at the last folder opened.
    void chooseModelFolder();

    // Runs `input` (text, or ids with `ids`) and returns once the result is shown (true) or the
    // input was refused, the run failed or was cancelled (false, *error = the reason).
    bool runInput(const QString& input, bool ids = false, QString* error = nullptr);

    ModelRunner* runner() const { return m_runner; }
    ModelRunPanel* runPanel() const { return m_panel; }
    QDockWidget* runDock() const { return m_dock; }
    std::shared_ptr<const RunOutcome> lastOutcome() const { return m_outcome; }
    QString modelFolder() const { return m_folder; }
    // Issue 13: one undo step per intervention (ablation, attention override), and the
    // "Intervene" menu (Undo, Redo, then each panel's actions).
    QUndoStack* interventionUndo() const { return m_undo; }
    QMenu* interveneMenu() const { return m_interveneMenu; }
    // The latest outcome of a plain run (no ablation, no override): what interventions compare
    // against. Null before the first run.
    std::shared_ptr<const RunOutcome> plainOutcome() const { return m_plain; }

signals:
    void modelOpened(const QString& folder);
    void modelOpenFailed(const QString& folder, const QString& message);
    void runShown();
    // "Open head in playground" (head_export_action.cpp) wrote a session to `path`; the launcher
    // hands it to the playground.
    void openSessionInPlayground(const QString& path);

private:
    void showOutcome(std::shared_ptr<const RunOutcome> outcome);

    Options m_options;
    std::unique_ptr<playground::AppSettings> m_settings;
    ModelRunner* m_runner;
    ModelRunPanel* m_panel;
    QDockWidget* m_dock;
    std::shared_ptr<const RunOutcome> m_outcome;
    std::shared_ptr<const RunOutcome> m_plain;
    QUndoStack* m_undo;
    QMenu* m_interveneMenu;
    QString m_folder;
};

// True when `path` is a Hugging Face checkpoint to open in this window: a folder holding
// config.json, or a file named config.json that names a model_type.
bool isModelFolderOrConfig(const QString& path);

}  // namespace attnviz::model_view
