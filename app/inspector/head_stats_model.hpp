// SPDX-License-Identifier: GPL-3.0-or-later
// Per-head statistics as a table: one row per (layer, head), one column per measure. Display
// text is rounded; Qt::UserRole holds the number, which the proxy sorts by.
#pragma once

#include "attnviz/core/inspect/head_statistics.hpp"

#include <QAbstractTableModel>

#include <vector>

namespace attnviz::inspector {

class HeadStatsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Layer, Head, Entropy, MeanDistance, FirstToken, PreviousToken, Self, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;

    explicit HeadStatsModel(QObject* parent = nullptr);

    void setStatistics(std::vector<inspect::HeadStatistics> stats);
    const std::vector<inspect::HeadStatistics>& statistics() const { return m_stats; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<inspect::HeadStatistics> m_stats;
};

}  // namespace attnviz::inspector
