// SPDX-License-Identifier: GPL-3.0-or-later
// The attention override dock's edited row (override_panel.hpp) as a one-row table model, so
// the weights can be typed (model/view); the panel keeps its bars in step with it.
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <vector>

namespace attnviz::model_view {

// The edited row as one table row: column j is key j's weight (its token in the header).
// Keys from fixedFrom() on (a causal model's keys past the query) are 0 and not editable. A
// typed value that is not a number in [0, 1] is refused (refused(message)); the cell keeps its
// value.
class OverrideRowModel : public QAbstractTableModel {
    Q_OBJECT

public:
    using QAbstractTableModel::QAbstractTableModel;

    void setRow(const QStringList& keys, const std::vector<double>& row, int fixedFrom);
    void setWeight(int key, double value);  // a dragged bar (value in [0, 1])
    const std::vector<double>& row() const { return m_row; }
    const QStringList& keys() const { return m_keys; }
    int fixedFrom() const { return m_fixedFrom; }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 1; }
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

signals:
    void rowEdited();
    void refused(const QString& message);

private:
    QStringList m_keys;
    std::vector<double> m_row;  // (n)
    int m_fixedFrom = -1;       // -1: every key editable
};

}  // namespace attnviz::model_view
