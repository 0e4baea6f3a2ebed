// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/step_view.hpp"

#include "seq2seq_view/seq2seq_types.hpp"
#include "seq2seq_view/whatif_panel.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/seq2seq_alignment_lines_widget.hpp"
#include "attnviz/widgets/seq2seq_vector_strip_widget.hpp"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace attnviz::seq2seq_view {

namespace {

QGroupBox* boxed(const QString& title, QWidget* w)
{
    auto* box = new QGroupBox(title);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(6, 4, 6, 4);
    l->addWidget(w);
    return box;
}

}  // namespace

StepView::StepView(QWidget* parent) : QWidget(parent)
{
    lines_ = new widgets::AlignmentLinesWidget;
    whatIf_ = new WhatIfPanel;
    context_ = new widgets::VectorStripWidget;
    top_ = new QTableWidget(5, 2);
    top_->setHorizontalHeaderLabels({tr("next token"), tr("probability")});
    top_->verticalHeader()->setVisible(false);
    top_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    top_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    top_->setSelectionMode(QAbstractItemView::NoSelection);
    top_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    top_->setFixedHeight(top_->horizontalHeader()->sizeHint().height() + 5 * top_->verticalHeader()->defaultSectionSize() +
                         2 * top_->frameWidth() + 2);
    top_->setMinimumWidth(200);
    top_->setToolTip(tr("The five most probable tokens at this step (the decoder's softmax), best first; "
                        "greedy decoding emits the first"));
    heatmap_ = new widgets::HeatmapWidget;
    heatmap_->setToolTip(tr("The whole alignment: one row per output step, one column per source token; "
                            "the outlined row is the step shown on the left"));

    auto* topRow = new QWidget;
    auto* topLayout = new QHBoxLayout(topRow);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(boxed(tr("Where this step looks"), lines_), 3);
    auto* topBox = boxed(tr("Top 5 at this step"), top_);
    topBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto* topColumn = new QVBoxLayout;
    topColumn->addWidget(topBox);
    topColumn->addStretch(1);
    topLayout->addLayout(topColumn, 2);

    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(topRow);
    left->addWidget(boxed(tr("Attention at this step — drag a bar or type a weight: what if?"), whatIf_));
    left->addWidget(boxed(tr("Context vector (attention-weighted encoder outputs)"), context_));
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 4);
    left->setStretchFactor(2, 0);
    left->setChildrenCollapsible(false);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(boxed(tr("Alignment (output × source)"), heatmap_));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    clear();
}

void StepView::clear()
{
    t_ = {};
    step_ = -1;
    lines_->setData({});
    whatIf_->setRow({}, {});
    whatIf_->setNote({});
    context_->setValues({});
    for (int r = 0; r < top_->rowCount(); ++r)
        for (int c = 0; c < 2; ++c) top_->setItem(r, c, new QTableWidgetItem);
    heatmap_->setData(widgets::HeatmapData{});
}

void StepView::setTranslation(const seq2seq::Translation& t, int step)
{
    t_ = t;
    // The alignment: rows = steps (m), columns = source tokens (n).
    const auto m = static_cast<Eigen::Index>(t_.steps.size());
    const auto n = static_cast<Eigen::Index>(t_.source_tokens.size());
    widgets::HeatmapData d;
    Matrix alignment = Matrix::Zero(m, n);
    for (Eigen::Index i = 0; i < m; ++i) {
        const auto& row = t_.steps[static_cast<std::size_t>(i)].attention;
        for (Eigen::Index j = 0; j < n && j < static_cast<Eigen::Index>(row.size()); ++j)
            alignment(i, j) = row[static_cast<std::size_t>(j)];
        d.rowLabels << QString::fromStdString(t_.steps[static_cast<std::size_t>(i)].text);
    }
    d.values = std::move(alignment);
    d.colLabels = toQStrings(t_.source_tokens);
    d.rowAxisTitle = tr("output token");
    d.colAxisTitle = tr("source token");
    heatmap_->setData(std::move(d));
    step_ = -1;
    setStep(step);
}

void StepView::setStep(int step)
{
    if (t_.steps.empty()) return;
    step_ = std::clamp(step, 0, static_cast<int>(t_.steps.size()) - 1);
    const seq2seq::DecodeStep& s = t_.steps[static_cast<std::size_t>(step_)];
    const QStringList source = toQStrings(t_.source_tokens);
    lines_->setData({source, s.attention, QString::fromStdString(s.text),
                     tr("step %1 of %2: emits “%3” (p = %4)")
                         .arg(step_ + 1).arg(t_.steps.size()).arg(QString::fromStdString(s.text))
                         .arg(s.probability, 0, 'f', 3)});
    whatIf_->setRow(source, s.attention);
    context_->setValues(s.context, tr("%1 values; blue < 0 < red").arg(s.context.size()));
    for (int r = 0; r < top_->rowCount(); ++r) {
        const bool has = r < static_cast<int>(s.top.size());
        top_->item(r, 0)->setText(has ? QString::fromStdString(s.top[static_cast<std::size_t>(r)].first) : QString());
        top_->item(r, 1)->setText(has ? QString::number(s.top[static_cast<std::size_t>(r)].second, 'f', 4) : QString());
    }
    heatmap_->setHighlightedRow(step_);
}

}  // namespace attnviz::seq2seq_view
