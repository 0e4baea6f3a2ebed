// SPDX-License-Identifier: GPL-3.0-or-later
// The questions the File menu asks the user: which file, save changes?, and its warnings.
// FileController talks only to this interface, so tests drive the real open/save/import/
// export/close flows with scripted answers instead of modal dialogs.
#pragma once

#include <QString>

#include <memory>

class QWidget;

namespace attnviz::gui {

class FileDialogs {
public:
    enum class SaveAnswer { Save, Discard, Cancel };

    virtual ~FileDialogs() = default;
    // Empty when the user cancelled.
    virtual QString openFileName(QWidget* parent, const QString& title, const QString& dir,
                                 const QString& filter) = 0;
    // `selectedFilter` receives the filter the user picked (it decides a missing suffix).
    virtual QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                                 const QString& filter, QString* selectedFilter) = 0;
    virtual SaveAnswer askSaveChanges(QWidget* parent, const QString& documentName) = 0;
    virtual void warn(QWidget* parent, const QString& title, const QString& text) = 0;
};

// QFileDialog and QMessageBox: what the user sees.
std::unique_ptr<FileDialogs> makeQtFileDialogs();

}  // namespace attnviz::gui
