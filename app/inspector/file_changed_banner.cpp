// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/file_changed_banner.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace attnviz::inspector {

FileChangedBanner::FileChangedBanner(QWidget* parent)
    : QFrame(parent), m_text(new QLabel(this)), m_reopen(new QPushButton(tr("Reopen"), this))
{
    setObjectName(QStringLiteral("fileChangedBanner"));
    setFrameShape(QFrame::StyledPanel);
    // A red-tinted background (a warning about the data itself), dark text on it in either palette.
    setStyleSheet(QStringLiteral("#fileChangedBanner { background: #f8d7da; border: 1px solid #d08088; }"
                                 "#fileChangedBanner QLabel { color: #5c1a20; }"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reopen->setToolTip(tr("Open the file again as it is now on disk"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_reopen);
    connect(m_reopen, &QPushButton::clicked, this, &FileChangedBanner::reopenRequested);
    hide();
}

void FileChangedBanner::setMessage(const QString& message)
{
    m_text->setText(message);
    setVisible(!message.isEmpty());
}

QString FileChangedBanner::text() const { return m_text->text(); }

}  // namespace attnviz::inspector
