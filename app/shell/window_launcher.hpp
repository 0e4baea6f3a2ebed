// SPDX-License-Identifier: GPL-3.0-or-later
// The program's three windows: the playground (MainWindow), the seq2seq model window and the
// attention-file inspector. The playground's Window menu and the command line open the other
// two through this class, which keeps one of each and routes a file to the window that reads it:
//   *.json                       a playground session (the caller opens it)
//   *.npy, *.safetensors         attention tensors → the inspector,
//   *.safetensors with a model   (tensor encoder.embedding.weight) → the seq2seq window
//   a folder holding config.json, or a config.json naming a model_type
//                                a Hugging Face checkpoint → the model window (model runner)
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QSettings;

namespace attnviz::seq2seq_view {
class Seq2SeqWindow;
}
namespace attnviz::transformer_lab {
class TransformerLabWindow;
}
namespace attnviz::model_view {
class ModelWindow;
}

namespace attnviz::gui {

class InspectorWindow;

class WindowLauncher : public QObject {
    Q_OBJECT

public:
    enum class FileKind { Session, AttentionTensors, Seq2SeqModel, HfModel, Unknown };

    struct Options {
        bool prompts = true;            // the other windows' error dialogs
        QSettings* settings = nullptr;  // passed on (null: the application's QSettings)
    };

    explicit WindowLauncher(const Options& options, QObject* parent = nullptr);
    ~WindowLauncher() override;

    // By suffix, and for .safetensors by its header's tensor names.
    static FileKind kindOf(const QString& path);

    // Shows (creating when needed) and raises the window; each is a top-level window that
    // deletes itself when closed.
    seq2seq_view::Seq2SeqWindow* showModelWindow();
    InspectorWindow* showInspector();
    transformer_lab::TransformerLabWindow* showTransformerLab();
    model_view::ModelWindow* showModelRunner();
    // Opens a model or attention file in its window. False when `path` is a session or
    // unknown (the caller handles those); the windows report their own load errors.
    bool openInOtherWindow(const QString& path);

    seq2seq_view::Seq2SeqWindow* modelWindow() const;  // null until shown, and after it was closed
    InspectorWindow* inspector() const;
    transformer_lab::TransformerLabWindow* transformerLab() const;  // null until shown, and after it was closed
    model_view::ModelWindow* modelRunner() const;

signals:
    // The model window asks the playground to open a session it wrote (Open Head in Playground).
    void sessionOpenRequested(const QString& path);

private:
    Options options_;
    QPointer<seq2seq_view::Seq2SeqWindow> model_;
    QPointer<InspectorWindow> inspector_;
    QPointer<transformer_lab::TransformerLabWindow> lab_;
    QPointer<model_view::ModelWindow> runner_;
};

}  // namespace attnviz::gui
