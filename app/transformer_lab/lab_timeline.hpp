// SPDX-License-Identifier: GPL-3.0-or-later
// The snapshots of the model being trained, with a slider that scrubs them (as the seq2seq
// window's timeline). While training it follows the newest snapshot unless the user moved the
// slider back. The frames share their snapshots (no copies); when they would hold more than
// kMemoryBudget bytes (a 12-layer, 16-head, ctx 512 model's attention is 200 MB a snapshot),
// every second frame between the first and the newest is dropped (again as often as needed), so a long run keeps an evenly
// thinned history.
#pragma once

#include "transformer_lab/lab_types.hpp"

#include <QWidget>

#include <cstddef>
#include <vector>

class QLabel;
class QSlider;

namespace attnviz::transformer_lab {

class LabTimeline : public QWidget {
    Q_OBJECT

public:
    static constexpr std::size_t kMemoryBudget = std::size_t{256} << 20;

    explicit LabTimeline(QWidget* parent = nullptr);

    void clear();
    void addFrame(const LabFrame& frame);
    int count() const { return static_cast<int>(frames_.size()); }
    const std::vector<LabFrame>& frames() const { return frames_; }
    // Shows frame i (moves the slider there and emits frameShown).
    void setIndex(int i);
    int currentIndex() const { return current_; }
    const LabFrame* currentFrame() const;
    std::size_t bytes() const { return bytes_; }
    // kMemoryBudget unless set (tests).
    void setMemoryBudget(std::size_t bytes) { budget_ = bytes; }

    QSlider* slider() const { return slider_; }
    QLabel* label() const { return label_; }

signals:
    void frameShown(const attnviz::transformer_lab::LabFrame& frame);

private:
    void show(int i);
    bool thin();  // false when nothing could be dropped
    static std::size_t frameBytes(const LabFrame& f);

    std::vector<LabFrame> frames_;
    std::size_t bytes_ = 0;
    std::size_t budget_ = kMemoryBudget;
    int current_ = -1;
    QSlider* slider_;
    QLabel* label_;
};

}  // namespace attnviz::transformer_lab
