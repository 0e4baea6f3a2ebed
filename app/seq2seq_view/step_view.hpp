// SPDX-License-Identifier: GPL-3.0-or-later
// One decoder step of a translation, shown five ways: lines from the emitted token to the
// source tokens, the editable attention row (WhatIfPanel), the context vector, the five most
// probable next tokens, and the whole target × source alignment with this step's row outlined.
// It shows a Translation it is given; it decodes nothing.
#pragma once

#include "attnviz/core/seq2seq/decode.hpp"

#include <QWidget>

class QTableWidget;

namespace attnviz::widgets {
class AlignmentLinesWidget;
class HeatmapWidget;
class VectorStripWidget;
}  // namespace attnviz::widgets

namespace attnviz::seq2seq_view {

class WhatIfPanel;

class StepView : public QWidget {
    Q_OBJECT

public:
    explicit StepView(QWidget* parent = nullptr);

    // A new (or re-decoded) translation; shows step `step` (clamped).
    void setTranslation(const seq2seq::Translation& t, int step);
    void clear();
    void setStep(int step);
    int step() const { return step_; }

    widgets::AlignmentLinesWidget* lines() const { return lines_; }
    WhatIfPanel* whatIf() const { return whatIf_; }
    widgets::VectorStripWidget* context() const { return context_; }
    QTableWidget* topTable() const { return top_; }
    widgets::HeatmapWidget* heatmap() const { return heatmap_; }

private:
    seq2seq::Translation t_;
    int step_ = -1;
    widgets::AlignmentLinesWidget* lines_;
    WhatIfPanel* whatIf_;
    widgets::VectorStripWidget* context_;
    QTableWidget* top_;
    widgets::HeatmapWidget* heatmap_;
};

}  // namespace attnviz::seq2seq_view
