// SPDX-License-Identifier: GPL-3.0-or-later
// The head view (after bertviz): query tokens in a left column, key tokens in a right column,
// and a line from query i to key j for each chosen head, as opaque as the weight a_ij and in
// that head's colour. Hovering a token keeps only its lines.
//
// Long sequences: one text line per token (the widget grows tall and sits in a scroll area),
// weights below a threshold draw nothing, and only lines touching the exposed area are drawn,
// so 512 tokens × 12 heads stays interactive.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/widgets/inspector/view_export.hpp"

#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace attnviz::widgets {

class HeadLinesWidget : public QWidget, public ExportableView {
    Q_OBJECT

public:
    struct Head {
        int head = 0;             // its index in the layer (for labels)
        QColor colour;
        inspect::HeadView weights;  // (n_q × n_k)
    };
    enum class Side { None, Query, Key };

    explicit HeadLinesWidget(QWidget* parent = nullptr);

    // Every head must be n_q × n_k with n_q = queryTokens.size(), n_k = keyTokens.size().
    void setData(QStringList queryTokens, QStringList keyTokens, QVector<Head> heads);
    void clear() { setData({}, {}, {}); }
    int headCount() const { return static_cast<int>(m_heads.size()); }
    // Weights below this are not drawn (default 0.02).
    void setThreshold(double t);
    double threshold() const { return m_threshold; }

    // Isolate one token's lines, as hovering does; Side::None shows all.
    void setHover(Side side, int index);
    Side hoverSide() const { return m_hoverSide; }
    int hoverIndex() const { return m_hoverIndex; }
    // The token drawn under a widget pixel.
    Side tokenAt(QPoint pixel, int* index) const;
    QRect tokenRect(Side side, int index) const;
    // Lines the last paint drew (tests check that hover isolates and the threshold skips).
    int linesDrawn() const { return m_linesDrawn; }
    // The column captions, "Queries" and "Keys", and where they are drawn (bold) at the
    // widget's size: always wide enough for the whole caption.
    static QString caption(Side side);
    QFont captionFont() const;
    QRect captionRect(Side side) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    void paintExport(QPainter& painter, QSize size) const override;

    static QColor headColour(int head);  // a qualitative palette, repeating after 12

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new font re-measures the columns

private:
    void updateColumnWidth();
    struct Geometry {
        double rowHeight, top;
        int columnWidth;
        int left, width;  // the drawing's left edge and width (centred, lines at most kMaxLineSpan long)
    };
    Geometry geometryFor(QSize size) const;
    QRect captionRect(Side side, const Geometry& g) const;
    int paintAll(QPainter& painter, QSize size, QRect exposed) const;

    QStringList m_queries, m_keys;
    QVector<Head> m_heads;
    double m_threshold = 0.02;
    Side m_hoverSide = Side::None;
    int m_hoverIndex = -1;
    int m_linesDrawn = 0;
    int m_columnWidth = 60;
};

}  // namespace attnviz::widgets
