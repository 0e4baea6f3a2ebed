// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/override_row_model.hpp"

#include <algorithm>
#include <cmath>

namespace attnviz::model_view {

void OverrideRowModel::setRow(const QStringList& keys, const std::vector<double>& row, int fixedFrom)
{
    beginResetModel();
    m_keys = keys;
    m_row = row;
    m_fixedFrom = fixedFrom;
    endResetModel();
}

void OverrideRowModel::setWeight(int key, double value)
{
    if (key < 0 || key >= columnCount() || (m_fixedFrom >= 0 && key >= m_fixedFrom)) return;
    m_row[static_cast<std::size_t>(key)] = std::clamp(value, 0.0, 1.0);
    emit dataChanged(index(0, key), index(0, key));
    emit rowEdited();
}

int OverrideRowModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_row.size());
}

QVariant OverrideRowModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.column() >= columnCount()) return {};
    const double v = m_row[static_cast<std::size_t>(index.column())];
    // Edited as text: the default delegate's spin box would round to two decimals.
    if (role == Qt::DisplayRole || role == Qt::EditRole) return QString::number(v, 'f', 3);
    if (role == Qt::UserRole) return v;
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignCenter);
    if (role == Qt::ToolTipRole && m_fixedFrom >= 0 && index.column() >= m_fixedFrom)
        return tr("A causal model's query cannot look at a later key: fixed at 0");
    return {};
}

QVariant OverrideRowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return tr("weight");
    return section < m_keys.size() ? m_keys[section] : QString::number(section);
}

Qt::ItemFlags OverrideRowModel::flags(const QModelIndex& index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    if (m_fixedFrom >= 0 && index.column() >= m_fixedFrom) return Qt::NoItemFlags;  // greyed, not editable
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool OverrideRowModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable)) return false;
    const QString text = value.toString().trimmed().replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < 0.0 || v > 1.0) {
        emit refused(tr("Refused “%1” for key %2: type a weight between 0 and 1 (the row is renormalised on "
                        "Apply)").arg(value.toString(), headerData(index.column(), Qt::Horizontal, Qt::DisplayRole).toString()));
        return false;
    }
    m_row[static_cast<std::size_t>(index.column())] = v;
    emit dataChanged(index, index);
    emit rowEdited();
    return true;
}

}  // namespace attnviz::model_view
