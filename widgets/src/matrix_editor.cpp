// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/matrix_editor.hpp"

#include "attnviz/widgets/matrix_table_model.hpp"
#include "matrix_table_view.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace attnviz::widgets {

namespace {

// Commits on Enter or focus loss, cancels on Escape: the usual in-place editor contract.
class HeaderLabelEditor final : public QLineEdit {
public:
    HeaderLabelEditor(QWidget* parent, std::function<void(const QString&)> commit)
        : QLineEdit(parent), commit_(std::move(commit))
    {
        connect(this, &QLineEdit::editingFinished, this, [this] { finish(true); });
    }

protected:
    void keyPressEvent(QKeyEvent* e) override
    {
        if (e->key() == Qt::Key_Escape) {
            finish(false);
            return;
        }
        QLineEdit::keyPressEvent(e);
    }

private:
    void finish(bool commit)
    {
        if (done_) return;
        done_ = true;
        if (commit) commit_(text());
        hide();
        deleteLater();
    }

    std::function<void(const QString&)> commit_;
    bool done_ = false;
};

}  // namespace

MatrixEditor::MatrixEditor(QWidget* parent)
    : QWidget(parent),
      view_(new detail::MatrixTableView(this)),
      toolbar_(new QToolBar(this)),
      titleLabel_(new QLabel(this)),
      titleRow_(new QHBoxLayout)
{
    struct Spec {
        Action id;
        QString text;
        QString tip;
        void (MatrixEditor::*slot)();
    };
    const Spec specs[] = {
        {Action::AddRow, tr("+ Row"), tr("Insert a row (token) of zeros after the current row"), &MatrixEditor::addRow},
        {Action::RemoveRow, tr("− Row"), tr("Remove the selected rows"), &MatrixEditor::removeRow},
        {Action::AddColumn, tr("+ Col"), tr("Insert a column of zeros after the current column"), &MatrixEditor::addColumn},
        {Action::RemoveColumn, tr("− Col"), tr("Remove the selected columns"), &MatrixEditor::removeColumn},
        {Action::FillRandom, tr("Random"), tr("Fill with seeded uniform random numbers"), &MatrixEditor::fillRandom},
        {Action::FillIdentity, tr("Identity"), tr("Fill with the identity: ones on the diagonal, zeros elsewhere"), &MatrixEditor::fillIdentity},
        {Action::SetAll, tr("Set all…"), tr("Set every entry to one value"), &MatrixEditor::setAll},
        {Action::Copy, tr("Copy"), tr("Copy the selection (or the whole matrix) as tab-separated text (Ctrl+C)"), &MatrixEditor::copy},
        {Action::Paste, tr("Paste"), tr("Paste a block at the current cell: tab- or comma-separated, or as printed by numpy (Ctrl+V). The matrix grows to fit."), &MatrixEditor::paste},
        {Action::Import, tr("Import…"), tr("Replace the matrix with one read from a CSV, TSV or .npy file"), nullptr},
        {Action::Export, tr("Export…"), tr("Save the matrix as a CSV file"), nullptr},
    };
    for (const Spec& s : specs) {
        auto* a = new QAction(s.text, this);
        a->setToolTip(s.tip);
        a->setStatusTip(s.tip);
        if (s.slot) connect(a, &QAction::triggered, this, s.slot);
        actions_.append(a);
        toolbar_->addAction(a);
        if (s.id == Action::RemoveColumn || s.id == Action::SetAll || s.id == Action::Paste)
            toolbar_->addSeparator();
    }
    connect(action(Action::Import), &QAction::triggered, this, &MatrixEditor::importRequested);
    connect(action(Action::Export), &QAction::triggered, this, &MatrixEditor::exportRequested);
    action(Action::Copy)->setShortcut(QKeySequence::Copy);  // shown in menus; the view handles the key
    action(Action::Paste)->setShortcut(QKeySequence::Paste);
    for (QAction* a : {action(Action::Copy), action(Action::Paste)})
        a->setShortcutContext(Qt::WidgetShortcut);  // never ambiguous with the window's Edit menu

    toolbar_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar_->setIconSize(QSize(16, 16));
    toolbar_->setFocusPolicy(Qt::NoFocus);
    titleLabel_->setTextFormat(Qt::RichText);
    titleLabel_->setToolTip(tr("The matrix being edited and its shape (rows × columns)"));
    view_->setToolTip(tr("Type to edit a cell; F2 edits in place, Enter commits, Escape cancels. "
                         "Double-click a row header to rename its token."));
    view_->verticalHeader()->setToolTip(tr("Token labels: double-click to rename"));
    view_->verticalHeader()->setSectionsClickable(true);

    titleRow_->setContentsMargins(0, 0, 0, 0);
    // The label takes the free width, so a longer text ("(shape fixed)") shows at once.
    titleRow_->addWidget(titleLabel_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(titleRow_);
    layout->addWidget(toolbar_);
    layout->addWidget(view_, 1);
    setFocusProxy(view_);

    connect(view_, &detail::MatrixTableView::copyRequested, this, &MatrixEditor::copy);
    connect(view_, &detail::MatrixTableView::pasteRequested, this, &MatrixEditor::paste);
    connect(view_, &detail::MatrixTableView::clearRequested, this, &MatrixEditor::clearSelectedCells);
    connect(view_->verticalHeader(), &QHeaderView::sectionDoubleClicked, this, &MatrixEditor::editRowLabel);
    updateState();
}

MatrixEditor::~MatrixEditor() = default;

QAction* MatrixEditor::action(Action a) const { return actions_.value(static_cast<int>(a)); }
MatrixTableModel* MatrixEditor::model() const { return model_.data(); }
QTableView* MatrixEditor::view() const { return view_; }

void MatrixEditor::addTitleAction(QAction* action)
{
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);  // text, tooltip and enabled state follow the action
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    titleRow_->addWidget(button);
}

void MatrixEditor::setModel(MatrixTableModel* model)
{
    for (const auto& c : modelConnections_) disconnect(c);
    modelConnections_.clear();
    model_ = model;
    view_->setModel(model);
    if (model) {
        modelConnections_ << connect(model, &MatrixTableModel::matrixChanged, this, &MatrixEditor::updateState)
                          << connect(model, &MatrixTableModel::lockChanged, this, &MatrixEditor::updateState);
    }
    updateState();
}

void MatrixEditor::setTitle(const QString& title)
{
    title_ = title;
    updateState();
}

void MatrixEditor::setRandomRange(double low, double high)
{
    if (low < high) {
        randomLow_ = low;
        randomHigh_ = high;
    }
}

void MatrixEditor::updateState()
{
    MatrixTableModel* m = model_.data();
    const bool has = m != nullptr;
    for (QAction* a : std::as_const(actions_)) a->setEnabled(has);
    if (has) {
        action(Action::AddRow)->setEnabled(!m->rowsLocked());
        action(Action::RemoveRow)->setEnabled(!m->rowsLocked() && m->rowCount() > 1);
        action(Action::AddColumn)->setEnabled(!m->columnsLocked());
        action(Action::RemoveColumn)->setEnabled(!m->columnsLocked() && m->columnCount() > 1);
        const QString lockTip = tr("The shape of %1 is set by the model's sizes").arg(m->name());
        for (Action a : {Action::AddRow, Action::RemoveRow, Action::AddColumn, Action::RemoveColumn})
            if (!action(a)->isEnabled() && (m->rowsLocked() || m->columnsLocked())) action(a)->setToolTip(lockTip);
    }
    QString text = QStringLiteral("<b>%1</b>").arg((title_.isEmpty() && has ? m->name() : title_).toHtmlEscaped());
    if (has) {
        text += QStringLiteral("&nbsp;&nbsp;<span style='color:gray'>%1 × %2%3</span>")
                    .arg(m->rowCount())
                    .arg(m->columnCount())
                    .arg(m->rowsLocked() || m->columnsLocked() ? tr(" (shape fixed)") : QString());
    }
    titleLabel_->setText(text);
}

QModelIndex MatrixEditor::anchor() const
{
    if (!model_) return {};
    const QModelIndexList selected = view_->selectionModel() ? view_->selectionModel()->selectedIndexes() : QModelIndexList();
    if (!selected.isEmpty()) {
        int r = model_->rowCount(), c = model_->columnCount();
        for (const QModelIndex& i : selected) {
            r = std::min(r, i.row());
            c = std::min(c, i.column());
        }
        return model_->index(r, c);
    }
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? current : model_->index(0, 0);
}

void MatrixEditor::addRow()
{
    if (!model_) return;
    const QModelIndex cur = view_->currentIndex();
    const int at = cur.isValid() ? cur.row() + 1 : model_->rowCount();
    if (model_->insertRows(at, 1)) view_->setCurrentIndex(model_->index(at, std::max(0, cur.column())));
}

void MatrixEditor::addColumn()
{
    if (!model_) return;
    const QModelIndex cur = view_->currentIndex();
    const int at = cur.isValid() ? cur.column() + 1 : model_->columnCount();
    if (model_->insertColumns(at, 1)) view_->setCurrentIndex(model_->index(std::max(0, cur.row()), at));
}

namespace {

// Selected sections, or the current one; descending so that removing one keeps the others'
// indices valid.
std::vector<int> chosenSections(QTableView* view, bool rows)
{
    std::set<int, std::greater<>> s;
    if (view->selectionModel())
        for (const QModelIndex& i : view->selectionModel()->selectedIndexes()) s.insert(rows ? i.row() : i.column());
    if (s.empty() && view->currentIndex().isValid())
        s.insert(rows ? view->currentIndex().row() : view->currentIndex().column());
    return {s.begin(), s.end()};
}

}  // namespace

void MatrixEditor::removeRow()
{
    if (!model_) return;
    std::vector<int> rows = chosenSections(view_, true);
    if (rows.empty()) rows.push_back(model_->rowCount() - 1);
    QUndoStack* stack = model_->undoStack();
    stack->beginMacro(tr("Remove %1 row(s) from %2").arg(rows.size()).arg(model_->name()));
    for (int r : rows) model_->removeRows(r, 1);
    stack->endMacro();
}

void MatrixEditor::removeColumn()
{
    if (!model_) return;
    std::vector<int> cols = chosenSections(view_, false);
    if (cols.empty()) cols.push_back(model_->columnCount() - 1);
    QUndoStack* stack = model_->undoStack();
    stack->beginMacro(tr("Remove %1 column(s) from %2").arg(cols.size()).arg(model_->name()));
    for (int c : cols) model_->removeColumns(c, 1);
    stack->endMacro();
}

void MatrixEditor::fillRandom()
{
    if (model_) model_->fillRandom(seed_, randomLow_, randomHigh_);
}

void MatrixEditor::fillIdentity()
{
    if (model_) model_->fillIdentity();
}

void MatrixEditor::setAll()
{
    if (!model_) return;
    bool ok = false;
    const double v = QInputDialog::getDouble(this, tr("Set all of %1").arg(model_->name()), tr("Value:"),
                                             0.0, -1e12, 1e12, 6, &ok);
    if (ok) setAllTo(v);
}

void MatrixEditor::setAllTo(double value)
{
    if (model_) model_->setAll(value);
}

void MatrixEditor::copy()
{
    if (!model_) return;
    const QModelIndexList selected = view_->selectionModel() ? view_->selectionModel()->selectedIndexes() : QModelIndexList();
    QApplication::clipboard()->setText(model_->copyText(selected));
}

void MatrixEditor::paste() { pasteText(QApplication::clipboard()->text()); }

void MatrixEditor::pasteText(const QString& text)
{
    if (!model_) return;
    const QModelIndex at = anchor();
    const int row = at.isValid() ? at.row() : 0;
    const int col = at.isValid() ? at.column() : 0;
    if (model_->pasteText(row, col, text)) {
        // Show what was pasted: a growing paste resets the view, losing the current cell.
        view_->setCurrentIndex(model_->index(row, col));
    }
}

void MatrixEditor::clearSelectedCells()
{
    if (!model_ || !view_->selectionModel()) return;
    QModelIndexList cells = view_->selectionModel()->selectedIndexes();
    if (cells.isEmpty() && view_->currentIndex().isValid()) cells << view_->currentIndex();
    if (!cells.isEmpty()) model_->setCells(cells, 0.0);
}

void MatrixEditor::editRowLabel(int row)
{
    if (!model_ || row < 0 || row >= model_->rowCount()) return;
    QHeaderView* header = view_->verticalHeader();
    QPointer<MatrixTableModel> model = model_;
    auto* editor = new HeaderLabelEditor(header->viewport(), [model, row](const QString& text) {
        if (model && row < model->rowCount()) model->renameRow(row, text);
    });
    editor->setText(model_->headerData(row, Qt::Vertical).toString());
    editor->setToolTip(tr("Token label: Enter to rename, Escape to cancel"));
    editor->setGeometry(0, header->sectionViewportPosition(row), std::max(header->width(), 80), header->sectionSize(row));
    editor->selectAll();
    editor->show();
    editor->setFocus();
}

}  // namespace attnviz::widgets
