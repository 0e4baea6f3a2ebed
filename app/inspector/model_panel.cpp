// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/model_panel.hpp"

#include "inspector/inspector_loader.hpp"

#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace attnviz::inspector {

ModelPanel::ModelPanel(QWidget* parent)
    : QWidget(parent), m_caption(new QLabel(this)), m_scroll(new QScrollArea(this)),
      m_grid(new widgets::ThumbnailGridWidget)
{
    setObjectName(QStringLiteral("model"));
    m_caption->setToolTip(tr("Each thumbnail is coloured on its own scale, from 0 to its largest weight"));
    m_caption->setWordWrap(true);
    m_scroll->setWidget(m_grid);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_grid->setToolTip(tr("Every head of every layer; click one to study it"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_caption);
    layout->addWidget(m_scroll, 1);
    connect(m_grid, &widgets::ThumbnailGridWidget::headClicked, this, &ModelPanel::headClicked);
    setFile(nullptr);
}

void ModelPanel::setFile(const std::shared_ptr<const LoadedFile>& file)
{
    if (!file) {
        m_grid->clear();
        m_caption->setText(tr("No file open."));
        return;
    }
    const auto& s = *file->stack;
    m_grid->setThumbnails(static_cast<int>(s.layers()), static_cast<int>(s.heads()), file->thumbnails);
    m_caption->setText(tr("Layers × heads: %1 × %2, each %3 queries × %4 keys. Each thumbnail is scaled from 0 "
                          "to its own largest weight; click one to open it in the heatmap.")
                           .arg(s.layers()).arg(s.heads()).arg(s.query_count()).arg(s.key_count()));
}

}  // namespace attnviz::inspector
