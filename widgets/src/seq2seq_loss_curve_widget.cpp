// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/seq2seq_loss_curve_widget.hpp"

#include "attnviz/widgets/colormaps.hpp"
#include "attnviz/widgets/plot_style.hpp"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace attnviz::widgets {

LossCurveWidget::LossCurveWidget(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    graph_ = plot_->addGraph();
    const QColor line = QColor::fromRgb(makeGradient(Colormap::Viridis).color(0.3, QCPRange(0, 1)));
    graph_->setPen(QPen(line, 2));
    graph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("loss"));
    plot_->yAxis->grid()->setSubGridVisible(false);
    plot_->setToolTip(tr("Training loss after every epoch (the d2l book's metric: summed masked "
                         "cross-entropy divided by the number of target tokens)"));
    applyPlotPalette(plot_, palette());
    clear();
}

LossCurveWidget::~LossCurveWidget() = default;

void LossCurveWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        applyPlotPalette(plot_, palette());
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

void LossCurveWidget::addPoint(int epoch, double loss)
{
    graph_->addData(epoch, loss);
    if (std::isfinite(loss)) maxLoss_ = std::max(maxLoss_, loss);
    plot_->xAxis->setRange(0, std::max(totalEpochs_, epoch) + 0.5);
    plot_->yAxis->setRange(0, maxLoss_ > 0 ? maxLoss_ * 1.08 : 1.0);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossCurveWidget::setTotalEpochs(int epochs)
{
    totalEpochs_ = std::max(1, epochs);
    plot_->xAxis->setRange(0, totalEpochs_ + 0.5);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossCurveWidget::clear()
{
    graph_->data()->clear();
    maxLoss_ = 0.0;
    plot_->xAxis->setRange(0, totalEpochs_ + 0.5);
    plot_->yAxis->setRange(0, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int LossCurveWidget::pointCount() const { return graph_->dataCount(); }

void LossCurveWidget::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

}  // namespace attnviz::widgets
