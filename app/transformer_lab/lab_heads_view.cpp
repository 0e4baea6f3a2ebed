// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_heads_view.hpp"

#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

namespace attnviz::transformer_lab {

LabHeadsView::LabHeadsView(QWidget* parent) : QWidget(parent)
{
    caption_ = new QLabel;
    caption_->setWordWrap(true);
    caption_->setToolTip(tr("Each thumbnail is one head's attention over the probe sequence (rows = queries, columns "
                            "= keys), coloured from 0 to its own largest weight"));
    grid_ = new widgets::ThumbnailGridWidget;
    grid_->setToolTip(tr("Every head of every layer on the probe sequence; click one to open it"));
    scroll_ = new QScrollArea;
    scroll_->setWidget(grid_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    heatmap_ = new widgets::ZoomableHeatmapWidget;
    heatmap_->setToolTip(tr("The open head: rows are queries, columns keys, both labelled with the probe's tokens. "
                            "An induction head lights the diagonal shifted to the token after the earlier copy. "
                            "Wheel: zoom; drag: pan; double click: reset"));

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(scroll_);
    split->addWidget(heatmap_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({400, 600});  // scaled to the width: the grid needs room for its thumbnails
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(caption_);
    layout->addWidget(split, 1);
    connect(grid_, &widgets::ThumbnailGridWidget::headClicked, this, [this](int l, int h) { openHead(l, h); });
    clear();
}

void LabHeadsView::clear()
{
    frame_ = LabFrame{};
    grid_->clear();
    heatmap_->clear();
    heatmap_->setTitle(tr("Click a head in the grid to open it here"));
    caption_->setText(tr("The probe sequence's attention appears here while the model trains."));
}

void LabHeadsView::showFrame(const LabFrame& frame)
{
    if (!frame.snapshot || !frame.stack) return;
    frame_ = frame;
    const transformer::LabSnapshot& s = *frame.snapshot;
    grid_->setThumbnails(s.layers, s.heads, frame.thumbnails);
    const QString repeat = s.repeat > 0
                               ? tr(" Its first %1 tokens repeat from position %1: an induction head attends from each "
                                    "token of the copy to the one after its earlier occurrence.")
                                     .arg(s.repeat)
                               : QString();
    caption_->setText(tr("Step %1: %2 layers × %3 heads on the probe sequence (%4 tokens).%5 Click a head to open it.")
                          .arg(s.step)
                          .arg(s.layers)
                          .arg(s.heads)
                          .arg(s.n)
                          .arg(repeat));
    if (layer_ >= s.layers || head_ >= s.heads) layer_ = head_ = -1;
    grid_->setCurrent(layer_, head_);
    showOpenHead();
}

bool LabHeadsView::openHead(int layer, int head)
{
    if (!frame_.stack || layer < 0 || head < 0 || layer >= frame_.stack->layers() || head >= frame_.stack->heads())
        return false;
    layer_ = layer;
    head_ = head;
    grid_->setCurrent(layer, head);
    showOpenHead();
    emit headOpened(layer, head);
    return true;
}

void LabHeadsView::showOpenHead()
{
    if (!frame_.stack || layer_ < 0) {
        heatmap_->clear();
        heatmap_->setTitle(tr("Click a head in the grid to open it here"));
        return;
    }
    const inspect::AttentionStack& st = *frame_.stack;
    QStringList tokens;
    for (const std::string& t : st.key_tokens()) tokens << QString::fromStdString(t);
    heatmap_->setData(st.head(layer_, head_), tokens, tokens);
    const transformer::LabSnapshot& s = *frame_.snapshot;
    QString title = tr("Layer %1, head %2 at step %3").arg(layer_).arg(head_).arg(s.step);
    const std::size_t i = static_cast<std::size_t>(layer_ * s.heads + head_);
    if (i < s.metrics.size())
        title += tr(" — previous-token %1, induction %2")
                     .arg(s.metrics[i].previous_token, 0, 'f', 2)
                     .arg(s.metrics[i].induction, 0, 'f', 2);
    heatmap_->setTitle(title);
}

}  // namespace attnviz::transformer_lab
