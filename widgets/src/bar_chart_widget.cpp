// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/bar_chart_widget.hpp"

#include "attnviz/widgets/colormaps.hpp"
#include "attnviz/widgets/plot_export.hpp"
#include "attnviz/widgets/plot_style.hpp"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>

namespace attnviz::widgets {

namespace {

constexpr int kMaxValueLabels = 32;  // beyond this the numbers above the bars would collide

QString barText(double v) { return std::abs(v) < 10 ? QString::number(v, 'f', 2) : QString::number(v, 'g', 3); }

}  // namespace

BarChartWidget::BarChartWidget(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);

    // Bars take the colour of a high weight in the default colormap, so the chart reads as a
    // slice of the heatmap.
    const QColor fill = QColor::fromRgb(makeGradient(Colormap::Viridis).color(0.45, QCPRange(0, 1)));
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setPen(QPen(fill.darker(140)));
    bars_->setBrush(fill);
    bars_->setWidth(0.7);
    maskedBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    maskedBars_->setPen(QPen(QColor(110, 110, 110)));
    maskedBars_->setBrush(QBrush(QColor(120, 120, 120), Qt::BDiagPattern));
    maskedBars_->setWidth(0.7);

    plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    plot_->xAxis->grid()->setVisible(false);
    plot_->xAxis->setSubTicks(false);
    plot_->xAxis->setTickLength(0, 4);
    plot_->yAxis->grid()->setSubGridVisible(false);
    plot_->yAxis->setSubTicks(false);

    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() + 1);
    title_ = new QCPTextElement(plot_, QString(), titleFont);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, title_);
    caption_ = new QCPTextElement(plot_, QString(), font());
    plot_->plotLayout()->addElement(2, 0, caption_);

    connect(plot_, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable* p, int index, QMouseEvent*) {
                if (p == bars_ || p == maskedBars_) {
                    const auto* bars = static_cast<QCPBars*>(p);
                    emit barClicked(static_cast<int>(std::lround(bars->data()->at(index)->key)));
                }
            });
    applyPlotPalette(plot_, palette());
    rebuild();
}

BarChartWidget::~BarChartWidget() = default;

void BarChartWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        applyPlotPalette(plot_, palette());
        rebuild();  // the value labels take the palette's text colour
    }
    QWidget::changeEvent(event);
}

void BarChartWidget::setData(const BarChartData& data)
{
    data_ = data;
    rebuild();
}

void BarChartWidget::setAutoscale(bool on)
{
    autoscale_ = on;
    rebuild();
}

void BarChartWidget::setFixedRange(double lower, double upper)
{
    if (!(lower < upper)) return;
    fixedLower_ = lower;
    fixedUpper_ = upper;
    rebuild();
}

QString BarChartWidget::captionText() const { return caption_->text(); }

void BarChartWidget::rebuild()
{
    const int n = static_cast<int>(data_.values.size());
    QVector<double> keys, values, maskedKeys, maskedValues;
    QVector<double> ticks;
    QVector<QString> labels;
    for (int i = 0; i < n; ++i) {
        const bool masked = i < static_cast<int>(data_.masked.size()) && data_.masked[i];
        (masked ? maskedKeys : keys).append(i);
        if (!masked) values.append(data_.values(i));
        ticks.append(i);
        labels.append(data_.labels.value(i).isEmpty() ? QString::number(i) : data_.labels.value(i));
    }
    bars_->setData(keys, values, true);
    plot_->xAxis->ticker().staticCast<QCPAxisTickerText>()->setTicks(ticks, labels);
    plot_->xAxis->setRange(-0.6, std::max(n, 1) - 0.4);
    plot_->xAxis->setTickLabelRotation(n > 12 ? 90 : 0);
    plot_->yAxis->setLabel(data_.valueName);

    double lo = fixedLower_, hi = fixedUpper_;
    if (autoscale_) {
        lo = 0;
        hi = 0;
        for (double v : values) {
            if (!std::isfinite(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        if (hi - lo < 1e-12) hi = lo + 1;
        const double pad = 0.08 * (hi - lo);
        hi += pad;
        if (lo < 0) lo -= pad;
    } else {
        hi += 0.08 * (hi - lo);  // room for the numbers above full-height bars
    }
    plot_->yAxis->setRange(lo, hi);
    // A masked key has no weight to show: a short hatched stub labelled "masked" marks it
    // without looking like a value (a full-height bar read as a large weight).
    const double stub = 0.06 * (hi - lo);
    maskedValues.fill(stub, maskedKeys.size());
    maskedBars_->setData(maskedKeys, maskedValues, true);

    // Numbers above the bars (a handful of text items; never for long rows).
    plot_->clearItems();
    if (n <= kMaxValueLabels) {
        for (int k = 0; k < keys.size(); ++k) {
            auto* t = new QCPItemText(plot_);
            t->setClipToAxisRect(false);
            t->position->setType(QCPItemPosition::ptPlotCoords);
            t->position->setCoords(keys[k], std::max(values[k], 0.0));
            t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            t->setText(barText(values[k]));
            t->setColor(palette().color(QPalette::Text));
            QFont f = font();
            f.setPointSizeF(f.pointSizeF() * 0.85);
            t->setFont(f);
            t->setPadding(QMargins(0, 0, 0, 2));
        }
    }

    for (double key : std::as_const(maskedKeys)) {
        auto* t = new QCPItemText(plot_);
        t->position->setType(QCPItemPosition::ptPlotCoords);
        t->position->setCoords(key, stub);
        t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        t->setText(tr("masked"));
        t->setColor(palette().color(QPalette::PlaceholderText));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        f.setItalic(true);
        t->setFont(f);
        t->setPadding(QMargins(0, 0, 0, 2));
    }

    title_->setText(data_.title);
    title_->setVisible(!data_.title.isEmpty());
    QStringList lines;
    if (data_.entropy)
        lines << tr("Entropy H = %1 nats").arg(QLocale::c().toString(*data_.entropy, 'f', 3));
    if (!data_.caption.isEmpty()) lines << data_.caption;
    if (!maskedKeys.isEmpty()) lines << tr("Masked keys get weight 0.");
    caption_->setText(lines.join(u'\n'));
    caption_->setVisible(!lines.isEmpty());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QPointF BarChartWidget::barTop(int i) const
{
    const double v = i < data_.values.size() ? data_.values(i) : 0.0;
    return {plot_->xAxis->coordToPixel(i), plot_->yAxis->coordToPixel(v)};
}

bool BarChartWidget::exportTo(const QString& path, QSize size, double scale, QString* error)
{
    return exportPlot(plot_, path, size, scale, error);
}

void BarChartWidget::replotNow() { plot_->replot(QCustomPlot::rpImmediateRefresh); }

}  // namespace attnviz::widgets
