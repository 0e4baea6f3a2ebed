// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/stats_panel.hpp"

#include "inspector/head_stats_model.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace attnviz::inspector {

StatsPanel::StatsPanel(HeadStatsModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_proxy(new QSortFilterProxyModel(this)), m_table(new QTableView(this)),
      m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("stats"));
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(HeadStatsModel::SortRole);  // numbers, not their text
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(HeadStatsModel::Layer, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(HeadStatsModel::Layer, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(HeadStatsModel::Head, QHeaderView::ResizeToContents);
    m_table->setToolTip(tr("Per-head statistics: click a header to sort, a row to open that head"));
    m_status->setToolTip(tr("What the statistics are computed on"));
    m_status->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (!source.isValid()) return;
        const auto& s = m_model->statistics()[static_cast<std::size_t>(source.row())];
        emit headRequested(static_cast<int>(s.layer), static_cast<int>(s.head));
    });
}

void StatsPanel::setStatus(const QString& text) { m_status->setText(text); }

}  // namespace attnviz::inspector
