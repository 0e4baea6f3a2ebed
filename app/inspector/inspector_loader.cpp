// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/inspector_loader.hpp"

#include "attnviz/widgets/inspector/head_thumbnails.hpp"

#include <QPointer>
#include <QtConcurrent>

#include <stdexcept>

namespace attnviz::inspector {

namespace {

QStringList toQt(const std::vector<std::string>& v)
{
    QStringList out;
    out.reserve(static_cast<qsizetype>(v.size()));
    for (const std::string& s : v) out << QString::fromStdString(s);
    return out;
}

}  // namespace

std::shared_ptr<const LoadedFile> loadFile(const QString& path, const inspect::LoadOptions& options)
{
    auto file = std::make_shared<LoadedFile>();
    file->path = path;
    file->options = options;
    file->mapping = std::make_shared<const io::MappedFile>(std::filesystem::path(path.toStdString()));
    file->stack = std::make_shared<const inspect::AttentionStack>(inspect::load_attention(file->mapping, options));
    const inspect::AttentionStack& s = *file->stack;
    file->queryTokens = toQt(s.query_tokens());
    file->keyTokens = toQt(s.key_tokens());

    file->thumbnails = widgets::renderThumbnails(s, kThumbnailCells);
    return file;
}

std::shared_ptr<const LoadedFile> stackAsFile(std::shared_ptr<const inspect::AttentionStack> stack,
                                              const QString& title)
{
    auto file = std::make_shared<LoadedFile>();
    file->title = title;
    file->stack = std::move(stack);
    const inspect::AttentionStack& s = *file->stack;
    file->queryTokens = toQt(s.query_tokens());
    file->keyTokens = toQt(s.key_tokens());
    file->thumbnails = widgets::renderThumbnails(s, kThumbnailCells);
    return file;
}

InspectorLoader::InspectorLoader(QObject* parent) : QObject(parent) {}

InspectorLoader::~InspectorLoader()
{
    for (QFuture<void>& f : m_futures) f.waitForFinished();
}

int InspectorLoader::load(const QString& path, const inspect::LoadOptions& options)
{
    const int request = ++m_latest;
    ++m_running;
    QPointer<InspectorLoader> self(this);
    m_futures.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    m_futures << QtConcurrent::run([self, request, path, options] {
        std::shared_ptr<const LoadedFile> file;
        QString error;
        try {
            file = loadFile(path, options);
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        if (!self) return;
        // Queued: the slot runs on the GUI thread, after the worker has let go of everything.
        QMetaObject::invokeMethod(self, [self, request, path, file, error] {
            if (!self) return;
            --self->m_running;
            if (request != self->m_latest) return;  // a newer file was asked for meanwhile
            if (file) emit self->loaded(request, file);
            else emit self->failed(request, path, error);
        }, Qt::QueuedConnection);
    });
    return request;
}

}  // namespace attnviz::inspector
