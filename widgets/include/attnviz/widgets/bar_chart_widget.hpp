// SPDX-License-Identifier: GPL-3.0-or-later
// One row of weights as labelled bars: the focused query's attention over the keys, or the
// feed-forward variant's 1 × n weights. It draws what it is given.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

class QCustomPlot;
class QCPBars;
class QCPTextElement;

namespace attnviz::widgets {

struct BarChartData {
    RowVector values;          // one bar each
    QStringList labels;        // under the bars; missing → "0", "1", …
    std::vector<bool> masked;  // empty, or one per bar: masked bars are drawn hatched, value 0
    QString title;             // e.g. "Query “it”: weights over the keys"
    QString valueName = QStringLiteral("weight");  // the value axis label
    std::optional<double> entropy;  // shown as "Entropy H = 1.234 nats" when set
    QString caption;                // a further line under the chart, e.g. what the bars mean
};

// Values on a fixed [0, 1] axis by default (weights); with autoscale the axis spans 0 and
// the values. Numbers are printed above the bars while they fit.
class BarChartWidget : public QWidget {
    Q_OBJECT

public:
    explicit BarChartWidget(QWidget* parent = nullptr);
    ~BarChartWidget() override;

    void setData(const BarChartData& data);
    const BarChartData& data() const { return data_; }
    void setAutoscale(bool on);
    bool autoscale() const { return autoscale_; }
    void setFixedRange(double lower, double upper);

    // The caption text under the chart (entropy line and caption), as drawn.
    QString captionText() const;
    // Centre of bar `i`'s top in plot() coordinates (after a replot).
    QPointF barTop(int i) const;

    bool exportTo(const QString& path, QSize size, double scale = 1.0, QString* error = nullptr);
    void replotNow();
    QCustomPlot* plot() const { return plot_; }

    QSize sizeHint() const override { return {480, 300}; }
    QSize minimumSizeHint() const override { return {200, 150}; }

signals:
    void barClicked(int index);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();

    BarChartData data_;
    bool autoscale_ = false;
    double fixedLower_ = 0.0;
    double fixedUpper_ = 1.0;

    QCustomPlot* plot_;
    QCPBars* bars_;
    QCPBars* maskedBars_;
    QCPTextElement* title_;
    QCPTextElement* caption_;
};

}  // namespace attnviz::widgets
