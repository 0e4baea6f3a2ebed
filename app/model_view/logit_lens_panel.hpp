// SPDX-License-Identifier: GPL-3.0-or-later
// The "Logit lens" dock of the model window (issue 13 item 4): what the model would predict if
// it stopped after each layer. A table of layers × positions (rows: after layer 0 … L−1;
// columns: the input's tokens) whose cells show the top token read from the residual stream
// through the final norm and the LM head, with its probability (the cell's colour; the
// tooltip lists the top K); a column clicked is the chosen position, whose top K after every
// layer are listed beside. The last row is the model's own prediction (the core computes the
// lens, hf::RunOptions::logit_lens, and guarantees it).
//
// The panel computes nothing: its own ModelRunner (sharing the window's model) runs the
// window's latest plain input with the lens on, when the dock is visible and that input
// changed. Checkpoints without an LM head get a message instead.
#pragma once

#include "model_view/model_runner.hpp"

#include <QWidget>

#include <memory>

class QLabel;
class QTableWidget;

namespace attnviz::model_view {

class ModelWindow;

class LogitLensPanel : public QWidget {
    Q_OBJECT

public:
    explicit LogitLensPanel(ModelWindow& window, QWidget* parent = nullptr);

    // The dock shows the panel (or not): a visible panel computes the lens when it is stale.
    void setShown(bool shown);
    // The chosen position (a column); -1 before the first lens.
    void selectPosition(int position);
    int selectedPosition() const { return m_position; }

    // The run shown; null before the first lens.
    std::shared_ptr<const RunOutcome> outcome() const { return m_outcome; }
    ModelRunner* runner() const { return m_runner; }
    bool waitForIdle(int timeoutMs = 60000) { return m_runner->waitForIdle(timeoutMs); }

    // Parts, for tests and screenshots.
    QTableWidget* table() const { return m_table; }
    QTableWidget* detailTable() const { return m_detail; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* detailCaption() const { return m_detailCaption; }

    static constexpr int kTopK = 5;

private:
    void modelOpened(const std::shared_ptr<const OpenedModel>& model);
    void refresh();  // runs the lens when shown and the plain input changed
    void showOutcome(const std::shared_ptr<const RunOutcome>& outcome);
    void showDetail();
    void showMessage(const QString& text, bool error = false);

    ModelWindow& m_window;
    ModelRunner* m_runner;
    bool m_shown = false;
    std::shared_ptr<const RunOutcome> m_asked;    // the plain run whose input was last sent
    std::shared_ptr<const RunOutcome> m_outcome;  // the lens shown
    int m_position = -1;
    QLabel* m_message;
    QTableWidget* m_table;
    QLabel* m_detailCaption;
    QTableWidget* m_detail;
    QWidget* m_side;  // the caption and the list beside the table
};

}  // namespace attnviz::model_view
