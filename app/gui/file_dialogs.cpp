// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/file_dialogs.hpp"

#include <QCoreApplication>
#include <QFileDialog>
#include <QMessageBox>

namespace attnviz::gui {

namespace {

class QtFileDialogs final : public FileDialogs {
public:
    QString openFileName(QWidget* parent, const QString& title, const QString& dir,
                         const QString& filter) override
    {
        return QFileDialog::getOpenFileName(parent, title, dir, filter);
    }
    QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                         const QString& filter, QString* selectedFilter) override
    {
        return QFileDialog::getSaveFileName(parent, title, suggested, filter, selectedFilter);
    }
    SaveAnswer askSaveChanges(QWidget* parent, const QString& documentName) override
    {
        const auto answer = QMessageBox::question(
            parent, QCoreApplication::translate("FileDialogs", "Unsaved changes"),
            QCoreApplication::translate("FileDialogs", "The session \"%1\" has unsaved changes. Save them?")
                .arg(documentName),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Save) return SaveAnswer::Save;
        return answer == QMessageBox::Discard ? SaveAnswer::Discard : SaveAnswer::Cancel;
    }
    void warn(QWidget* parent, const QString& title, const QString& text) override
    {
        QMessageBox::warning(parent, title, text);
    }
};

}  // namespace

std::unique_ptr<FileDialogs> makeQtFileDialogs() { return std::make_unique<QtFileDialogs>(); }

}  // namespace attnviz::gui
