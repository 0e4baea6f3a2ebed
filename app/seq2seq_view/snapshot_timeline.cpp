// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/snapshot_timeline.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

namespace attnviz::seq2seq_view {

SnapshotTimeline::SnapshotTimeline(QWidget* parent) : QWidget(parent)
{
    heatmap_ = new widgets::HeatmapWidget;
    heatmap_->setToolTip(tr("The probe sentence's alignment at the chosen epoch: one row per output "
                            "token, one column per source token; bright = attended"));
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    slider_->setToolTip(tr("Scrub through the alignment snapshots taken during training"));
    label_ = new QLabel(tr("No snapshots yet: train to watch the alignment form"));
    label_->setToolTip(tr("The epoch and the training loss of the snapshot shown"));
    label_->setMinimumWidth(label_->fontMetrics().horizontalAdvance(QStringLiteral("epoch 00000, loss 0.0000 (00/00)")));

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Epoch:")));
    row->addWidget(slider_, 1);
    row->addWidget(label_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(heatmap_, 1);
    layout->addLayout(row);
    connect(slider_, &QSlider::valueChanged, this, [this](int v) { show(v); });
}

void SnapshotTimeline::clear()
{
    snapshots_.clear();
    current_ = -1;
    const QSignalBlocker block(slider_);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    label_->setText(tr("No snapshots yet"));
    heatmap_->setData(widgets::HeatmapData{});
}

void SnapshotTimeline::addSnapshot(const AlignmentSnapshot& snapshot)
{
    const bool follow = current_ == count() - 1;  // at the newest (or empty): keep following
    snapshots_.push_back(snapshot);
    {
        const QSignalBlocker block(slider_);
        slider_->setRange(0, count() - 1);
        slider_->setEnabled(count() > 1);
    }
    if (follow) setIndex(count() - 1);
}

void SnapshotTimeline::setIndex(int i)
{
    if (i < 0 || i >= count()) return;
    const QSignalBlocker block(slider_);
    slider_->setValue(i);
    show(i);
}

void SnapshotTimeline::show(int i)
{
    if (i < 0 || i >= count()) return;
    current_ = i;
    const AlignmentSnapshot& s = snapshots_[static_cast<std::size_t>(i)];
    label_->setText(tr("epoch %1, loss %2 (%3/%4)").arg(s.epoch).arg(s.loss, 0, 'f', 4).arg(i + 1).arg(count()));
    widgets::HeatmapData d;
    d.values = s.weights;
    d.rowLabels = s.output;
    d.colLabels = s.source;
    d.rowAxisTitle = tr("output token");
    d.colAxisTitle = tr("source token");
    d.title = tr("Probe alignment, epoch %1").arg(s.epoch);
    heatmap_->setData(std::move(d));
}

}  // namespace attnviz::seq2seq_view
