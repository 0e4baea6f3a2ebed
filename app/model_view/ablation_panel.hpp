// SPDX-License-Identifier: GPL-3.0-or-later
// The "Ablation" dock of the model window (issue 13 item 2): a set of heads switched off (their
// output zeroed, or replaced by its mean over the sequence, before the output projection) and
// the next-token distribution before and after, side by side, with each candidate's change.
//
// Heads are picked by clicking thumbnails in the model grid while "Pick heads" is on (the grid
// opens heads in the heatmap otherwise), or with the layer/head spin boxes. Every change of the
// set is one command on the window's intervention undo stack. The panel computes nothing: two
// private ModelRunners (sharing the window's model) run the window's latest plain input, one
// without interventions and one with the ablations, both resumed from the plain run's kept
// layer inputs (the core recomputes only the layers from the first ablated one on), each asking
// for the whole vocabulary's probabilities so that any candidate's before and after are known.
#pragma once

#include "model_view/ablation_set.hpp"
#include "model_view/model_runner.hpp"

#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace attnviz::model_view {

class ModelWindow;

class AblationPanel : public QWidget {
    Q_OBJECT

public:
    explicit AblationPanel(ModelWindow& window, QWidget* parent = nullptr);

    const AblationSet& ablationSet() const { return m_set; }
    // Pushes one undo command that makes `set` current (nothing when it already is).
    void requestSet(const AblationSet& set, const QString& what);
    void toggleHead(int layer, int head);  // one command
    // Applies `set` without an undo command (the commands call it), and re-runs.
    void applySet(const AblationSet& set);

    // The runs behind the comparison; null until they finished.
    std::shared_ptr<const RunOutcome> beforeOutcome() const { return m_before; }
    std::shared_ptr<const RunOutcome> afterOutcome() const { return m_after; }
    // Processes events until both private runners are idle (tests, screenshots).
    bool waitForIdle(int timeoutMs = 60000);

    // Parts, for tests and screenshots.
    QPushButton* pickButton() const { return m_pick; }
    QComboBox* modeBox() const { return m_mode; }
    QListWidget* headList() const { return m_list; }
    QTableWidget* comparisonTable() const { return m_table; }
    QLabel* caption() const { return m_caption; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* showAblatedButton() const { return m_showAblated; }
    ModelRunner* beforeRunner() const { return m_beforeRunner; }
    ModelRunner* afterRunner() const { return m_afterRunner; }

    static constexpr int kTopK = 10;

signals:
    // The run the panel now compares against the plain one: the ablated run when heads are
    // switched off, the plain run when the set was emptied (the lessons read the prediction).
    void ablationShown(std::shared_ptr<const attnviz::model_view::RunOutcome> outcome);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void modelOpened(const std::shared_ptr<const OpenedModel>& model);
    void plainShown();
    void runBefore();
    void runAfter();
    RunRequest requestFor(const std::shared_ptr<const RunOutcome>& plain) const;
    void showList();
    void showComparison();
    void showAblatedStack();

    ModelWindow& m_window;
    ModelRunner* m_beforeRunner;
    ModelRunner* m_afterRunner;
    AblationSet m_set;
    std::shared_ptr<const RunOutcome> m_plain;   // the plain run the comparison is about
    std::shared_ptr<const RunOutcome> m_before;  // m_plain's input, no intervention, whole vocabulary
    std::shared_ptr<const RunOutcome> m_after;   // the same with m_set
    QPushButton* m_pick;
    QComboBox* m_mode;
    QListWidget* m_list;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_clear;
    QLabel* m_caption;
    QLabel* m_status;
    QTableWidget* m_table;
    QPushButton* m_showAblated;
    bool m_showingAblated = false;  // the window's views show m_after's stack
    QWidget* m_marks;  // drawn over the model grid: the ablated heads crossed out
};

}  // namespace attnviz::model_view
