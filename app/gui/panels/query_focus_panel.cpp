// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/query_focus_panel.hpp"

#include "gui/panels/panel_labels.hpp"
#include "gui/panels/query_focus_text.hpp"

#include "attnviz/core/weights_summary.hpp"
#include "attnviz/widgets/bar_chart_widget.hpp"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace attnviz::gui::panels {

QueryFocusPanel::QueryFocusPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("queryFocus"));
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(4, 4, 4, 4);
    bars_ = new widgets::BarChartWidget(this);
    bars_->setMinimumHeight(180);
    root->addWidget(bars_, 1);
    sum_ = new QLabel(this);
    sum_->setWordWrap(true);
    sum_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sum_->setTextFormat(Qt::PlainText);
    root->addWidget(sum_);
    connect(bars_, &widgets::BarChartWidget::barClicked, this, &QueryFocusPanel::keyClicked);
    refresh();
}

void QueryFocusPanel::showResult(const playground::ResultSnapshotPtr& snapshot)
{
    if (deferred_.offer(snapshot)) refresh();
}

void QueryFocusPanel::setOnScreen(bool on)
{
    if (deferred_.setOnScreen(on)) refresh();
}

void QueryFocusPanel::setFocusedQuery(int row)
{
    row_ = std::max(0, row);
    if (!deferred_.isStale()) refresh();  // else drawn when shown
}

QString QueryFocusPanel::entropyLine() const
{
    return deferred_.latest() ? entropyText(*deferred_.latest(), row_) : QString();
}

QString QueryFocusPanel::weightedSumLine() const
{
    return deferred_.latest() ? weightedSumText(*deferred_.latest(), row_) : QString();
}

void QueryFocusPanel::refresh()
{
    const Index rows = deferred_.latest() ? deferred_.latest()->outcome.result.weights.rows() : 0;
    if (rows == 0) {
        bars_->setData({});
        sum_->setText(tr("No result yet."));
        return;
    }
    // A smaller session may leave the old focus past the end: keep the last row instead.
    row_ = std::clamp<int>(row_, 0, static_cast<int>(rows) - 1);
    const playground::ResultSnapshot& s = *deferred_.latest();
    const AttentionResult& r = s.outcome.result;
    const QString query = queryLabels(s).value(row_);

    widgets::BarChartData d;
    d.values = r.weights.row(row_);
    d.labels = keyLabels(s);
    if (r.masked.rows() > row_)
        for (Index j = 0; j < r.masked.cols(); ++j) d.masked.push_back(r.masked(row_, j));
    d.title = tr("Query “%1”: weights over the keys").arg(query);
    d.entropy = row_entropy(d.values);
    d.caption = tr("H / ln %1 = %2 (0: all weight on one key, 1: spread evenly)")
                    .arg(d.values.size())
                    .arg(QString::number(normalised_entropy(d.values), 'f', 2));
    bars_->setData(d);
    sum_->setText(tr("Output of “%1” = Σ weight × value row:\n%2").arg(query, weightedSumText(s, row_)));
}

}  // namespace attnviz::gui::panels
