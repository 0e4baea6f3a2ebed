// SPDX-License-Identifier: GPL-3.0-or-later
// The model window's own panel, beside the inspector's views: the open checkpoint's facts, the
// input (text, or token ids), Run and Cancel with the forward's progress, the input's tokens as
// chips, and the language-model head's answer (a causal LM's next-token top K; a masked LM's
// top K at each [MASK]) as a table. It draws what the runner sends and asks it for runs; it
// computes nothing itself.
#pragma once

#include "model_view/model_runner.hpp"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace attnviz::model_view {

class ModelRunPanel : public QWidget {
    Q_OBJECT

public:
    explicit ModelRunPanel(ModelRunner* runner, QWidget* parent = nullptr);

    enum class Mode { Text, Ids };
    void setMode(Mode mode);
    Mode mode() const;
    // The input box's text (the text, or the ids). Setting it does not run.
    void setInput(const QString& input);
    QString input() const;
    // Starts a run of the box's content (what Enter and the Run button do); the request's id.
    int runNow();

    // Whether typing re-runs after a short pause (on by default for models under 100 MB).
    void setRunWhileTyping(bool on);
    bool runWhileTyping() const;

    // Parts, for tests and screenshots.
    QLabel* factsLabel() const { return m_facts; }
    QLabel* statusLabel() const { return m_status; }
    QListWidget* tokenList() const { return m_tokens; }
    QTableWidget* topTable() const { return m_top; }
    QLabel* topCaption() const { return m_topCaption; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QPlainTextEdit* inputBox() const { return m_input; }

    // One line in the status area; `error` draws it as a refusal.
    void showStatus(const QString& text, bool error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showModel(const std::shared_ptr<const OpenedModel>& model);
    void showOutcome(const std::shared_ptr<const RunOutcome>& outcome);
    void setRunning(bool running);
    void inputEdited();

    ModelRunner* m_runner;
    QLabel* m_facts;
    QComboBox* m_mode;
    QPlainTextEdit* m_input;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QCheckBox* m_live;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_tokensCaption;
    QListWidget* m_tokens;
    QLabel* m_topCaption;
    QTableWidget* m_top;
    QTimer* m_debounce;
    int m_topK = 10;
};

// "1.2 GB", "498 MB", "48 kB".
QString formatBytes(std::size_t bytes);
// "0.42 ms", "35 ms", "1.20 s".
QString formatSeconds(double seconds);
// The model's facts as the panel's heading shows them (rich text).
QString describeModel(const OpenedModel& model);
// A token as a chip shows it: spaces as "␣", newlines "↵", tabs "⇥", other control characters "<0E>".
QString chipText(const std::string& label);

}  // namespace attnviz::model_view
