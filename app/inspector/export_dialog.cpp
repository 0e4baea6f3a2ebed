// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/export_dialog.hpp"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace attnviz::inspector {

ExportDialog::ExportDialog(const QString& suggestedPath, QSize suggestedSize, QWidget* parent)
    : QDialog(parent), m_path(new QLineEdit(suggestedPath, this)), m_width(new QSpinBox(this)),
      m_height(new QSpinBox(this))
{
    setWindowTitle(tr("Export view"));
    m_path->setToolTip(tr("The file to write: .png, .svg or .pdf"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setToolTip(tr("Choose the file and its format"));
    for (QSpinBox* s : {m_width, m_height}) {
        s->setRange(16, 16384);
        s->setSuffix(tr(" px"));
    }
    m_width->setValue(suggestedSize.width());
    m_height->setValue(suggestedSize.height());
    m_width->setToolTip(tr("Image width in pixels (points for PDF)"));
    m_height->setToolTip(tr("Image height in pixels (points for PDF)"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto* form = new QFormLayout(this);
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Width"), m_width);
    form->addRow(tr("Height"), m_height);
    form->addRow(buttons);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ExportDialog::path() const { return m_path->text(); }
QSize ExportDialog::imageSize() const { return {m_width->value(), m_height->value()}; }

void ExportDialog::browse()
{
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export view"), m_path->text(),
                                                        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (!chosen.isEmpty()) m_path->setText(chosen);
}

}  // namespace attnviz::inspector
