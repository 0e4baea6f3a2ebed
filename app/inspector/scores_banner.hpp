// SPDX-License-Identifier: GPL-3.0-or-later
// The bar shown above the views when rows do not sum to 1 (the file holds raw scores, or masked
// rows), with an "Apply softmax" button that reopens the file turning each row into weights.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace attnviz::inspect {
struct RowSumReport;
}

namespace attnviz::inspector {

class ScoresBanner : public QFrame {
    Q_OBJECT

public:
    explicit ScoresBanner(QWidget* parent = nullptr);

    // Shows the banner when rows are off; the button only when softmax was not applied yet.
    void setReport(const inspect::RowSumReport& report, bool softmaxApplied);
    QString text() const;
    QPushButton* applyButton() const { return m_apply; }

signals:
    void applySoftmaxRequested();

private:
    QLabel* m_text;
    QPushButton* m_apply;
};

}  // namespace attnviz::inspector
