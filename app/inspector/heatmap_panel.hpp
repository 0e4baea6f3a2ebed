// SPDX-License-Identifier: GPL-3.0-or-later
// The heatmap tab: one head, or an aggregate (mean/max over a layer's heads, mean over layers,
// rollout), in the zoomable heatmap, with the controls that choose it and a hover read-out.
// A head is shown at once (a view into the file); aggregates are computed by the
// AnalysisRunner off the GUI thread and shown when they arrive.
#pragma once

#include "inspector/analysis_runner.hpp"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSpinBox;
class QToolButton;

namespace attnviz::widgets {
class ZoomableHeatmapWidget;
}

namespace attnviz::inspector {

struct LoadedFile;

class HeatmapPanel : public QWidget {
    Q_OBJECT

public:
    // What the heatmap shows: a head, or one of the aggregates.
    enum class Source { Head, MeanOverHeads, MaxOverHeads, MeanOverLayers, Rollout };

    HeatmapPanel(AnalysisRunner* runner, QWidget* parent = nullptr);

    void setFile(std::shared_ptr<const LoadedFile> file);
    void showHead(int layer, int head);
    void showSource(Source source, int layer);
    Source source() const;
    int layer() const;
    int head() const;
    widgets::ZoomableHeatmapWidget* heatmap() const { return m_heatmap; }
    QString readout() const;

signals:
    void headShown(int layer, int head);

private:
    void refresh();
    void showError(const QString& message);

    AnalysisRunner* m_runner;
    std::shared_ptr<const LoadedFile> m_file;
    QComboBox* m_source;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QToolButton* m_reset;
    QToolButton* m_band;
    QLabel* m_readout;
    widgets::ZoomableHeatmapWidget* m_heatmap;
    int m_pending = 0;
    bool m_updating = false;
};

}  // namespace attnviz::inspector
