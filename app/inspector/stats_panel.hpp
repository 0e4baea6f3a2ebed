// SPDX-License-Identifier: GPL-3.0-or-later
// The statistics tab: a sortable table of every head's entropy, mean distance and shares.
// Clicking a row asks for that head in the heatmap view.
#pragma once

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace attnviz::inspector {

class HeadStatsModel;

class StatsPanel : public QWidget {
    Q_OBJECT

public:
    explicit StatsPanel(HeadStatsModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    HeadStatsModel* model() const { return m_model; }
    void setStatus(const QString& text);

signals:
    void headRequested(int layer, int head);

private:
    HeadStatsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_status;
};

}  // namespace attnviz::inspector
