// SPDX-License-Identifier: GPL-3.0-or-later
#include "transformer_lab/lab_curves.hpp"

#include "attnviz/widgets/plot_style.hpp"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace attnviz::transformer_lab {

namespace {

const QColor kLossColor(31, 95, 170);
const QColor kAccuracyColor(221, 110, 20);
constexpr int kMaxLegendHeads = 16;  // beyond this the legend would hide the plot: colours only

// Layer l's hue, head h's lightness: heads of one layer read as one family.
QColor headColor(int layer, int layers, int head, int heads)
{
    static const int hues[] = {210, 0, 120, 280, 30, 170, 320, 60, 240, 15, 90, 190};
    const int hue = layers <= 12 ? hues[layer % 12] : (layer * 360 / std::max(1, layers)) % 360;
    const int value = heads <= 1 ? 190 : 120 + (head * 120) / (heads - 1);
    const int saturation = heads <= 1 ? 200 : 230 - (head * 100) / (heads - 1);
    return QColor::fromHsv(hue, saturation, std::min(255, value));
}

QString metricAxisLabel(LabCurves::Metric m)
{
    switch (m) {
    case LabCurves::Metric::PreviousToken: return QObject::tr("previous-token score");
    case LabCurves::Metric::Induction: return QObject::tr("induction score");
    case LabCurves::Metric::FirstToken: return QObject::tr("first-token share");
    case LabCurves::Metric::Entropy: return QObject::tr("entropy (nats)");
    }
    return {};
}

QCPItemStraightLine* makeMarker(QCustomPlot* plot, QCPAxisRect* rect)
{
    auto* line = new QCPItemStraightLine(plot);
    line->setClipAxisRect(rect);
    for (QCPItemPosition* p : {line->point1, line->point2}) {
        p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        p->setAxisRect(rect);
    }
    line->setPen(QPen(QColor(120, 120, 120), 1.5, Qt::DashLine));
    line->setVisible(false);
    return line;
}

}  // namespace

LabCurves::LabCurves(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    metricCombo_ = new QComboBox;
    metricCombo_->addItem(tr("Previous-token score"), int(Metric::PreviousToken));
    metricCombo_->addItem(tr("Induction score"), int(Metric::Induction));
    metricCombo_->addItem(tr("First-token share"), int(Metric::FirstToken));
    metricCombo_->addItem(tr("Entropy"), int(Metric::Entropy));
    metricCombo_->setCurrentIndex(int(Metric::Induction));
    metricCombo_->setToolTip(
        tr("The per-head measure drawn under the loss, averaged over the probe sequences:\n"
           "previous-token: weight on the token just before;\n"
           "induction: weight on the token after the earlier occurrence of the current one (the copy's source);\n"
           "first-token share: weight on position 0, the 'attention sink';\n"
           "entropy: how spread out a query's weights are (0 = one key)"));
    hint_ = new QLabel(tr("Per-head metric:"));
    hint_->setBuddy(metricCombo_);
    auto* row = new QHBoxLayout;
    row->addWidget(hint_);
    row->addWidget(metricCombo_);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(plot_, 1);

    // Two rows: [loss rect | its legend], [metric rect | the heads' legend]. Sharing the columns
    // gives both rects the same width, the margin group the same left edge: the step axes line up.
    lossRect_ = plot_->axisRect();
    metricRect_ = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(1, 0, metricRect_);
    auto* margins = new QCPMarginGroup(plot_);
    lossRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    metricRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    // Each legend sits at the top of its side cell, above an empty element that takes the rest
    // of the height (a legend given the whole cell spreads its items over it).
    lossLegend_ = plot_->legend;
    lossLegend_->setVisible(true);
    lossRect_->insetLayout()->take(lossLegend_);
    metricLegend_ = new QCPLegend;
    for (int row = 0; row < 2; ++row) {
        auto* side = new QCPLayoutGrid;
        plot_->plotLayout()->addElement(row, 1, side);
        QCPLegend* legend = row == 0 ? lossLegend_ : metricLegend_;
        side->addElement(0, 0, legend);
        side->addElement(1, 0, new QCPLayoutElement(plot_));
        side->setRowStretchFactor(0, 0.001);
        side->setRowStretchFactor(1, 1.0);
        side->setRowSpacing(0);
        legend->setLayer(QStringLiteral("legend"));
        legend->setMaximumSize(230, QWIDGETSIZE_MAX);
        legend->setRowSpacing(0);
        legend->setMargins(QMargins(6, 4, 6, 4));
    }
    plot_->plotLayout()->setColumnStretchFactor(0, 1.0);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    plot_->plotLayout()->setRowStretchFactor(0, 1.0);
    plot_->plotLayout()->setRowStretchFactor(1, 1.0);

    QCPAxis* x = lossRect_->axis(QCPAxis::atBottom);
    QCPAxis* y = lossRect_->axis(QCPAxis::atLeft);
    QCPAxis* y2 = lossRect_->axis(QCPAxis::atRight);
    y2->setVisible(true);
    y2->setTickLabels(true);
    y2->setRange(0, 1);
    // Few ticks: the plots share the height, and a short axis must not crowd its labels.
    for (QCPAxis* a : {y, y2, metricRect_->axis(QCPAxis::atLeft)}) a->ticker()->setTickCount(4);
    y->setLabel(tr("loss (nats)"));
    y2->setLabel(tr("accuracy"));
    x->setLabel(tr("step"));
    QCPAxis* mx = metricRect_->axis(QCPAxis::atBottom);
    QCPAxis* my = metricRect_->axis(QCPAxis::atLeft);
    mx->setLabel(tr("step"));
    // The step axes are one: whatever moves one moves the other.
    connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), mx, qOverload<const QCPRange&>(&QCPAxis::setRange));
    connect(mx, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), x, qOverload<const QCPRange&>(&QCPAxis::setRange));
    my->setLabel(metricAxisLabel(metric_));

    const QString names[2] = {tr("this model"), tr("1 layer")};
    for (int r = 0; r < 2; ++r) {
        loss_[r] = plot_->addGraph(x, y);
        accuracy_[r] = plot_->addGraph(x, y2);
        const Qt::PenStyle style = r == 0 ? Qt::SolidLine : Qt::DashLine;
        loss_[r]->setPen(QPen(kLossColor, 2, style));
        accuracy_[r]->setPen(QPen(kAccuracyColor, 2, style));
        loss_[r]->setName(tr("loss, %1").arg(names[r]));
        accuracy_[r]->setName(tr("accuracy, %1").arg(names[r]));
        if (r == 1) {
            loss_[r]->removeFromLegend();
            accuracy_[r]->removeFromLegend();
        }
    }
    lossMarker_ = makeMarker(plot_, lossRect_);
    metricMarker_ = makeMarker(plot_, metricRect_);
    plot_->setToolTip(tr("Top: the training loss (mean next-token cross-entropy over the steps since the previous "
                         "point) and the accuracy on the probe sequences' scored targets. Bottom: each head's "
                         "metric. When the loss leaves its plateau an induction head appears below it."));

    connect(metricCombo_, &QComboBox::currentIndexChanged, this,
            [this] { setMetric(static_cast<Metric>(metricCombo_->currentData().toInt())); });
    widgets::applyPlotPalette(plot_, palette());
    styleLegends();
    clear();
}

LabCurves::~LabCurves() = default;

void LabCurves::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        widgets::applyPlotPalette(plot_, palette());
        styleLegends();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

void LabCurves::styleLegends()
{
    for (QCPLegend* l : {lossLegend_, metricLegend_}) {
        l->setBrush(palette().color(QPalette::Base));
        l->setBorderPen(QPen(palette().color(QPalette::Mid)));
        l->setTextColor(palette().color(QPalette::Text));
    }
}

double LabCurves::metricValue(const transformer::HeadMetrics& m, Metric metric)
{
    switch (metric) {
    case Metric::PreviousToken: return m.previous_token;
    case Metric::Induction: return m.induction;
    case Metric::FirstToken: return m.first_token;
    case Metric::Entropy: return m.entropy;
    }
    return 0.0;
}

void LabCurves::clear()
{
    for (int r = 0; r < 2; ++r) {
        loss_[r]->data()->clear();
        accuracy_[r]->data()->clear();
    }
    loss_[1]->removeFromLegend();
    accuracy_[1]->removeFromLegend();
    steps_.clear();
    metrics_.clear();
    layers_ = heads_ = 0;
    maxLoss_ = 0.0;
    rebuildHeadGraphs();
    setMarker(-1);
    lossRect_->axis(QCPAxis::atBottom)->setRange(0, static_cast<double>(totalSteps_));
    lossRect_->axis(QCPAxis::atLeft)->setRange(0, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LabCurves::setTotalSteps(long long steps)
{
    totalSteps_ = std::max<long long>(1, steps);
    lossRect_->axis(QCPAxis::atBottom)->setRange(0, static_cast<double>(totalSteps_));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LabCurves::addSnapshot(LabRun run, const transformer::LabSnapshot& s)
{
    const int r = int(run);
    const auto step = static_cast<double>(s.step);
    // Step 0's loss is measured before any training: the probe's, as there is no window of steps.
    const double loss = s.step == 0 ? s.probe_loss : s.loss;
    if (std::isfinite(loss)) {
        loss_[r]->addData(step, loss);
        maxLoss_ = std::max(maxLoss_, loss);
    }
    accuracy_[r]->addData(step, s.accuracy);
    if (run == LabRun::OneLayer && loss_[1]->dataCount() == 1) {
        loss_[1]->addToLegend(lossLegend_);
        accuracy_[1]->addToLegend(lossLegend_);
    }
    lossRect_->axis(QCPAxis::atLeft)->setRange(0, maxLoss_ > 0 ? maxLoss_ * 1.08 : 1.0);
    if (s.step > totalSteps_) setTotalSteps(s.step);

    if (run == LabRun::Main && !s.metrics.empty()) {
        if (s.layers != layers_ || s.heads != heads_) {
            layers_ = s.layers;
            heads_ = s.heads;
            steps_.clear();
            metrics_.clear();
            rebuildHeadGraphs();
        }
        steps_.push_back(s.step);
        metrics_.push_back(s.metrics);
        for (std::size_t i = 0; i < headGraphs_.size() && i < s.metrics.size(); ++i)
            headGraphs_[i]->addData(step, metricValue(s.metrics[i], metric_));
        rescaleMetricAxis();
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LabCurves::rebuildHeadGraphs()
{
    for (QCPGraph* g : headGraphs_) plot_->removeGraph(g);
    headGraphs_.clear();
    metricLegend_->clearItems();
    QCPAxis* mx = metricRect_->axis(QCPAxis::atBottom);
    QCPAxis* my = metricRect_->axis(QCPAxis::atLeft);
    my->setLabel(metricAxisLabel(metric_));
    const bool legend = layers_ * heads_ <= kMaxLegendHeads;
    for (int l = 0; l < layers_; ++l)
        for (int h = 0; h < heads_; ++h) {
            QCPGraph* g = plot_->addGraph(mx, my);
            const bool hi = l == highlightLayer_ && h == highlightHead_;
            g->setPen(QPen(headColor(l, layers_, h, heads_), hi ? 3.5 : 1.6));
            g->setName(tr("layer %1 head %2").arg(l).arg(h));
            g->removeFromLegend();
            if (legend) g->addToLegend(metricLegend_);
            headGraphs_.push_back(g);
        }
    metricLegend_->setVisible(legend && !headGraphs_.empty());
    for (std::size_t k = 0; k < steps_.size(); ++k)
        for (std::size_t i = 0; i < headGraphs_.size() && i < metrics_[k].size(); ++i)
            headGraphs_[i]->addData(static_cast<double>(steps_[k]), metricValue(metrics_[k][i], metric_));
    rescaleMetricAxis();
}

void LabCurves::rescaleMetricAxis()
{
    QCPAxis* my = metricRect_->axis(QCPAxis::atLeft);
    if (metric_ != Metric::Entropy) {
        my->setRange(0, 1);  // scores and shares are weights
        return;
    }
    double hi = 0.0;
    for (const auto& row : metrics_)
        for (const auto& m : row) hi = std::max(hi, m.entropy);
    my->setRange(0, hi > 0 ? hi * 1.08 : 1.0);
}

void LabCurves::setMetric(Metric metric)
{
    metric_ = metric;
    {
        const QSignalBlocker block(metricCombo_);
        metricCombo_->setCurrentIndex(metricCombo_->findData(int(metric)));
    }
    rebuildHeadGraphs();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LabCurves::setMarker(long long step)
{
    const bool on = step >= 0;
    for (QCPItemStraightLine* m : {lossMarker_, metricMarker_}) {
        m->setVisible(on);
        if (!on) continue;
        m->point1->setCoords(static_cast<double>(step), 0.0);
        m->point2->setCoords(static_cast<double>(step), 1.0);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

double LabCurves::markerStep() const { return lossMarker_->point1->coords().x(); }
bool LabCurves::markerVisible() const { return lossMarker_->visible(); }

void LabCurves::highlightHead(int layer, int head)
{
    highlightLayer_ = layer;
    highlightHead_ = head;
    for (int l = 0; l < layers_; ++l)
        for (int h = 0; h < heads_; ++h) {
            QCPGraph* g = headGraphs_[static_cast<std::size_t>(l * heads_ + h)];
            QPen pen = g->pen();
            pen.setWidthF(l == layer && h == head ? 3.5 : 1.6);
            g->setPen(pen);
        }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int LabCurves::pointCount(LabRun run) const { return accuracy_[int(run)]->dataCount(); }
QCPGraph* LabCurves::lossGraph(LabRun run) const { return loss_[int(run)]; }
QCPGraph* LabCurves::accuracyGraph(LabRun run) const { return accuracy_[int(run)]; }

QCPGraph* LabCurves::headGraph(int layer, int head) const
{
    if (layer < 0 || head < 0 || layer >= layers_ || head >= heads_) return nullptr;
    return headGraphs_[static_cast<std::size_t>(layer * heads_ + head)];
}

void LabCurves::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

}  // namespace attnviz::transformer_lab
