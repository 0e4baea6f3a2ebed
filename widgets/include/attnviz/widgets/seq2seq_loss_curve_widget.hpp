// SPDX-License-Identifier: GPL-3.0-or-later
// The training loss per epoch as a live line plot (QCustomPlot). It draws the points it is
// given; the trainer computes them.
#pragma once

#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace attnviz::widgets {

class LossCurveWidget : public QWidget {
    Q_OBJECT

public:
    explicit LossCurveWidget(QWidget* parent = nullptr);
    ~LossCurveWidget() override;

    // Appends (epoch, loss) and rescales; `totalEpochs` fixes the x range so the curve grows
    // from the left instead of stretching.
    void addPoint(int epoch, double loss);
    void setTotalEpochs(int epochs);
    void clear();
    int pointCount() const;
    // Lays out and draws now (tests, screenshots).
    void replotNow();
    QCustomPlot* plot() const { return plot_; }

    QSize sizeHint() const override { return {420, 220}; }
    QSize minimumSizeHint() const override { return {220, 140}; }

protected:
    void changeEvent(QEvent* event) override;

private:
    QCustomPlot* plot_;
    QCPGraph* graph_;
    int totalEpochs_ = 1;
    double maxLoss_ = 0.0;
};

}  // namespace attnviz::widgets
