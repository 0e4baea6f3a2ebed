// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/form_fields.hpp"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace attnviz::shell {

QSpinBox* spinField(int lo, int hi, const QString& tip)
{
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setToolTip(tip);
    s->setAccelerated(true);
    return s;
}

QDoubleSpinBox* doubleSpinField(double lo, double hi, int decimals, double step, const QString& tip)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);  // before the value is set: QDoubleSpinBox rounds to its decimals
    s->setSingleStep(step);
    s->setToolTip(tip);
    return s;
}

QGridLayout* formGrid(QWidget* owner)
{
    auto* grid = new QGridLayout(owner);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    return grid;
}

void addFormField(QGridLayout* grid, int row, int col, const QString& label, QWidget* field)
{
    auto* l = new QLabel(label);
    l->setBuddy(field);
    l->setToolTip(field->toolTip());
    grid->addWidget(l, row, col * 2);
    grid->addWidget(field, row, col * 2 + 1);
}

QLineEdit* pathField(const QString& tip)
{
    auto* edit = new QLineEdit;
    edit->setReadOnly(true);
    edit->setPlaceholderText(QObject::tr("no file chosen"));
    edit->setToolTip(tip);
    return edit;
}

QPushButton* browseButton(const QString& tip)
{
    auto* button = new QPushButton(QObject::tr("Browse…"));
    button->setToolTip(tip);
    return button;
}

void addFileRow(QGridLayout* grid, int row, QLineEdit* path, QPushButton* browse)
{
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(path, 1);
    fileRow->addWidget(browse);
    grid->addWidget(new QLabel(QObject::tr("File")), row, 0);
    grid->addLayout(fileRow, row, 1, 1, 3);
}

}  // namespace attnviz::shell
