// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/scores_banner.hpp"

#include "attnviz/core/inspect/attention_stack.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace attnviz::inspector {

ScoresBanner::ScoresBanner(QWidget* parent)
    : QFrame(parent), m_text(new QLabel(this)), m_apply(new QPushButton(tr("Apply softmax"), this))
{
    setObjectName(QStringLiteral("scoresBanner"));
    setFrameShape(QFrame::StyledPanel);
    // A warm background that reads on light and dark palettes alike, with dark text on it.
    setStyleSheet(QStringLiteral("#scoresBanner { background: #fff3cd; border: 1px solid #e0c060; }"
                                 "#scoresBanner QLabel { color: #5a4300; }"));
    m_text->setWordWrap(true);
    m_text->setToolTip(tr("Attention weights sum to 1 over the keys; these rows do not"));
    m_apply->setToolTip(tr("Treat the values as raw scores and reopen the file with a softmax over each row"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_apply);
    connect(m_apply, &QPushButton::clicked, this, &ScoresBanner::applySoftmaxRequested);
    hide();
}

void ScoresBanner::setReport(const inspect::RowSumReport& report, bool softmaxApplied)
{
    if (report.all_rows_sum_to_one()) {
        hide();
        return;
    }
    const QString counts = tr("%1 of %2 rows do not sum to 1 (±%3)")
                               .arg(report.rows_off).arg(report.rows_checked).arg(report.tolerance);
    m_text->setText(softmaxApplied ? tr("%1 after softmax: fully masked rows are all zeros.").arg(counts)
                                   : tr("%1: these look like raw scores, not weights.").arg(counts));
    m_apply->setVisible(!softmaxApplied);
    show();
}

QString ScoresBanner::text() const { return m_text->text(); }

}  // namespace attnviz::inspector
