// SPDX-License-Identifier: GPL-3.0-or-later
// The current step's attention row, editable: bars to drag (AttentionRowEditor), the same
// weights as a one-row table to type into, a note saying which step was edited and a Reset
// button. It reports edits; the translate panel renormalises and re-decodes.
#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QTableWidget;

namespace attnviz::widgets {
class AttentionRowEditor;
}

namespace attnviz::seq2seq_view {

class WhatIfPanel : public QWidget {
    Q_OBJECT

public:
    explicit WhatIfPanel(QWidget* parent = nullptr);

    // source (n) tokens, row (n) weights of the step shown.
    void setRow(const QStringList& source, const std::vector<double>& row);
    // "" hides the note; otherwise e.g. "Edited at step 3 …".
    void setNote(const QString& note);

    widgets::AttentionRowEditor* editor() const { return editor_; }
    QTableWidget* table() const { return table_; }
    QLabel* note() const { return note_; }
    QPushButton* resetButton() const { return reset_; }

signals:
    void weightEdited(int index, double value);
    void resetRequested();

private:
    widgets::AttentionRowEditor* editor_;
    QTableWidget* table_;
    QLabel* note_;
    QPushButton* reset_;
    bool filling_ = false;
};

}  // namespace attnviz::seq2seq_view
