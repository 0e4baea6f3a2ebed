// SPDX-License-Identifier: GPL-3.0-or-later
// The "Generate" dock of the model window (issue 13 item 1): generation one token at a time.
// Sampling settings (greedy, or temperature / top-k / seed), max new tokens, Step, Play/Pause
// and Reset; the text so far with the generated tokens marked; a table with one row per
// generated token holding the model's top K candidates at that step with their probabilities,
// the chosen one marked (as the seq2seq window's step view lists them); the tokens per second;
// refusals (a masked LM cannot generate; the model's position limit) in the panel.
//
// The generation starts from the run panel's input (text or ids) at the first Step or Play and
// keeps its sampling settings until Reset. Each step's whole attention stack goes to the
// window's inspector views (ModelWindow::showStack), so they grow with the sequence. The panel
// computes nothing: GenerationRunner works on its own thread.
#pragma once

#include "model_view/generation_runner.hpp"

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTextBrowser;

namespace attnviz::model_view {

class ModelWindow;

class GenerationPanel : public QWidget {
    Q_OBJECT

public:
    explicit GenerationPanel(ModelWindow& window, QWidget* parent = nullptr);

    // The settings the next generation starts with (the boxes).
    void setSampling(const hf::SamplingOptions& sampling);  // temperature 0: greedy
    hf::SamplingOptions sampling() const;
    void setMaxNewTokens(int n);
    int maxNewTokens() const;
    void setTopK(int k);
    int topK() const;

    // What the buttons do.
    void step();
    void play();
    void pause();
    void reset();

    bool playing() const;
    // Processes events until the worker has reported everything (tests, screenshots).
    bool waitForIdle(int timeoutMs = 60000);

    // The generation as shown: the last update (null before the first or after Reset).
    std::shared_ptr<const GenerationUpdate> current() const { return m_current; }
    // The generated tokens shown, in order (their ids), and the text of each as marked.
    const std::vector<int>& generatedIds() const { return m_generated; }
    QStringList generatedTexts() const;

    // Parts, for tests and screenshots. The steps table: column 0 the step, 1 the chosen token
    // (Qt::UserRole its id), 2 its probability, then one column per candidate, best first (each
    // cell's Qt::UserRole its id, UserRole + 1 its probability; the chosen one bold and shaded,
    // with UserRole + 2 true).
    QPushButton* stepButton() const { return m_step; }
    QPushButton* playButton() const { return m_play; }
    QPushButton* resetButton() const { return m_reset; }
    QTableWidget* stepsTable() const { return m_table; }
    QTextBrowser* textView() const { return m_text; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* speedLabel() const { return m_speed; }
    GenerationRunner* runner() const { return m_runner; }

    static constexpr int kFirstCandidateColumn = 3;
    static constexpr int kChosenRole = Qt::UserRole + 2;

signals:
    void updateShown();  // after each update is drawn
    // A Step or Play ended (its last update shown); refusals come with reason Failed.
    void stopped(attnviz::model_view::GenerationRunner::StopReason reason, const QString& message);

private:
    GenerationSettings settings() const;
    GenerationPrompt prompt() const;
    void start(bool play);
    void showUpdate(const std::shared_ptr<const GenerationUpdate>& update);
    void appendStepRow(const GenerationUpdate& update);
    void showText();
    void showStatus(const QString& text, bool error);
    void updateButtons();
    void modelOpened();

    ModelWindow& m_window;
    GenerationRunner* m_runner;
    std::shared_ptr<const GenerationUpdate> m_current;
    std::vector<int> m_generated;
    bool m_followEnd = true;  // the steps table keeps the newest row in view
    std::shared_ptr<const inspector::LoadedFile> m_promptView;  // Reset shows it again
    QComboBox* m_mode;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_topKSample;
    QSpinBox* m_seed;
    QSpinBox* m_maxNew;
    QSpinBox* m_report;
    QPushButton* m_step;
    QPushButton* m_play;
    QPushButton* m_reset;
    QLabel* m_prompt;
    QTextBrowser* m_text;
    QLabel* m_speed;
    QLabel* m_status;
    QTableWidget* m_table;
};

}  // namespace attnviz::model_view
