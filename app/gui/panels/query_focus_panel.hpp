// SPDX-License-Identifier: GPL-3.0-or-later
// One query up close: its weights over the keys as bars, their entropy, and its output as the
// weighted sum of the value rows.
#pragma once

#include "gui/panels/deferred_snapshot.hpp"

#include "playground/result_snapshot.hpp"

#include <QWidget>

class QLabel;

namespace attnviz::widgets {
class BarChartWidget;
}

namespace attnviz::gui::panels {

class QueryFocusPanel : public QWidget {
    Q_OBJECT

public:
    explicit QueryFocusPanel(QWidget* parent = nullptr);

    void showResult(const playground::ResultSnapshotPtr& snapshot);
    // False while the panel's dock is a background tab: results are kept, drawn when shown.
    void setOnScreen(bool on);
    // The row to show; clamped into the result's rows (feed-forward has one).
    void setFocusedQuery(int row);
    int focusedQuery() const { return row_; }

    widgets::BarChartWidget* bars() const { return bars_; }
    QString entropyLine() const;
    QString weightedSumLine() const;

    QSize sizeHint() const override { return {600, 300}; }

signals:
    // The user clicked the bar of key `key` (e.g. to highlight that column elsewhere).
    void keyClicked(int key);

private:
    void refresh();

    DeferredSnapshot deferred_;  // the newest result, and whether it is drawn yet
    int row_ = 0;
    widgets::BarChartWidget* bars_;
    QLabel* sum_;
};

}  // namespace attnviz::gui::panels
