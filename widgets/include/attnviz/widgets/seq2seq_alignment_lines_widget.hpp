// SPDX-License-Identifier: GPL-3.0-or-later
// One decoder step of a Bahdanau model drawn as lines: the current target token at the top, the
// source tokens along the bottom, and a line from the target token to each source token whose
// thickness and opacity are the attention weight. QPainter only; it draws what it is given.
#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace attnviz::widgets {

struct AlignmentLinesData {
    QStringList sourceTokens;     // (n) as the model saw them
    std::vector<double> weights;  // (n) the step's attention row, in [0, 1]
    QString targetToken;          // the token emitted at this step
    QString caption;              // e.g. "step 3 of 7"
};

class AlignmentLinesWidget : public QWidget {
    Q_OBJECT

public:
    explicit AlignmentLinesWidget(QWidget* parent = nullptr);

    void setData(AlignmentLinesData data);
    const AlignmentLinesData& data() const { return data_; }
    // The pen width a weight is drawn with (0 → hairline, 1 → the thickest), for tests.
    static double lineWidth(double weight);

    QSize sizeHint() const override { return {480, 200}; }
    QSize minimumSizeHint() const override { return {240, 130}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    AlignmentLinesData data_;
};

}  // namespace attnviz::widgets
