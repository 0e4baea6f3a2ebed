// SPDX-License-Identifier: GPL-3.0-or-later
// The pieces the training settings forms (the seq2seq Train tab's and the Transformer lab's)
// build themselves from: spin boxes with a range and a tooltip, a grid of two label + field
// columns whose labels carry their field's tooltip and mnemonic, and the read-only path field
// with its Browse… button. One look for both forms; what each form asks stays in the form.
#pragma once

#include <QString>

class QDoubleSpinBox;
class QGridLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QWidget;

namespace attnviz::shell {

QSpinBox* spinField(int lo, int hi, const QString& tip);
QDoubleSpinBox* doubleSpinField(double lo, double hi, int decimals, double step, const QString& tip);

// A grid filling `owner` (no margins) with two label + field columns that share the width.
QGridLayout* formGrid(QWidget* owner);
// Column `col` (0 or 1) of `row`: the label (its buddy and tooltip are the field's), the field.
void addFormField(QGridLayout* grid, int row, int col, const QString& label, QWidget* field);

// A read-only path ("no file chosen" until Browse… fills it) and its Browse… button.
QLineEdit* pathField(const QString& tip);
QPushButton* browseButton(const QString& tip);
// Row `row`: "File", then the path across both columns with Browse… at its end.
void addFileRow(QGridLayout* grid, int row, QLineEdit* path, QPushButton* browse);

}  // namespace attnviz::shell
