// SPDX-License-Identifier: GPL-3.0-or-later
// One attention row as vertical bars over the source tokens, which the user may drag (the
// seq2seq window's "what if" editor). The widget only reports the value a bar was dragged to
// (barEdited); whoever owns the row renormalises it (core: set_row_weight) and sets it back, so
// the bars always show a row that sums to 1. QPainter only.
#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace attnviz::widgets {

class AttentionRowEditor : public QWidget {
    Q_OBJECT

public:
    explicit AttentionRowEditor(QWidget* parent = nullptr);

    // labels (n), values (n) in [0, 1].
    void setRow(const QStringList& labels, const std::vector<double>& values);
    const std::vector<double>& values() const { return values_; }
    const QStringList& labels() const { return labels_; }
    // Dragging on (default) or off (a read-only view of the row).
    void setEditable(bool on);
    bool isEditable() const { return editable_; }
    // Bars from `first` on are fixed (a causal model's keys past the query, issue 13): drawn
    // hatched, never dragged. -1 (the default): none.
    void setFixedFrom(int first);
    int fixedFrom() const { return fixedFrom_; }

    // Geometry, for tests that drag with QTest: the bar area of bar i and the value a y
    // coordinate maps to.
    QRectF barSlot(int i) const;
    double valueAt(double y) const;

    QSize sizeHint() const override { return {480, 180}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

signals:
    // While dragging (and on release): bar `index` set to `value` in [0, 1].
    void barEdited(int index, double value);
    void dragFinished();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRectF plotArea() const;
    int barAt(double x) const;

    QStringList labels_;
    std::vector<double> values_;
    bool editable_ = true;
    int dragging_ = -1;
    int fixedFrom_ = -1;
};

}  // namespace attnviz::widgets
