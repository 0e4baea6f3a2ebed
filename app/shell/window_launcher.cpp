// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/window_launcher.hpp"

#include "inspector/inspector_window.hpp"
#include "lessons/publish_model.hpp"
#include "model_view/model_window.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "transformer_lab/lab_window.hpp"

#include <QFile>
#include <QFileInfo>
#include <QtEndian>

namespace attnviz::gui {

namespace {

// The safetensors header names every tensor; a model has the d2l encoder's embedding. Only
// the header is read (≤ 1 MB looked at; a model's header is a few kB).
bool safetensorsHoldsModel(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QByteArray lengthBytes = f.read(8);
    if (lengthBytes.size() != 8) return false;
    const quint64 length = qFromLittleEndian<quint64>(lengthBytes.constData());
    const QByteArray header = f.read(qint64(std::min<quint64>(length, 1u << 20)));
    return header.contains("\"encoder.embedding.weight\"");
}

}  // namespace

WindowLauncher::WindowLauncher(const Options& options, QObject* parent)
    : QObject(parent), options_(options)
{
}

WindowLauncher::~WindowLauncher() = default;  // the windows live on: they close themselves

WindowLauncher::FileKind WindowLauncher::kindOf(const QString& path)
{
    if (model_view::isModelFolderOrConfig(path)) return FileKind::HfModel;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("json")) return FileKind::Session;
    if (suffix == QLatin1String("npy")) return FileKind::AttentionTensors;
    if (suffix == QLatin1String("safetensors"))
        return safetensorsHoldsModel(path) ? FileKind::Seq2SeqModel : FileKind::AttentionTensors;
    return FileKind::Unknown;
}

seq2seq_view::Seq2SeqWindow* WindowLauncher::modelWindow() const { return model_; }
InspectorWindow* WindowLauncher::inspector() const { return inspector_; }
transformer_lab::TransformerLabWindow* WindowLauncher::transformerLab() const { return lab_; }
model_view::ModelWindow* WindowLauncher::modelRunner() const { return runner_; }

seq2seq_view::Seq2SeqWindow* WindowLauncher::showModelWindow()
{
    if (!model_) {
        seq2seq_view::Seq2SeqWindow::Options o;
        o.prompts = options_.prompts;
        o.settings = options_.settings;
        model_ = new seq2seq_view::Seq2SeqWindow(o);
        model_->setAttribute(Qt::WA_DeleteOnClose);
    }
    model_->show();
    model_->raise();
    model_->activateWindow();
    return model_;
}

InspectorWindow* WindowLauncher::showInspector()
{
    if (!inspector_) {
        InspectorWindow::Options o;
        o.prompts = options_.prompts;
        inspector_ = new InspectorWindow(o);
        inspector_->setAttribute(Qt::WA_DeleteOnClose);
    }
    inspector_->show();
    inspector_->raise();
    inspector_->activateWindow();
    return inspector_;
}

model_view::ModelWindow* WindowLauncher::showModelRunner()
{
    if (!runner_) {
        model_view::ModelWindow::Options o;
        o.prompts = options_.prompts;
        o.settings = options_.settings;
        runner_ = new model_view::ModelWindow(o);
        runner_->setAttribute(Qt::WA_DeleteOnClose);
        connect(runner_, &model_view::ModelWindow::openSessionInPlayground, this, &WindowLauncher::sessionOpenRequested);
        lessons::connectModelWindow(runner_);  // model.* for the lessons
    }
    runner_->show();
    runner_->raise();
    runner_->activateWindow();
    return runner_;
}

transformer_lab::TransformerLabWindow* WindowLauncher::showTransformerLab()
{
    if (!lab_) {
        transformer_lab::TransformerLabWindow::Options o;
        o.prompts = options_.prompts;
        o.settings = options_.settings;
        // "Open in model runner": the lab saves the model to a folder, the runner opens it.
        o.openInModelRunner = [launcher = QPointer<WindowLauncher>(this)](const QString& folder) {
            if (launcher) launcher->showModelRunner()->openModelAsync(folder);
        };
        lab_ = new transformer_lab::TransformerLabWindow(o);
        lab_->setAttribute(Qt::WA_DeleteOnClose);
    }
    lab_->show();
    lab_->raise();
    lab_->activateWindow();
    return lab_;
}

bool WindowLauncher::openInOtherWindow(const QString& path)
{
    switch (kindOf(path)) {
    case FileKind::HfModel: showModelRunner()->openModelAsync(path); return true;
    case FileKind::Seq2SeqModel: showModelWindow()->openModelFile(path); return true;
    case FileKind::AttentionTensors: showInspector()->openFileAsync(path); return true;
    case FileKind::Session:
    case FileKind::Unknown: return false;
    }
    return false;
}

}  // namespace attnviz::gui
