// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/whatif_panel.hpp"

#include "attnviz/widgets/seq2seq_attention_row_editor.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace attnviz::seq2seq_view {

WhatIfPanel::WhatIfPanel(QWidget* parent) : QWidget(parent)
{
    editor_ = new widgets::AttentionRowEditor;
    table_ = new QTableWidget(1, 0);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setMinimumSectionSize(36);
    table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Header and one row; from the font, because an empty header has no height to measure yet.
    const int line = table_->fontMetrics().height();
    table_->verticalHeader()->setDefaultSectionSize(line + 10);
    table_->setFixedHeight((line + 10) * 2 + 2 * table_->frameWidth() + 4);
    table_->setToolTip(tr("The same weights as numbers: type one to set it; the others are rescaled so "
                          "the row sums to 1 and the sentence is decoded again from this step"));
    note_ = new QLabel;
    note_->setWordWrap(true);
    note_->setStyleSheet(QStringLiteral("QLabel { color: #b35900; font-weight: bold; }"));
    note_->setToolTip(tr("Which step's attention you overrode; the output from that step on is the "
                         "re-decoded one"));
    note_->hide();
    reset_ = new QPushButton(tr("Rese&t"));
    reset_->setToolTip(tr("Forget the edited attention and show the model's own translation again"));
    reset_->setEnabled(false);

    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(note_, 1);
    noteRow->addWidget(reset_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(editor_, 1);
    layout->addWidget(table_);
    layout->addLayout(noteRow);

    connect(editor_, &widgets::AttentionRowEditor::barEdited, this, &WhatIfPanel::weightEdited);
    connect(reset_, &QPushButton::clicked, this, &WhatIfPanel::resetRequested);
    connect(table_, &QTableWidget::cellChanged, this, [this](int, int col) {
        if (filling_) return;
        bool ok = false;
        const double v = table_->item(0, col)->text().trimmed().replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
        if (!ok || v < 0.0 || v > 1.0) {
            // Bad input loses nothing: the row is shown again as it was.
            setRow(editor_->labels(), editor_->values());
            table_->setToolTip(tr("Type a weight between 0 and 1"));
            return;
        }
        emit weightEdited(col, v);
    });
}

void WhatIfPanel::setRow(const QStringList& source, const std::vector<double>& row)
{
    editor_->setRow(source, row);
    filling_ = true;
    const int n = static_cast<int>(row.size());
    // Items are updated in place when the shape is unchanged: this also runs from the table's
    // own cellChanged (a typed weight re-decodes and refills the row), where deleting the item
    // being edited would pull it out from under Qt.
    if (table_->columnCount() != n) {
        table_->setColumnCount(n);
        for (int i = 0; i < n; ++i) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignCenter);
            table_->setItem(0, i, item);
        }
    }
    table_->setHorizontalHeaderLabels(source);
    for (int i = 0; i < n; ++i) table_->item(0, i)->setText(QString::number(row[static_cast<std::size_t>(i)], 'f', 3));
    filling_ = false;
}

void WhatIfPanel::setNote(const QString& note)
{
    note_->setText(note);
    note_->setVisible(!note.isEmpty());
    reset_->setEnabled(!note.isEmpty());
}

}  // namespace attnviz::seq2seq_view
