// SPDX-License-Identifier: GPL-3.0-or-later
// The attention-file inspector (issue 5): opens .npy / .safetensors / JSON attention tensors
// exported from real models and shows them four ways, one tab each: the model grid (every
// layer × head as a thumbnail), the head view (token-to-token lines), a zoomable heatmap of a
// head or an aggregate, and a sortable table of per-head statistics.
//
// This class wires the parts; loading (InspectorLoader) and analysis (AnalysisRunner) run off
// the GUI thread and deliver by queued signals. A file that fails to open leaves the current
// one displayed.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"

#include <QMainWindow>
#include <QSize>

#include <memory>

class QAction;
class QFileSystemWatcher;
class QLabel;
class QSpinBox;
class QTabWidget;

namespace attnviz::inspector {
class AnalysisRunner;
class FileChangedBanner;
class HeadStatsModel;
class HeadViewPanel;
class HeatmapPanel;
class InspectorLoader;
class ModelPanel;
class ScoresBanner;
class StatsPanel;
struct LoadedFile;
}  // namespace attnviz::inspector

namespace attnviz::widgets {
class ExportableView;
}

namespace attnviz::gui {

class InspectorWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Options {
        // false: failures are reported by signals and return values only, never in a dialog
        // (tests, screenshots).
        bool prompts = true;
    };
    enum class Panel { Model, Head, Heatmap, Stats };

    explicit InspectorWindow(QWidget* parent = nullptr);
    explicit InspectorWindow(const Options& options, QWidget* parent = nullptr);
    ~InspectorWindow() override;

    // Opens `path` (batch entry `batch` of a 5-D file; `softmax`: the file holds raw scores).
    // Loads on a worker thread while the event loop keeps running, and returns once the file
    // is shown (true) or refused (false, *error = the one-line reason; the previous file stays).
    bool openFile(const QString& path, QString* error = nullptr);
    bool openFile(const QString& path, int batch, bool softmax, QString* error = nullptr);
    // Starts opening and returns at once; fileOpened / openFailed tell the outcome.
    void openFileAsync(const QString& path, int batch = 0, bool softmax = false);
    // The second source: shows a stack that comes from no file (a model run, made by
    // inspector::stackAsFile) in every view, as a file would be; `run->title` names it. A file
    // opened later replaces it, and the other way round.
    void showStack(std::shared_ptr<const inspector::LoadedFile> run);
    // Reopen the current file on another batch entry / with a softmax over each row.
    bool setBatch(int batch, QString* error = nullptr);
    bool applySoftmax(QString* error = nullptr);

    QString currentFile() const;  // empty for a stack from a model run
    QString currentTitle() const;  // the file's name, or the run's title
    // The open stack; null before the first file.
    std::shared_ptr<const inspect::AttentionStack> stack() const;

    // Brings a tab to the front; showHead opens a head in the heatmap tab.
    void showPanel(Panel panel);
    Panel currentPanel() const;
    void showHead(int layer, int head);

    // Processes events until loading and every aggregate/statistics computation are done.
    bool waitForIdle(int timeoutMs = 60000);

    // Writes `panel`'s drawing (Model, Head or Heatmap) as PNG/SVG/PDF by the path's suffix.
    bool exportPanel(Panel panel, const QString& path, QSize size, QString* error = nullptr);

    inspector::ModelPanel* modelPanel() const { return m_model; }
    inspector::HeadViewPanel* headViewPanel() const { return m_headView; }
    inspector::HeatmapPanel* heatmapPanel() const { return m_heatmap; }
    inspector::StatsPanel* statsPanel() const { return m_stats; }
    inspector::ScoresBanner* scoresBanner() const { return m_banner; }
    inspector::FileChangedBanner* fileChangedBanner() const { return m_changedBanner; }

    // Asks the open file whether it changed on disk since it was opened (cut short or rewritten
    // in place, as np.save does, or replaced); if so shows the file-changed bar, emits
    // fileChangedOnDisk once per new message, and returns true. Runs when the file watcher
    // reports a change and before a head is shown, so the bar explains values that read as 0.
    bool checkFileOnDisk();
    QSpinBox* batchSpin() const { return m_batch; }
    QTabWidget* tabs() const { return m_tabs; }
    QWidget* panelWidget(Panel panel) const;

signals:
    void fileOpened(const QString& path);
    void openFailed(const QString& path, const QString& message);
    void fileChangedOnDisk(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void showLoaded(std::shared_ptr<const inspector::LoadedFile> file);
    void reportFailure(const QString& path, const QString& message);
    void chooseFile();
    void exportCurrent();
    const widgets::ExportableView* exportable(Panel panel) const;

    Options m_options;
    inspector::InspectorLoader* m_loader;
    inspector::AnalysisRunner* m_runner;
    inspector::HeadStatsModel* m_statsModel;
    std::shared_ptr<const inspector::LoadedFile> m_file;
    QTabWidget* m_tabs;
    inspector::ScoresBanner* m_banner;
    inspector::FileChangedBanner* m_changedBanner;
    QFileSystemWatcher* m_watcher;
    inspector::ModelPanel* m_model;
    inspector::HeadViewPanel* m_headView;
    inspector::HeatmapPanel* m_heatmap;
    inspector::StatsPanel* m_stats;
    QSpinBox* m_batch;
    QLabel* m_fileLabel;
    QAction* m_exportAction = nullptr;
    bool m_updatingBatch = false;
};

}  // namespace attnviz::gui
