// SPDX-License-Identifier: GPL-3.0-or-later
// A vector (the attention's context vector, H values) as one strip of coloured cells on a
// diverging blue–white–red scale symmetric about 0, with the range printed beside it.
// QPainter only; it draws what it is given.
#pragma once

#include <QWidget>

#include <vector>

namespace attnviz::widgets {

class VectorStripWidget : public QWidget {
    Q_OBJECT

public:
    explicit VectorStripWidget(QWidget* parent = nullptr);

    void setValues(const std::vector<double>& values, const QString& caption = {});
    const std::vector<double>& values() const { return values_; }

    QSize sizeHint() const override { return {480, 52}; }
    QSize minimumSizeHint() const override { return {160, 44}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<double> values_;
    QString caption_;
};

}  // namespace attnviz::widgets
