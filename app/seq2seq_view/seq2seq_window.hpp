// SPDX-License-Identifier: GPL-3.0-or-later
// The seq2seq model window (issue 4): a Translate tab that steps through a translation and lets
// the user override a step's attention, and a Train tab that trains a new model on a background
// thread while its loss and the probe's alignment update live. It starts with the shipped toy-fr
// model; File → Open model… / Save model… swap it.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include <QMainWindow>

#include <memory>

class QLabel;
class QSettings;
class QTabWidget;

namespace attnviz::playground {
class AppSettings;
}

namespace attnviz::seq2seq_view {

class TrainPanel;
class TranslatePanel;

class Seq2SeqWindow : public QMainWindow {
    Q_OBJECT

public:
    struct Options {
        // False for tests and screenshots: errors go to the status bar, never to a dialog.
        bool prompts = true;
        // Load the shipped toy-fr model at start.
        bool loadDefaultModel = true;
        // Translate this sentence once the default model is loaded (empty: a toy-fr example).
        QString initialSentence = QStringLiteral("the black cat sees a red car .");
        // Settings store (the file dialogs' directory, through AppSettings); null = the
        // application's QSettings. Not owned.
        QSettings* settings = nullptr;
    };

    explicit Seq2SeqWindow(QWidget* parent = nullptr);
    explicit Seq2SeqWindow(const Options& options, QWidget* parent = nullptr);
    ~Seq2SeqWindow() override;

    // Replaces the current model (the translate tab uses it from now on).
    void setModel(Seq2SeqModelPtr model, const QString& origin);
    const Seq2SeqModelPtr& model() const { return model_; }
    // The current model's origin: "built-in toy-fr", a file path, "trained on dates, 30 epochs".
    QString modelOrigin() const { return origin_; }

    // Opens a model file; on failure the current model stays, the error is shown (a dialog when
    // prompts are on, the status bar always) and returned in *error.
    bool openModelFile(const QString& path, QString* error = nullptr);
    // Saves the current model atomically; false with the message in *error.
    bool saveModelFile(const QString& path, QString* error = nullptr);

    TranslatePanel* translatePanel() const { return translate_; }
    TrainPanel* trainPanel() const { return train_; }
    QTabWidget* tabs() const { return tabs_; }
    QLabel* modelLabel() const { return modelLabel_; }
    void showTranslateTab();
    void showTrainTab();

private:
    void buildMenus();
    void reportError(const QString& title, const QString& message);
    QString lastDirectory() const;
    void rememberDirectory(const QString& file);

    Options options_;
    std::unique_ptr<playground::AppSettings> settings_;
    Seq2SeqModelPtr model_;
    QString origin_;
    QTabWidget* tabs_;
    TranslatePanel* translate_;
    TrainPanel* train_;
    QLabel* modelLabel_;
};

}  // namespace attnviz::seq2seq_view
