// SPDX-License-Identifier: GPL-3.0-or-later
// A toolbar and a table over a MatrixTableModel: the editor of Q, K, V and learned weights.
#pragma once

#include <QPointer>
#include <QWidget>

#include <cstdint>

class QAction;
class QHBoxLayout;
class QLabel;
class QTableView;
class QToolBar;

namespace attnviz::widgets {

class MatrixTableModel;

namespace detail {
class MatrixTableView;
}

// Every control has a tooltip; the table is keyboard-navigable (arrows, Tab, F2 or typing to
// edit, Enter to commit). With the table focused: Ctrl+C copies the selection as TSV, Ctrl+V
// pastes at the current cell (growing the matrix if needed and allowed), Delete sets the
// selected cells to 0. Double-click a row header to rename its token. All edits go through
// the model, hence its undo stack.
class MatrixEditor : public QWidget {
    Q_OBJECT

public:
    enum class Action {
        AddRow, RemoveRow, AddColumn, RemoveColumn, FillRandom, FillIdentity, SetAll,
        Copy, Paste, Import, Export,
    };

    explicit MatrixEditor(QWidget* parent = nullptr);
    ~MatrixEditor() override;

    // Not owned; nullptr detaches. Buttons follow the model's shape locks.
    void setModel(MatrixTableModel* model);
    MatrixTableModel* model() const;
    QTableView* view() const;
    QAction* action(Action a) const;
    // A button for a caller's action at the right end of the title row (the playground's
    // "Remove b_q" on an optional parameter): always in view, where the toolbar may hide its
    // last actions behind ». Not owned; the editor leaves its enabled state alone.
    void addTitleAction(QAction* action);

    // Shown before the shape, e.g. "Q — queries" → "Q — queries   3 × 4".
    void setTitle(const QString& title);
    QString title() const { return title_; }

    // What "Fill random" uses: the window gives each matrix its own seed (a shared seed
    // would make Q and K equal).
    void setRandomSeed(std::uint64_t seed) { seed_ = seed; }
    std::uint64_t randomSeed() const { return seed_; }
    void setRandomRange(double low, double high);

public slots:
    void addRow();       // after the current row, or at the end
    void removeRow();    // the selected rows (one undo step), or the current one
    void addColumn();
    void removeColumn();
    void fillRandom();
    void fillIdentity();
    void setAll();               // asks for the value
    void setAllTo(double value);
    void copy();                 // selection (or everything) to the clipboard as TSV
    void paste();                // clipboard text at the current cell
    void pasteText(const QString& text);
    void clearSelectedCells();   // selected cells to 0, one undo step
    void editRowLabel(int row);  // opens an in-place editor on the row header

signals:
    // The window shows a file dialog (CSV/TSV/.npy) and calls model()->replaceMatrix().
    void importRequested();
    void exportRequested();

private:
    void updateState();
    QModelIndex anchor() const;  // top-left of the selection, or the current cell

    QPointer<MatrixTableModel> model_;
    detail::MatrixTableView* view_;
    QToolBar* toolbar_;
    QLabel* titleLabel_;
    QHBoxLayout* titleRow_;
    QString title_;
    std::uint64_t seed_ = 0;
    double randomLow_ = -1.0;
    double randomHigh_ = 1.0;
    QList<QAction*> actions_;  // indexed by Action
    QList<QMetaObject::Connection> modelConnections_;
};

}  // namespace attnviz::widgets
