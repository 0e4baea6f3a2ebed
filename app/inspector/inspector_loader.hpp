// SPDX-License-Identifier: GPL-3.0-or-later
// Opens attention files off the GUI thread. The worker loads the stack (which scans every value
// once for NaN and row sums) and renders the model view's thumbnails; the result comes back to
// the GUI thread by a queued signal. A newer request makes older results stale: they are dropped.
#pragma once

#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/mapped_file.hpp"

#include <QFuture>
#include <QImage>
#include <QList>
#include <QObject>
#include <QString>
#include <QVector>

#include <memory>

namespace attnviz::inspector {

// What the window shows for one opened file. Immutable once made, shared by every panel.
struct LoadedFile {
    QString path;
    inspect::LoadOptions options;                   // batch and softmax as requested
    std::shared_ptr<const inspect::AttentionStack> stack;
    std::shared_ptr<const io::MappedFile> mapping;  // the file the stack reads: asked whether it changed
    QVector<QImage> thumbnails;                     // layers × heads, layer-major
    QStringList queryTokens, keyTokens;             // n_q and n_k labels
    // Names a stack that comes from no file (a model run: path and mapping empty); the window
    // shows it where it would show the file's name.
    QString title;
};

// The thumbnail edge in pixels: heads are block-averaged to at most this many cells a side.
inline constexpr int kThumbnailCells = 64;

// Loads in the calling thread (the worker runs this). Throws std::invalid_argument for a bad
// file, like inspect::load_attention.
std::shared_ptr<const LoadedFile> loadFile(const QString& path, const inspect::LoadOptions& options);

// The second source: a stack computed in the program (a model run) made ready for the window
// like a loaded file (thumbnails rendered, tokens converted). Call it on a worker thread for
// large stacks.
std::shared_ptr<const LoadedFile> stackAsFile(std::shared_ptr<const inspect::AttentionStack> stack,
                                              const QString& title);

class InspectorLoader : public QObject {
    Q_OBJECT

public:
    explicit InspectorLoader(QObject* parent = nullptr);
    ~InspectorLoader() override;  // waits for running loads: they post back to this object

    // Starts loading; returns the request's id (echoed by the signals).
    int load(const QString& path, const inspect::LoadOptions& options);
    bool busy() const { return m_running > 0; }

signals:
    void loaded(int request, std::shared_ptr<const attnviz::inspector::LoadedFile> file);
    void failed(int request, const QString& path, const QString& message);

private:
    int m_latest = 0;
    int m_running = 0;
    QList<QFuture<void>> m_futures;
};

}  // namespace attnviz::inspector
