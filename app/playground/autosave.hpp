// SPDX-License-Identifier: GPL-3.0-or-later
// Autosave and crash recovery for one PlaygroundDocument.
//
// Every interval (default 30 s) the document, when modified and changed since the last
// autosave, is written atomically to <dir>/autosave.json (dir = AppDataLocation by default).
// The file is removed on a clean exit (destruction) and when the document becomes clean (it
// was saved), so a file found at start-up means the previous run crashed: the window asks
// hasRecoverableAutosave() and offers takeAutosave() back, or calls discardAutosave().
//
// Two running instances must not overwrite each other's file: each holds a QLockFile on its
// slot (autosave.lock ↔ autosave.json; a second instance gets autosave-2.lock ↔
// autosave-2.json, ...). The lock of a crashed process is stale (its PID is gone), so the next
// instance takes over that slot and finds the crashed run's file.
#pragma once

#include "attnviz/core/session.hpp"

#include <QLockFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>

namespace attnviz::playground {

class PlaygroundDocument;

class AutosaveManager : public QObject {
    Q_OBJECT

public:
    static constexpr int kMaxSlots = 8;

    // `directory` empty: QStandardPaths::AppDataLocation. The slot is claimed here; autosaving
    // starts right away (it writes nothing until the document is modified).
    explicit AutosaveManager(PlaygroundDocument* document, const QString& directory = QString(),
                             QObject* parent = nullptr);
    // A clean exit: the autosave file is removed and the slot released.
    ~AutosaveManager() override;

    // Milliseconds between autosaves (AppSettings gives seconds); 0 stops autosaving.
    void setIntervalMs(int ms);
    int intervalMs() const { return intervalMs_; }

    // False when no slot could be locked (more than kMaxSlots instances, unwritable dir).
    bool isActive() const { return lock_ != nullptr; }
    QString autosavePath() const { return path_; }

    // A file left by a crashed run in this instance's slot. Until it is taken or discarded,
    // autosave does not overwrite it.
    bool hasRecoverableAutosave() const { return recoverable_; }
    // Reads the recoverable session. The file stays on disk, holding the recovered state, until
    // the next autosave replaces it (or the user saves, or the program ends cleanly), so a
    // second crash before that tick loses nothing. nullopt with `error` when it does not parse
    // (the unreadable file is removed).
    std::optional<Session> takeAutosave(QString* error = nullptr);
    void discardAutosave();

    // Writes now if the document is modified (also what the timer calls). True when written.
    bool autosaveNow();

signals:
    void autosaved(const QString& path);
    void autosaveFailed(const QString& message);

private:
    void removeFile();

    QPointer<PlaygroundDocument> document_;
    QString directory_;
    QString path_;
    std::unique_ptr<QLockFile> lock_;
    QTimer timer_;
    int intervalMs_ = 30000;
    bool recoverable_ = false;
    bool dirty_ = false;  // changed since the last autosave
    // Between takeAutosave() and the document becoming modified (the window loads the session,
    // which may report "clean", then marks it modified): "clean" does not mean saved then.
    bool keepRecovered_ = false;
};

}  // namespace attnviz::playground
