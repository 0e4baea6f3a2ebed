// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/head_view_panel.hpp"

#include "inspector/inspector_loader.hpp"

#include "attnviz/widgets/inspector/head_lines_widget.hpp"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace attnviz::inspector {

namespace {

QIcon swatch(const QColor& c)
{
    QPixmap p(12, 12);
    p.fill(c);
    return QIcon(p);
}

}  // namespace

HeadViewPanel::HeadViewPanel(QWidget* parent)
    : QWidget(parent), m_layer(new QSpinBox(this)), m_heads(new QListWidget(this)),
      m_threshold(new QDoubleSpinBox(this)), m_scroll(new QScrollArea(this)), m_lines(new widgets::HeadLinesWidget)
{
    setObjectName(QStringLiteral("head"));
    m_layer->setToolTip(tr("The layer whose heads are drawn"));
    m_heads->setToolTip(tr("Tick the heads to draw; each has its own colour"));
    m_heads->setMaximumWidth(120);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setDecimals(3);
    m_threshold->setSingleStep(0.01);
    m_threshold->setValue(m_lines->threshold());
    m_threshold->setToolTip(tr("Weights below this draw no line (keeps long sequences readable)"));
    m_scroll->setWidget(m_lines);
    m_scroll->setWidgetResizable(true);
    m_scroll->setToolTip(m_lines->toolTip());

    auto* side = new QFormLayout;
    side->addRow(tr("Layer"), m_layer);
    side->addRow(tr("Min weight"), m_threshold);
    auto* sideBox = new QVBoxLayout;
    sideBox->addLayout(side);
    sideBox->addWidget(new QLabel(tr("Heads"), this));
    sideBox->addWidget(m_heads, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(sideBox);
    layout->addWidget(m_scroll, 1);

    connect(m_layer, &QSpinBox::valueChanged, this, [this] { refresh(); });
    connect(m_heads, &QListWidget::itemChanged, this, [this] { refresh(); });
    connect(m_threshold, &QDoubleSpinBox::valueChanged, m_lines, &widgets::HeadLinesWidget::setThreshold);
    setFile(nullptr);
}

void HeadViewPanel::setFile(std::shared_ptr<const LoadedFile> file)
{
    m_file = std::move(file);
    m_updating = true;
    m_heads->clear();
    const int heads = m_file ? static_cast<int>(m_file->stack->heads()) : 0;
    m_layer->setRange(0, m_file ? static_cast<int>(m_file->stack->layers()) - 1 : 0);
    for (int h = 0; h < heads; ++h) {
        auto* item = new QListWidgetItem(swatch(widgets::HeadLinesWidget::headColour(h)), tr("Head %1").arg(h), m_heads);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        // A few heads to start with: all of them at once is a tangle on long sequences.
        item->setCheckState(h < 3 ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(tr("Draw head %1's lines in this colour").arg(h));
    }
    m_updating = false;
    setEnabled(m_file != nullptr);
    refresh();
}

void HeadViewPanel::setLayer(int layer) { m_layer->setValue(layer); }
int HeadViewPanel::layer() const { return m_layer->value(); }

void HeadViewPanel::setHeadsShown(const QList<int>& heads)
{
    m_updating = true;
    for (int h = 0; h < m_heads->count(); ++h) m_heads->item(h)->setCheckState(heads.contains(h) ? Qt::Checked : Qt::Unchecked);
    m_updating = false;
    refresh();
}

QList<int> HeadViewPanel::headsShown() const
{
    QList<int> out;
    for (int h = 0; h < m_heads->count(); ++h)
        if (m_heads->item(h)->checkState() == Qt::Checked) out << h;
    return out;
}

void HeadViewPanel::refresh()
{
    if (m_updating) return;
    if (!m_file) {
        m_lines->clear();
        return;
    }
    QVector<widgets::HeadLinesWidget::Head> heads;
    for (int h : headsShown())
        heads.push_back({h, widgets::HeadLinesWidget::headColour(h), m_file->stack->head(m_layer->value(), h)});
    m_lines->setData(m_file->queryTokens, m_file->keyTokens, std::move(heads));
}

}  // namespace attnviz::inspector
