// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/heatmap_panel.hpp"

#include "inspector/inspector_loader.hpp"

#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace attnviz::inspector {

HeatmapPanel::HeatmapPanel(AnalysisRunner* runner, QWidget* parent)
    : QWidget(parent), m_runner(runner), m_source(new QComboBox(this)), m_layer(new QSpinBox(this)),
      m_head(new QSpinBox(this)), m_reset(new QToolButton(this)), m_band(new QToolButton(this)),
      m_readout(new QLabel(this)), m_heatmap(new widgets::ZoomableHeatmapWidget(this))
{
    setObjectName(QStringLiteral("heatmap"));
    m_source->addItem(tr("One head"), static_cast<int>(Source::Head));
    m_source->addItem(tr("Mean over heads"), static_cast<int>(Source::MeanOverHeads));
    m_source->addItem(tr("Max over heads"), static_cast<int>(Source::MaxOverHeads));
    m_source->addItem(tr("Mean over layers"), static_cast<int>(Source::MeanOverLayers));
    m_source->addItem(tr("Rollout up to layer"), static_cast<int>(Source::Rollout));
    m_source->setToolTip(tr("Show one head, or an aggregate: the mean or max over the layer's heads, "
                            "the mean over every layer, or attention rollout through the chosen layer"));
    m_layer->setToolTip(tr("The layer (for rollout: the last layer multiplied in)"));
    m_head->setToolTip(tr("The head within the layer"));
    m_layer->setPrefix(tr("layer "));
    m_head->setPrefix(tr("head "));
    m_reset->setText(tr("Reset zoom"));
    m_reset->setToolTip(tr("Show the whole matrix again (or double-click the heatmap)"));
    m_band->setText(tr("Zoom to selection"));
    m_band->setCheckable(true);
    m_band->setToolTip(tr("When on, dragging selects the cells to zoom to (Shift+drag always does)"));
    m_readout->setToolTip(tr("The cell under the mouse: query token, key token and weight"));
    m_readout->setMinimumWidth(120);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_source);
    controls->addWidget(m_layer);
    controls->addWidget(m_head);
    controls->addWidget(m_reset);
    controls->addWidget(m_band);
    controls->addWidget(m_readout, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_heatmap, 1);

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
    connect(m_layer, &QSpinBox::valueChanged, this, [this] { refresh(); });
    connect(m_head, &QSpinBox::valueChanged, this, [this] { refresh(); });
    connect(m_reset, &QToolButton::clicked, m_heatmap, &widgets::ZoomableHeatmapWidget::resetZoom);
    connect(m_band, &QToolButton::toggled, m_heatmap, &widgets::ZoomableHeatmapWidget::setRubberBandMode);
    connect(m_heatmap, &widgets::ZoomableHeatmapWidget::cellHovered, this,
            [this](int row, int column, float) { m_readout->setText(m_heatmap->describeCell(row, column)); });
    connect(m_heatmap, &widgets::ZoomableHeatmapWidget::hoverLeft, this, [this] { m_readout->clear(); });
    connect(m_runner, &AnalysisRunner::aggregateReady, this,
            [this](int request, const inspect::HeadView& values, const QString& title) {
                if (request != m_pending || !m_file) return;
                m_heatmap->setData(values, m_file->queryTokens, m_file->keyTokens);
                m_heatmap->setTitle(title);
            });
    connect(m_runner, &AnalysisRunner::aggregateFailed, this, [this](int request, const QString& message) {
        if (request == m_pending) showError(message);
    });
    setFile(nullptr);
}

void HeatmapPanel::setFile(std::shared_ptr<const LoadedFile> file)
{
    m_file = std::move(file);
    m_updating = true;
    const int layers = m_file ? static_cast<int>(m_file->stack->layers()) : 1;
    const int heads = m_file ? static_cast<int>(m_file->stack->heads()) : 1;
    m_layer->setRange(0, layers - 1);
    m_head->setRange(0, heads - 1);
    m_updating = false;
    setEnabled(m_file != nullptr);
    if (m_file) refresh();
    else m_heatmap->clear();
}

HeatmapPanel::Source HeatmapPanel::source() const { return static_cast<Source>(m_source->currentData().toInt()); }
int HeatmapPanel::layer() const { return m_layer->value(); }
int HeatmapPanel::head() const { return m_head->value(); }
QString HeatmapPanel::readout() const { return m_readout->text(); }

void HeatmapPanel::showHead(int layer, int head)
{
    m_updating = true;
    m_source->setCurrentIndex(m_source->findData(static_cast<int>(Source::Head)));
    m_layer->setValue(layer);
    m_head->setValue(head);
    m_updating = false;
    refresh();
}

void HeatmapPanel::showSource(Source source, int layer)
{
    m_updating = true;
    m_source->setCurrentIndex(m_source->findData(static_cast<int>(source)));
    m_layer->setValue(layer);
    m_updating = false;
    refresh();
}

void HeatmapPanel::refresh()
{
    if (m_updating || !m_file) return;
    const Source s = source();
    m_head->setEnabled(s == Source::Head);
    m_layer->setEnabled(s != Source::MeanOverLayers);
    const int l = m_layer->value(), h = m_head->value();
    if (s == Source::Head) {
        m_pending = 0;  // any aggregate still computing is no longer wanted
        // In place for native float32: no copy of the head is made.
        m_heatmap->setData(m_file->stack->head(l, h), m_file->queryTokens, m_file->keyTokens);
        m_heatmap->setTitle(tr("Layer %1, head %2").arg(l).arg(h));
        emit headShown(l, h);
        return;
    }
    static const AggregateKind kinds[] = {AggregateKind::MeanOverHeads, AggregateKind::MaxOverHeads,
                                          AggregateKind::MeanOverLayers, AggregateKind::Rollout};
    m_heatmap->setTitle(tr("Computing %1…").arg(aggregateName(kinds[static_cast<int>(s) - 1]).toLower()));
    m_pending = m_runner->requestAggregate({kinds[static_cast<int>(s) - 1], l});
}

void HeatmapPanel::showError(const QString& message)
{
    m_heatmap->clear();
    m_heatmap->setTitle(message);
    m_readout->setText(message);
}

}  // namespace attnviz::inspector
