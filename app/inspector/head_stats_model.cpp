// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/head_stats_model.hpp"

namespace attnviz::inspector {

HeadStatsModel::HeadStatsModel(QObject* parent) : QAbstractTableModel(parent) {}

void HeadStatsModel::setStatistics(std::vector<inspect::HeadStatistics> stats)
{
    beginResetModel();
    m_stats = std::move(stats);
    endResetModel();
}

int HeadStatsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_stats.size());
}

int HeadStatsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HeadStatsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const inspect::HeadStatistics& s = m_stats[static_cast<std::size_t>(index.row())];
    double v = 0;
    switch (index.column()) {
    case Layer: v = static_cast<double>(s.layer); break;
    case Head: v = static_cast<double>(s.head); break;
    case Entropy: v = s.entropy; break;
    case MeanDistance: v = s.mean_distance; break;
    case FirstToken: v = s.first_token_share; break;
    case PreviousToken: v = s.previous_token_share; break;
    case Self: v = s.self_share; break;
    default: return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() <= Head) return QString::number(static_cast<long long>(v));
        return QString::number(v, 'f', index.column() == MeanDistance || index.column() == Entropy ? 2 : 3);
    case SortRole: return v;
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole: return tr("Layer %1, head %2: double-click or click to open it in the heatmap").arg(s.layer).arg(s.head);
    default: return {};
    }
}

QVariant HeadStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    static const char* const names[] = {"Layer", "Head", "Entropy", "Mean distance", "First token",
                                        "Previous token", "Self"};
    static const char* const tips[] = {
        "The layer", "The head within its layer",
        "Mean over rows of −Σ a ln a (nats): high = diffuse, low = focused",
        "Mean over rows of Σ_j a_ij |i − j|: how far a query looks, in tokens",
        "Mean weight on the first token (heads that park attention there)",
        "Mean weight on the previous token (rows i ≥ 1)",
        "Mean weight on the query's own position"};
    if (role == Qt::DisplayRole) return tr(names[section]);
    if (role == Qt::ToolTipRole) return tr(tips[section]);
    return {};
}

}  // namespace attnviz::inspector
