// SPDX-License-Identifier: GPL-3.0-or-later
// The model view's thumbnails: every head of a stack block-averaged (core inspect::block_average)
// to at most `cells` × `cells` values and coloured with viridis. Safe off the GUI thread (QImage
// only, no widgets): the inspector's loader runs it on its worker.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"

#include <QImage>
#include <QVector>

namespace attnviz::widgets {

// layers × heads images, layer-major. Each is coloured on its own [0, max] so that a head's
// pattern shows even when its weights are small.
QVector<QImage> renderThumbnails(const inspect::AttentionStack& stack, int cells = 64);

}  // namespace attnviz::widgets
