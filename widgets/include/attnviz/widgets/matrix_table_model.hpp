// SPDX-License-Identifier: GPL-3.0-or-later
// An editable table over one attnviz::Matrix (row = token), every edit an undoable command.
#pragma once

#include "attnviz/core/tensor.hpp"

#include <QAbstractTableModel>
#include <QPointer>
#include <QStringList>
#include <QUndoStack>  // complete type for QPointer<QUndoStack>

#include <cstdint>

namespace attnviz::widgets {

namespace detail {
class MatrixCommand;
}

// Rows are labelled with token labels (vertical header, editable); columns with custom names
// or "0, 1, …". A label left empty shows its index, so inserting a row never leaves stale
// numbers behind.
//
// Every change made through this class is one QUndoCommand on the stack given to the
// constructor (cell edit, set-all, fill, insert/remove, paste, label rename, replace), and
// matrixChanged() is emitted after it is applied, undone or redone. Refused edits return false
// and emit inputRejected() with a sentence for the status bar; the matrix is then unchanged.
// resetContents() alone bypasses the stack: it is for loading a session or preset, after
// which the caller clears the stack (the model cannot, as one stack may serve many models).
class MatrixTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // `undoStack` is not owned and must outlive the model's use of it.
    explicit MatrixTableModel(QUndoStack* undoStack, QObject* parent = nullptr);
    ~MatrixTableModel() override;

    // Shown in undo texts and messages: "Edit Q[1, 2]", "Q's row count is fixed".
    void setName(const QString& name) { name_ = name; }
    QString name() const { return name_; }

    QUndoStack* undoStack() const { return undoStack_; }
    const Matrix& matrix() const { return matrix_; }
    // Effective labels, defaults ("0", "1", …) filled in; sizes equal rows()/cols().
    QStringList rowLabels() const;
    QStringList columnLabels() const;

    // Loading: replaces everything without an undo step. Labels may be empty (defaults) or
    // shorter than the matrix (the rest default).
    void resetContents(const Matrix& m, const QStringList& rowLabels = {},
                       const QStringList& columnLabels = {});

    // Shape constraints for matrices whose shape the variant dictates (W_q is h × d_q): a
    // locked dimension refuses insert/remove, growing pastes and shape-changing replaces.
    void setRowsLocked(bool locked);
    void setColumnsLocked(bool locked);
    bool rowsLocked() const { return rowsLocked_; }
    bool columnsLocked() const { return columnsLocked_; }

    // Digits shown in the table (the edit field always shows the exact value).
    void setDisplayPrecision(int significantDigits);

    // ---- undoable edits: each is one command; false (and inputRejected) when refused --------
    bool setValue(int row, int col, double value);
    bool setAll(double value);
    // Uniform in [low, high) from attnviz::Rng(seed), filled row by row, so a seed means the
    // same numbers on every platform.
    bool fillRandom(std::uint64_t seed, double low = -1.0, double high = 1.0);
    // Ones on the main diagonal, zeros elsewhere (rectangular matrices too).
    bool fillIdentity();
    // Sets the given cells to `value` in one command (Delete key on a selection).
    bool setCells(const QModelIndexList& cells, double value);
    // Writes `block` with its top-left at (row, col). A block reaching past the last row or
    // column grows the matrix (new cells 0, new rows with default labels) unless that
    // dimension is locked, in which case nothing is pasted: silently dropping part of what
    // the user copied would be worse than saying no.
    bool pasteBlock(int row, int col, const Matrix& block);
    // parseMatrixText + pasteBlock; a parse error is reported through inputRejected.
    bool pasteText(int row, int col, const QString& text);
    // Replaces the whole matrix (import from a file): one command. Labels kept where rows remain.
    bool replaceMatrix(const Matrix& m, const QString& actionText = QString());
    bool renameRow(int row, const QString& label);
    bool renameColumn(int col, const QString& label);

    // TSV of the bounding box of `cells` (all of the matrix when empty), for the clipboard.
    QString copyText(const QModelIndexList& cells = {}) const;

    // ---- QAbstractItemModel -----------------------------------------------------------------
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool setHeaderData(int section, Qt::Orientation orientation, const QVariant& value,
                       int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    // Undoable; new cells are 0.
    bool insertRows(int row, int count, const QModelIndex& parent = QModelIndex()) override;
    bool removeRows(int row, int count, const QModelIndex& parent = QModelIndex()) override;
    bool insertColumns(int column, int count, const QModelIndex& parent = QModelIndex()) override;
    bool removeColumns(int column, int count, const QModelIndex& parent = QModelIndex()) override;

signals:
    // After any change to values, shape or labels (including undo and redo).
    void matrixChanged();
    // After a row or column label changed (also covered by matrixChanged).
    void labelsChanged();
    void lockChanged();
    // A refused edit, as a sentence for the status bar.
    void inputRejected(const QString& message);

private:
    friend class detail::MatrixCommand;

    // Everything a whole-matrix command saves and restores.
    struct Contents {
        Matrix matrix;
        QStringList rowLabels;  // raw: empty strings mean "show the index"
        QStringList columnLabels;
    };

    // Primitives applied by the undo commands; they emit the model's signals.
    Contents contents() const { return {matrix_, rowLabels_, columnLabels_}; }
    void applyCell(int row, int col, double value);
    void applyContents(const Contents& c);
    void applyLabel(Qt::Orientation o, int section, const QString& label);
    void applyInsert(Qt::Orientation o, int pos, const Matrix& block, const QStringList& labels);
    void applyRemove(Qt::Orientation o, int pos, int count);

    bool reject(const QString& message);
    bool pushContents(Contents after, const QString& text);
    bool insertSections(Qt::Orientation o, int pos, int count);
    bool removeSections(Qt::Orientation o, int pos, int count);
    QString cellName(int row, int col) const;
    QString displayName() const;

    QPointer<QUndoStack> undoStack_;
    QString name_;
    Matrix matrix_;
    QStringList rowLabels_;
    QStringList columnLabels_;
    bool rowsLocked_ = false;
    bool columnsLocked_ = false;
    int displayPrecision_ = 4;
};

}  // namespace attnviz::widgets
