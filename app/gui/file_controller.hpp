// SPDX-License-Identifier: GPL-3.0-or-later
// Everything the File menu does to disk: new from preset, open, save, save as, recent files,
// import/export of matrices and the heatmap, and the unsaved-changes question.
// Reading and writing are app/playground/session_files (atomic, checked); this class adds the
// dialogs and keeps the current path. A file that does not parse is reported in a warning box
// and the current session is left exactly as it was.
#pragma once

#include "gui/file_dialogs.hpp"

#include <QObject>
#include <QString>

#include <memory>

class QWidget;

namespace attnviz::playground {
class AppSettings;
class PlaygroundDocument;
}  // namespace attnviz::playground

namespace attnviz::widgets {
class HeatmapWidget;
class MatrixTableModel;
}  // namespace attnviz::widgets

namespace attnviz::gui {

class FileController : public QObject {
    Q_OBJECT

public:
    FileController(playground::PlaygroundDocument* document, playground::AppSettings* settings,
                   QWidget* dialogParent, QObject* parent = nullptr);
    ~FileController() override;

    // Replaces the Qt dialogs (tests script the answers). Never null.
    void setDialogs(std::unique_ptr<FileDialogs> dialogs);

    // The file the session was opened from or saved to; empty for a preset or a new session.
    QString currentPath() const { return path_; }
    // "tf-tutorial" or "session.json": what the title bar shows.
    QString displayName() const;

    // Unsaved changes: ask Save / Discard / Cancel (prompts on) and act. True = go ahead.
    bool maybeSave();
    void setPrompts(bool on) { prompts_ = on; }

    // No dialogs: the programmatic entry points (tests, drag-and-drop, recent files).
    bool loadPreset(const QString& name);
    // False and a warning box naming the problem; the document is untouched then.
    bool openPath(const QString& path);
    bool saveTo(const QString& path);
    // A warning box (or the scripted dialogs' record of it).
    void warn(const QString& title, const QString& text);
    // After an autosave was restored: no file, no preset; the title says what it is.
    void setRecovered();

public slots:
    void newFromPreset(const QString& name);  // asks maybeSave first
    void open();
    void openRecent(const QString& path);
    bool save();
    bool saveAs();
    void importInto(widgets::MatrixTableModel* model);
    void exportMatrix(widgets::MatrixTableModel* model);
    void exportHeatmap(widgets::HeatmapWidget* heatmap);

signals:
    void pathChanged(const QString& path);
    void recentFilesChanged();
    void statusMessage(const QString& text);
    // File ▸ Open chose a file that is not a session (attention tensors, a model).
    void otherFileChosen(const QString& path);

private:
    void setPath(const QString& path);
    QString startDir() const;
    void rememberDir(const QString& file);

    playground::PlaygroundDocument* document_;
    playground::AppSettings* settings_;
    QWidget* dialogParent_;
    std::unique_ptr<FileDialogs> dialogs_;
    QString path_;
    QString presetName_;
    bool prompts_ = true;
};

}  // namespace attnviz::gui
