// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 13 item 3, attention override: the dock "Attention override" of the model window. The
// user picks a layer, head and query position; that attention row is shown as bars over the
// keys (widgets::AttentionRowEditor, the seq2seq what-if's editor) and as a one-row table
// (OverrideRowModel); dragging or typing edits it, Apply renormalises it (row / sum) and adds it
// to the active overrides — one QUndoCommand on ModelWindow::interventionUndo() — and re-runs
// the model with them (RunRequest::overrides, resumed from the plain run, on the panel's own
// ModelRunner that adopts the window's model). The plain run's top K and the overridden run's
// are compared in a table "token | before | after | Δ". Reset removes every override (one
// command too). The panel computes nothing: the core does (hf::Model::run).
#pragma once

#include "model_view/model_runner.hpp"
#include "model_view/override_row_model.hpp"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QDockWidget;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;

namespace attnviz::widgets {
class AttentionRowEditor;
}

namespace attnviz::model_view {

class ModelWindow;

class OverridePanel : public QWidget {
    Q_OBJECT

public:
    explicit OverridePanel(ModelWindow& window, QWidget* parent = nullptr);

    // Shows the row of (layer, head, query) (clamped to the run's ranges).
    void select(int layer, int head, int query);
    int layer() const;
    int head() const;
    int query() const;

    // Checks the edited row (finite, ≥ 0, not all 0, 0 past a causal query), renormalises it
    // and pushes one undo command that adds it to the active overrides (replacing one at the
    // same place) and re-runs. False, with the reason in the status line, when refused.
    bool apply();
    // Pushes one undo command that removes every active override (false: none was active).
    bool reset();

    // The active overrides (rows renormalised), in the order applied.
    const std::vector<hf::AttentionOverride>& active() const { return m_active; }
    // Called by the undo commands: makes `overrides` the active set and re-runs.
    void setActive(std::vector<hf::AttentionOverride> overrides);

    // The runs compared: the plain run with every token's probability (`before`) and the run
    // with the active overrides (`after`, = before when none is active). Null until shown.
    std::shared_ptr<const RunOutcome> before() const { return m_before; }
    std::shared_ptr<const RunOutcome> after() const { return m_after; }
    ModelRunner* runner() const { return m_runner; }

    // Parts, for tests and screenshots.
    QSpinBox* layerSpin() const { return m_layer; }
    QSpinBox* headSpin() const { return m_head; }
    QComboBox* queryCombo() const { return m_query; }
    widgets::AttentionRowEditor* bars() const { return m_bars; }
    QTableView* rowView() const { return m_rowView; }
    OverrideRowModel* rowModel() const { return m_rowModel; }
    QPushButton* applyButton() const { return m_apply; }
    QPushButton* resetButton() const { return m_reset; }
    QListWidget* activeList() const { return m_list; }
    QTableWidget* compareTable() const { return m_compare; }
    QLabel* statusLabel() const { return m_status; }

signals:
    // The comparison table shows the runs for the active set (after a run, an undo, a Reset).
    void comparisonShown();
    // A run of this panel was refused (e.g. the overrides were made for another input).
    void runFailed(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;  // a dock shown for the first time runs

private:
    void plainChanged();
    void loadRow();
    void refresh();
    void runFinished(const std::shared_ptr<const RunOutcome>& outcome);
    void showComparison();
    void showActive();
    void showStatus(const QString& text, bool error);
    RunRequest request(std::vector<hf::AttentionOverride> overrides) const;

    ModelWindow& m_window;
    ModelRunner* m_runner;  // adopts the window's model; runs only this panel's requests
    std::shared_ptr<const RunOutcome> m_plain, m_before, m_after;
    std::vector<hf::AttentionOverride> m_active;
    int m_beforeRequest = 0, m_afterRequest = 0;
    int m_heatmapLayer = 0, m_heatmapHead = 0;  // the head the heatmap showed last
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QComboBox* m_query;
    QLabel* m_rowCaption;
    widgets::AttentionRowEditor* m_bars;
    OverrideRowModel* m_rowModel;
    QTableView* m_rowView;
    QPushButton* m_apply;
    QPushButton* m_reset;
    QListWidget* m_list;
    QLabel* m_compareCaption;
    QTableWidget* m_compare;
    QLabel* m_status;
};

}  // namespace attnviz::model_view
