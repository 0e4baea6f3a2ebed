// SPDX-License-Identifier: GPL-3.0-or-later
// The newest result for a panel, and whether to draw it now. A panel whose dock is a tab in
// the background draws nothing until its tab comes to the front: at 2048 tokens each of its
// heatmaps costs tens of milliseconds of GUI-thread time per edit, spent on a picture nobody
// sees. The window tells the panel (QDockWidget::visibilityChanged → setOnScreen); a panel
// that is never told (tests, standalone use) is on screen and draws at once.
#pragma once

#include "playground/result_snapshot.hpp"

#include <utility>

namespace attnviz::gui::panels {

class DeferredSnapshot {
public:
    // Keeps `snapshot`; true when the panel should draw it now.
    bool offer(playground::ResultSnapshotPtr snapshot)
    {
        latest_ = std::move(snapshot);
        stale_ = !onScreen_;
        return onScreen_;
    }
    // True when the panel just came on screen with an undrawn snapshot: draw latest() now.
    bool setOnScreen(bool on)
    {
        onScreen_ = on;
        return on && std::exchange(stale_, false);
    }
    bool isStale() const { return stale_; }
    const playground::ResultSnapshotPtr& latest() const { return latest_; }

private:
    playground::ResultSnapshotPtr latest_;
    bool onScreen_ = true;
    bool stale_ = false;
};

}  // namespace attnviz::gui::panels
