// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/autosave.hpp"

#include "playground/playground_document.hpp"
#include "playground/session_files.hpp"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <algorithm>

namespace attnviz::playground {

AutosaveManager::AutosaveManager(PlaygroundDocument* document, const QString& directory, QObject* parent)
    : QObject(parent), document_(document),
      directory_(directory.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                     : directory)
{
    QDir().mkpath(directory_);
    for (int slot = 1; slot <= kMaxSlots && !lock_; ++slot) {
        const QString base = slot == 1 ? QStringLiteral("autosave") : QStringLiteral("autosave-%1").arg(slot);
        auto lock = std::make_unique<QLockFile>(QDir(directory_).filePath(base + QStringLiteral(".lock")));
        // Held for the whole run: never stale by age, only when its process is gone.
        lock->setStaleLockTime(0);
        if (lock->tryLock(0)) {
            lock_ = std::move(lock);
            path_ = QDir(directory_).filePath(base + QStringLiteral(".json"));
        }
    }
    recoverable_ = lock_ && QFile::exists(path_);

    if (document_) {
        connect(document_, &PlaygroundDocument::changed, this, [this] { dirty_ = true; });
        // Saved (or loaded) by the user: the autosave is older than what is on disk.
        // A session just recovered is loaded (which may say "clean") and then marked
        // modified: from then on "clean" means saved again.
        connect(document_, &PlaygroundDocument::modifiedChanged, this, [this](bool modified) {
            if (modified) keepRecovered_ = false;
            else if (!recoverable_ && !keepRecovered_) removeFile();
        });
    }
    connect(&timer_, &QTimer::timeout, this, &AutosaveManager::autosaveNow);
    setIntervalMs(intervalMs_);
}

AutosaveManager::~AutosaveManager()
{
    // Destruction is the clean exit; a crash never gets here and leaves the file behind.
    if (!recoverable_) removeFile();
}

void AutosaveManager::setIntervalMs(int ms)
{
    intervalMs_ = std::max(ms, 0);
    if (intervalMs_ > 0 && lock_) timer_.start(intervalMs_);
    else timer_.stop();
}

void AutosaveManager::removeFile()
{
    if (lock_ && !path_.isEmpty()) QFile::remove(path_);
}

bool AutosaveManager::autosaveNow()
{
    if (!lock_ || recoverable_ || !document_ || !document_->isModified() || !dirty_) return false;
    QString error;
    if (!writeSessionFile(path_, document_->toSession(), &error)) {
        emit autosaveFailed(error);
        return false;
    }
    dirty_ = false;
    emit autosaved(path_);
    return true;
}

std::optional<Session> AutosaveManager::takeAutosave(QString* error)
{
    if (!recoverable_) return std::nullopt;
    SessionReadResult r = readSessionFile(path_);
    recoverable_ = false;
    if (!r.ok()) {
        removeFile();  // unreadable: nothing in it to keep
        if (error) *error = r.error;
        return std::nullopt;
    }
    // The file stays: until the next autosave replaces it, it is the only copy of the recovered
    // session on disk, and a second crash before that tick must not lose it. Loading it into
    // the document (which may report "clean" on the way) does not remove it either.
    keepRecovered_ = true;
    dirty_ = true;  // the window loads it and calls markModified(): the next tick rewrites it
    return std::move(r.session);
}

void AutosaveManager::discardAutosave()
{
    recoverable_ = false;
    keepRecovered_ = false;
    removeFile();
}

}  // namespace attnviz::playground
