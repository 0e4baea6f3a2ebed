// SPDX-License-Identifier: GPL-3.0-or-later
#include "matrix_commands.hpp"

namespace attnviz::widgets::detail {

MatrixCommand::MatrixCommand(MatrixTableModel* model, const QString& text) : model_(model)
{
    setText(text);
}

CellCommand::CellCommand(MatrixTableModel* model, int row, int col, double before, double after,
                         const QString& text)
    : MatrixCommand(model, text), row_(row), col_(col), before_(before), after_(after)
{
}

void CellCommand::redo()
{
    if (auto* m = model()) applyCell(m, row_, col_, after_);
}

void CellCommand::undo()
{
    if (auto* m = model()) applyCell(m, row_, col_, before_);
}

ContentsCommand::ContentsCommand(MatrixTableModel* model, Contents before, Contents after,
                                 const QString& text)
    : MatrixCommand(model, text), before_(std::move(before)), after_(std::move(after))
{
}

void ContentsCommand::redo()
{
    if (auto* m = model()) applyContents(m, after_);
}

void ContentsCommand::undo()
{
    if (auto* m = model()) applyContents(m, before_);
}

LabelCommand::LabelCommand(MatrixTableModel* model, Qt::Orientation o, int section,
                           QString before, QString after, const QString& text)
    : MatrixCommand(model, text),
      orientation_(o),
      section_(section),
      before_(std::move(before)),
      after_(std::move(after))
{
}

void LabelCommand::redo()
{
    if (auto* m = model()) applyLabel(m, orientation_, section_, after_);
}

void LabelCommand::undo()
{
    if (auto* m = model()) applyLabel(m, orientation_, section_, before_);
}

SectionsCommand::SectionsCommand(MatrixTableModel* model, bool insert, Qt::Orientation o, int pos,
                                 Matrix block, QStringList labels, const QString& text)
    : MatrixCommand(model, text),
      insert_(insert),
      orientation_(o),
      pos_(pos),
      block_(std::move(block)),
      labels_(std::move(labels))
{
}

void SectionsCommand::insert()
{
    if (auto* m = model()) applyInsert(m, orientation_, pos_, block_, labels_);
}

void SectionsCommand::remove()
{
    const int count = static_cast<int>(orientation_ == Qt::Vertical ? block_.rows() : block_.cols());
    if (auto* m = model()) applyRemove(m, orientation_, pos_, count);
}

void SectionsCommand::redo()
{
    insert_ ? insert() : remove();
}

void SectionsCommand::undo()
{
    insert_ ? remove() : insert();
}

}  // namespace attnviz::widgets::detail
