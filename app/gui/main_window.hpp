// SPDX-License-Identifier: GPL-3.0-or-later
// The playground's main window: the weights heatmap in the middle, docks around it (controls,
// matrix editors, and the result panels of app/gui/panels/), menus and a toolbar.
//
// The window only assembles: the document owns the edits (QUndoStack), the recompute
// controller computes, FileController handles files, the panels show snapshots.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QSettings;

namespace attnviz::playground {
class AppSettings;
class AutosaveManager;
class PlaygroundDocument;
class RecomputeController;
}  // namespace attnviz::playground

namespace attnviz::widgets {
class HeatmapWidget;
}

namespace attnviz::gui {

class ControlsPanel;
class EditorsPanel;
class FileController;
class WindowLauncher;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Options {
        // False for tests and screenshots: no autosave-recovery offer at start and no
        // unsaved-changes question on close (error dialogs are still shown).
        bool prompts = true;
        // Read and write window geometry and dock layout (screenshots want the default layout).
        bool persistLayout = true;
        // Settings store; null = the application's QSettings. Not owned.
        QSettings* settings = nullptr;
        // Autosave directory; empty = AppDataLocation. autosave = false runs none.
        bool autosave = true;
        QString autosaveDir;
    };

    MainWindow();  // the defaults above: what the user runs
    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    playground::PlaygroundDocument* document() const { return document_; }
    playground::RecomputeController* controller() const { return controller_; }
    playground::AppSettings* settings() const { return settings_.get(); }
    FileController* fileController() const { return files_; }
    // Opens the seq2seq model window and the attention-file inspector (Window menu).
    WindowLauncher* windows() const { return windows_; }
    // A session goes to this window, model and attention files to theirs. False (with a
    // warning box) when the session cannot be read or the file type is unknown.
    bool openAnyFile(const QString& path);
    widgets::HeatmapWidget* heatmap() const { return heatmap_; }
    ControlsPanel* controlsPanel() const { return controls_; }
    EditorsPanel* editorsPanel() const { return editors_; }
    // The error banner over the heatmap (hidden when the last compute succeeded).
    QLabel* errorBanner() const { return banner_; }
    // The focused query row (Ctrl+click on the heatmap), -1 for none.
    int focusedQuery() const { return focusedQuery_; }

    // Dock sizes in proportion to the window's size (after a resize that is not the user's:
    // start-up without saved state, screenshots).
    void applyDefaultDockSizes();
    // Gives the formula panel the height its text needs when the text is cut off, from the
    // matrix editors below it (see main_window.cpp).
    void fitFormulaDock();

    // Light/dark/system palette on the whole application (Fusion style), remembered.
    void applyPalette(int palette);  // AppSettings::Palette as int

signals:
    // Ctrl+click on a heatmap row: the query the focus panels should show.
    void queryFocused(int row);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // main_window.cpp: layout and docks
    void buildCentral();
    void buildDocks();
    void addResultPanelDocks();
    QDockWidget* addDock(QWidget* content, const QString& title, const QString& objectName,
                         Qt::DockWidgetArea area, bool scrollable = false);
    void restoreLayout();
    void saveLayout();
    void offerAutosaveRecovery();
    void onResult(const playground::ResultSnapshotPtr& snapshot);
    void onComputeFailed(const QString& message);
    void onCellClicked(int row, int col);
    void updateTitle();

    // main_window_actions.cpp: menus, toolbar, shortcuts, View options
    void buildActions();
    void buildMenus();
    void rebuildRecentMenu();
    void setColormapByName(const QString& id);
    void setAutoscale(bool on);
    void showAbout();

    Options options_;
    std::unique_ptr<playground::AppSettings> settings_;
    playground::PlaygroundDocument* document_ = nullptr;
    playground::RecomputeController* controller_ = nullptr;
    playground::AutosaveManager* autosave_ = nullptr;
    FileController* files_ = nullptr;
    WindowLauncher* windows_ = nullptr;

    widgets::HeatmapWidget* heatmap_ = nullptr;
    QLabel* banner_ = nullptr;
    QLabel* shapeLabel_ = nullptr;  // permanent status-bar text: shape, variant, time
    ControlsPanel* controls_ = nullptr;
    EditorsPanel* editors_ = nullptr;
    QList<QDockWidget*> docks_;
    int focusedQuery_ = -1;
    Qt::KeyboardModifiers clickModifiers_;  // of the last press/release on the heatmap

    QMenu* viewMenu_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QActionGroup* colormapGroup_ = nullptr;
    QActionGroup* paletteGroup_ = nullptr;
    QAction* autoscaleAction_ = nullptr;
};

}  // namespace attnviz::gui
