// SPDX-License-Identifier: GPL-3.0-or-later
// The undo commands of MatrixTableModel. Each stores exactly what it needs to restore the
// previous state bit for bit (values are copied, never recomputed).
#pragma once

#include "attnviz/widgets/matrix_table_model.hpp"

#include <QPointer>
#include <QUndoCommand>

namespace attnviz::widgets::detail {

// Base: reaches the model's private apply* primitives and does nothing once the model is
// gone (a stack may outlive an editor).
class MatrixCommand : public QUndoCommand {
public:
    MatrixCommand(MatrixTableModel* model, const QString& text);

protected:
    using Contents = MatrixTableModel::Contents;
    MatrixTableModel* model() const { return model_.data(); }
    static void applyCell(MatrixTableModel* m, int r, int c, double v) { m->applyCell(r, c, v); }
    static void applyContents(MatrixTableModel* m, const Contents& c) { m->applyContents(c); }
    static void applyLabel(MatrixTableModel* m, Qt::Orientation o, int s, const QString& l)
    {
        m->applyLabel(o, s, l);
    }
    static void applyInsert(MatrixTableModel* m, Qt::Orientation o, int pos, const Matrix& block,
                            const QStringList& labels)
    {
        m->applyInsert(o, pos, block, labels);
    }
    static void applyRemove(MatrixTableModel* m, Qt::Orientation o, int pos, int count)
    {
        m->applyRemove(o, pos, count);
    }

private:
    QPointer<MatrixTableModel> model_;
};

class CellCommand final : public MatrixCommand {
public:
    CellCommand(MatrixTableModel* model, int row, int col, double before, double after,
                const QString& text);
    void redo() override;
    void undo() override;

private:
    int row_, col_;
    double before_, after_;
};

// Whole-matrix edits: set all, fill, paste, replace. Snapshots are simple and exact; the
// matrices edited here are small (a 512 × 64 snapshot is 256 KiB).
class ContentsCommand final : public MatrixCommand {
public:
    ContentsCommand(MatrixTableModel* model, Contents before, Contents after, const QString& text);
    void redo() override;
    void undo() override;

private:
    Contents before_, after_;
};

class LabelCommand final : public MatrixCommand {
public:
    LabelCommand(MatrixTableModel* model, Qt::Orientation o, int section, QString before,
                 QString after, const QString& text);
    void redo() override;
    void undo() override;

private:
    Qt::Orientation orientation_;
    int section_;
    QString before_, after_;
};

// Inserting rows/columns, or (with `insert` false) removing them: the removed block and its
// labels are what gets inserted back on undo.
class SectionsCommand final : public MatrixCommand {
public:
    SectionsCommand(MatrixTableModel* model, bool insert, Qt::Orientation o, int pos,
                    Matrix block, QStringList labels, const QString& text);
    void redo() override;
    void undo() override;

private:
    void insert();
    void remove();

    bool insert_;
    Qt::Orientation orientation_;
    int pos_;
    Matrix block_;
    QStringList labels_;
};

}  // namespace attnviz::widgets::detail
