// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_timeline.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>

namespace attnviz::transformer_lab {

LabTimeline::LabTimeline(QWidget* parent) : QWidget(parent)
{
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    slider_->setToolTip(tr("Scrub back through the snapshots taken during training: the grid, the heatmap and "
                           "the marker on the curves follow"));
    label_ = new QLabel(tr("No snapshots yet"));
    label_->setToolTip(tr("The step, loss and probe accuracy of the snapshot shown"));
    label_->setMinimumWidth(
        label_->fontMetrics().horizontalAdvance(QStringLiteral("step 0000000, loss 0.0000, accuracy 100.0 % (000/000)")));
    auto* title = new QLabel(tr("Snapshot:"));
    title->setBuddy(slider_);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(title);
    row->addWidget(slider_, 1);
    row->addWidget(label_);
    connect(slider_, &QSlider::valueChanged, this, [this](int v) { show(v); });
}

std::size_t LabTimeline::frameBytes(const LabFrame& f)
{
    std::size_t b = sizeof(LabFrame);
    if (f.snapshot) b += f.snapshot->attention.size() * sizeof(float);
    for (const QImage& im : f.thumbnails) b += static_cast<std::size_t>(im.sizeInBytes());
    return b;
}

void LabTimeline::clear()
{
    frames_.clear();
    bytes_ = 0;
    current_ = -1;
    const QSignalBlocker block(slider_);
    slider_->setRange(0, 0);
    slider_->setEnabled(false);
    label_->setText(tr("No snapshots yet"));
}

void LabTimeline::addFrame(const LabFrame& frame)
{
    if (!frame.snapshot || !frame.stack) return;
    const bool follow = current_ == count() - 1;  // at the newest (or empty): keep following
    frames_.push_back(frame);
    bytes_ += frameBytes(frame);
    while (bytes_ > budget_ && count() > 2 && thin()) {
    }
    {
        const QSignalBlocker block(slider_);
        slider_->setRange(0, count() - 1);
        slider_->setEnabled(count() > 1);
    }
    if (follow) setIndex(count() - 1);
    else setIndex(current_);  // the same frame, perhaps at a new index after thinning
}

bool LabTimeline::thin()
{
    const transformer::LabSnapshot* shown = current_ >= 0 ? frames_[static_cast<std::size_t>(current_)].snapshot.get() : nullptr;
    std::vector<LabFrame> kept;
    const std::size_t last = frames_.size() - 1;
    for (std::size_t i = 0; i < frames_.size(); ++i)
        if (i == 0 || i == last || i % 2 == 0 || frames_[i].snapshot.get() == shown) kept.push_back(std::move(frames_[i]));
    const bool dropped = kept.size() < frames_.size();
    frames_ = std::move(kept);
    bytes_ = 0;
    current_ = -1;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
        bytes_ += frameBytes(frames_[i]);
        if (frames_[i].snapshot.get() == shown) current_ = static_cast<int>(i);
    }
    return dropped;
}

const LabFrame* LabTimeline::currentFrame() const
{
    return current_ >= 0 && current_ < count() ? &frames_[static_cast<std::size_t>(current_)] : nullptr;
}

void LabTimeline::setIndex(int i)
{
    if (i < 0 || i >= count()) return;
    const QSignalBlocker block(slider_);
    slider_->setValue(i);
    show(i);
}

void LabTimeline::show(int i)
{
    if (i < 0 || i >= count()) return;
    current_ = i;
    const LabFrame& f = frames_[static_cast<std::size_t>(i)];
    const transformer::LabSnapshot& s = *f.snapshot;
    const double loss = s.step == 0 ? s.probe_loss : s.loss;
    label_->setText(tr("step %1, loss %2, accuracy %3 % (%4/%5)")
                        .arg(s.step)
                        .arg(loss, 0, 'f', 4)
                        .arg(s.accuracy * 100.0, 0, 'f', 1)
                        .arg(i + 1)
                        .arg(count()));
    emit frameShown(f);
}

}  // namespace attnviz::transformer_lab
