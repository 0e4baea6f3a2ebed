// SPDX-License-Identifier: GPL-3.0-or-later
// A against B: the current result next to the same inputs run with another variant or
// temperature, their weight difference and where it is largest.
#pragma once

#include "gui/panels/compare_config.hpp"
#include "gui/panels/deferred_snapshot.hpp"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace attnviz::widgets {
class HeatmapWidget;
}

namespace attnviz::gui::panels {

class ComparePanel : public QWidget {
    Q_OBJECT

public:
    explicit ComparePanel(QWidget* parent = nullptr);

    void showResult(const playground::ResultSnapshotPtr& snapshot);
    // False while the panel's dock is a background tab: results are kept, drawn when shown.
    void setOnScreen(bool on);

    // B's configuration; the controls follow (and recompute).
    void setSettings(const CompareSettings& settings);
    CompareSettings settings() const;

    QString sentence() const;
    const Comparison& comparison() const { return comparison_; }
    widgets::HeatmapWidget* mapA() const { return mapA_; }
    widgets::HeatmapWidget* mapB() const { return mapB_; }
    widgets::HeatmapWidget* mapDifference() const { return mapDiff_; }

    QSize sizeHint() const override { return {900, 320}; }

private:
    void recompute();

    DeferredSnapshot deferred_;  // the newest result (A); B is computed only when seen
    Comparison comparison_;
    QComboBox* variant_;
    QDoubleSpinBox* temperature_;
    QLabel* sentence_;
    widgets::HeatmapWidget* mapA_;
    widgets::HeatmapWidget* mapB_;
    widgets::HeatmapWidget* mapDiff_;
};

}  // namespace attnviz::gui::panels
