// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/file_controller.hpp"

#include "shell/window_launcher.hpp"

#include "playground/app_settings.hpp"
#include "playground/playground_document.hpp"
#include "playground/session_files.hpp"
#include "presets.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QDir>
#include <QFileInfo>
#include <QWidget>

#include <stdexcept>

namespace attnviz::gui {

using playground::PlaygroundDocument;

FileController::FileController(PlaygroundDocument* document, playground::AppSettings* settings,
                               QWidget* dialogParent, QObject* parent)
    : QObject(parent),
      document_(document),
      settings_(settings),
      dialogParent_(dialogParent),
      dialogs_(makeQtFileDialogs())
{
}

FileController::~FileController() = default;

void FileController::setDialogs(std::unique_ptr<FileDialogs> dialogs)
{
    if (dialogs) dialogs_ = std::move(dialogs);
}

QString FileController::displayName() const
{
    if (!path_.isEmpty()) return QFileInfo(path_).fileName();
    if (!presetName_.isEmpty()) return presetName_;
    return tr("untitled");
}

void FileController::setPath(const QString& path)
{
    path_ = path;
    if (!path.isEmpty()) {
        presetName_.clear();
        settings_->addRecentFile(QFileInfo(path).absoluteFilePath());
        emit recentFilesChanged();
    }
    emit pathChanged(path);
}

QString FileController::startDir() const
{
    return path_.isEmpty() ? settings_->lastDirectory() : QFileInfo(path_).absolutePath();
}

void FileController::rememberDir(const QString& file)
{
    settings_->setLastDirectory(QFileInfo(file).absolutePath());
}

void FileController::warn(const QString& title, const QString& text)
{
    dialogs_->warn(dialogParent_, title, text);
}

bool FileController::maybeSave()
{
    if (!prompts_ || !document_->isModified()) return true;
    switch (dialogs_->askSaveChanges(dialogParent_, displayName())) {
    case FileDialogs::SaveAnswer::Save: return save();
    case FileDialogs::SaveAnswer::Discard: return true;
    case FileDialogs::SaveAnswer::Cancel: return false;
    }
    return false;
}

bool FileController::loadPreset(const QString& name)
{
    try {
        document_->loadSession(load_preset(name));
    } catch (const std::exception& e) {
        warn(tr("Cannot load preset"), QString::fromUtf8(e.what()));
        return false;
    }
    path_.clear();
    presetName_ = name;
    emit pathChanged(path_);
    emit statusMessage(tr("Loaded preset %1").arg(name));
    return true;
}

bool FileController::openPath(const QString& path)
{
    QString error;
    // openSessionFile parses and checks first and loads only on success: a broken file
    // leaves the current session (and its undo history) exactly as it was.
    if (!playground::openSessionFile(*document_, path, &error)) {
        warn(tr("Cannot open session"), error);
        return false;
    }
    setPath(path);
    emit statusMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool FileController::saveTo(const QString& path)
{
    QString error;
    if (!playground::writeSessionFile(path, document_->toSession(), &error)) {
        warn(tr("Cannot save session"), error);
        return false;
    }
    document_->setClean();
    setPath(path);
    emit statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

void FileController::setRecovered()
{
    path_.clear();
    presetName_ = tr("recovered session");
    emit pathChanged(path_);
}

void FileController::newFromPreset(const QString& name)
{
    if (maybeSave()) loadPreset(name);
}

void FileController::open()
{
    const QString path = dialogs_->openFileName(
        dialogParent_, tr("Open"), startDir(),
        tr("attnviz sessions (*.json);;Attention tensors and seq2seq models (*.npy *.safetensors);;"
           "Hugging Face checkpoints (config.json);;All files (*)"));
    if (path.isEmpty()) return;
    rememberDir(path);
    if (WindowLauncher::kindOf(path) != WindowLauncher::FileKind::Session) {
        emit otherFileChosen(path);  // opens in another window: this session stays as it is
        return;
    }
    if (maybeSave()) openPath(path);
}

void FileController::openRecent(const QString& path)
{
    if (!maybeSave()) return;
    if (!QFileInfo::exists(path)) {
        settings_->removeRecentFile(path);
        emit recentFilesChanged();
        warn(tr("Cannot open session"), tr("%1 no longer exists.").arg(path));
        return;
    }
    openPath(path);
}

bool FileController::save()
{
    return path_.isEmpty() ? saveAs() : saveTo(path_);
}

bool FileController::saveAs()
{
    const QString suggested =
        QDir(startDir()).filePath((presetName_.isEmpty() ? QStringLiteral("session") : presetName_) +
                                  QStringLiteral(".json"));
    QString path = dialogs_->saveFileName(dialogParent_, tr("Save session as"),
                                                path_.isEmpty() ? suggested : path_,
                                                tr("attnviz sessions (*.json)"), nullptr);
    if (path.isEmpty()) return false;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
    rememberDir(path);
    return saveTo(path);
}

void FileController::importInto(widgets::MatrixTableModel* model)
{
    if (!model) return;
    const QString path = dialogs_->openFileName(
        dialogParent_, tr("Import matrix into %1").arg(model->name()), startDir(),
        tr("Matrices (*.csv *.tsv *.txt *.npy);;All files (*)"));
    if (path.isEmpty()) return;
    rememberDir(path);
    const playground::MatrixReadResult read = playground::importMatrixFile(path);
    if (!read.ok()) {
        warn(tr("Cannot import matrix"), read.error);
        return;
    }
    // One undo step; the model refuses (inputRejected → status bar) a shape it cannot take.
    if (model->replaceMatrix(*read.matrix, tr("Import %1").arg(QFileInfo(path).fileName())))
        emit statusMessage(tr("Imported %1 into %2").arg(QFileInfo(path).fileName(), model->name()));
}

void FileController::exportMatrix(widgets::MatrixTableModel* model)
{
    if (!model) return;
    QString path = dialogs_->saveFileName(
        dialogParent_, tr("Export %1 as CSV").arg(model->name()),
        QDir(startDir()).filePath(model->name() + QStringLiteral(".csv")), tr("CSV (*.csv)"), nullptr);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
    rememberDir(path);
    QString error;
    if (!playground::exportMatrixCsv(path, model->matrix(), &error))
        warn(tr("Cannot export matrix"), error);
    else
        emit statusMessage(tr("Exported %1 to %2").arg(model->name(), QDir::toNativeSeparators(path)));
}

void FileController::exportHeatmap(widgets::HeatmapWidget* heatmap)
{
    QString filter;
    QString path = dialogs_->saveFileName(
        dialogParent_, tr("Export heatmap"), QDir(startDir()).filePath(QStringLiteral("weights.png")),
        tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter.contains("svg") ? ".svg" : filter.contains("pdf") ? ".pdf" : ".png";
    rememberDir(path);
    QString error;
    // Exported at the on-screen size, PNG at 2× so it stays crisp on slides.
    if (!heatmap->exportTo(path, heatmap->size().expandedTo(QSize(480, 400)), 2.0, &error))
        warn(tr("Cannot export heatmap"), error);
    else
        emit statusMessage(tr("Exported the heatmap to %1").arg(QDir::toNativeSeparators(path)));
}

}  // namespace attnviz::gui
