// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/widgets/matrix_table_model.hpp"

#include "attnviz/core/random.hpp"
#include "attnviz/widgets/matrix_text.hpp"
#include "matrix_commands.hpp"

#include <QUndoStack>

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace attnviz::widgets {

namespace {

QStringList padded(QStringList labels, Index n)
{
    while (labels.size() < n) labels.append(QString());
    labels.resize(n);
    return labels;
}

QStringList effective(const QStringList& raw)
{
    QStringList out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i)
        out.append(raw[i].isEmpty() ? QString::number(i) : raw[i]);
    return out;
}

Matrix insertBlock(const Matrix& m, Qt::Orientation o, int pos, const Matrix& block)
{
    if (o == Qt::Vertical) {
        Matrix out(m.rows() + block.rows(), m.cols());
        out.topRows(pos) = m.topRows(pos);
        out.middleRows(pos, block.rows()) = block;
        out.bottomRows(m.rows() - pos) = m.bottomRows(m.rows() - pos);
        return out;
    }
    Matrix out(m.rows(), m.cols() + block.cols());
    out.leftCols(pos) = m.leftCols(pos);
    out.middleCols(pos, block.cols()) = block;
    out.rightCols(m.cols() - pos) = m.rightCols(m.cols() - pos);
    return out;
}

Matrix removeBlock(const Matrix& m, Qt::Orientation o, int pos, int count)
{
    if (o == Qt::Vertical) {
        Matrix out(m.rows() - count, m.cols());
        out.topRows(pos) = m.topRows(pos);
        out.bottomRows(m.rows() - pos - count) = m.bottomRows(m.rows() - pos - count);
        return out;
    }
    Matrix out(m.rows(), m.cols() - count);
    out.leftCols(pos) = m.leftCols(pos);
    out.rightCols(m.cols() - pos - count) = m.rightCols(m.cols() - pos - count);
    return out;
}

// Bit-exact comparison: an edit that stores the same double is not an edit.
bool sameBits(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::equal(a.data(), a.data() + a.size(), b.data(), [](double x, double y) {
               return std::memcmp(&x, &y, sizeof x) == 0;
           });
}

}  // namespace

MatrixTableModel::MatrixTableModel(QUndoStack* undoStack, QObject* parent)
    : QAbstractTableModel(parent), undoStack_(undoStack), name_(QStringLiteral("matrix"))
{
    Q_ASSERT(undoStack);
}

MatrixTableModel::~MatrixTableModel() = default;

QStringList MatrixTableModel::rowLabels() const { return effective(rowLabels_); }
QStringList MatrixTableModel::columnLabels() const { return effective(columnLabels_); }

void MatrixTableModel::resetContents(const Matrix& m, const QStringList& rowLabels,
                                     const QStringList& columnLabels)
{
    applyContents({m, padded(rowLabels, m.rows()), padded(columnLabels, m.cols())});
}

void MatrixTableModel::setRowsLocked(bool locked)
{
    if (rowsLocked_ == locked) return;
    rowsLocked_ = locked;
    emit lockChanged();
}

void MatrixTableModel::setColumnsLocked(bool locked)
{
    if (columnsLocked_ == locked) return;
    columnsLocked_ = locked;
    emit lockChanged();
}

void MatrixTableModel::setDisplayPrecision(int significantDigits)
{
    displayPrecision_ = std::clamp(significantDigits, 1, 17);
    if (matrix_.size() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

QString MatrixTableModel::displayName() const { return name_.isEmpty() ? tr("matrix") : name_; }

QString MatrixTableModel::cellName(int row, int col) const
{
    return QStringLiteral("%1[%2, %3]").arg(displayName()).arg(row).arg(col);
}

bool MatrixTableModel::reject(const QString& message)
{
    emit inputRejected(message);
    return false;
}

// ---- undoable edits -------------------------------------------------------------------------

bool MatrixTableModel::setValue(int row, int col, double value)
{
    if (row < 0 || col < 0 || row >= rowCount() || col >= columnCount()) return false;
    if (!std::isfinite(value))
        return reject(tr("%1: only finite numbers are allowed; the value %2 was kept.")
                          .arg(cellName(row, col), formatNumber(matrix_(row, col))));
    const double before = matrix_(row, col);
    if (std::memcmp(&before, &value, sizeof value) == 0) return true;
    undoStack_->push(new detail::CellCommand(
        this, row, col, before, value,
        tr("Edit %1 = %2").arg(cellName(row, col), formatNumber(value))));
    return true;
}

bool MatrixTableModel::pushContents(Contents after, const QString& text)
{
    const Contents before = contents();
    if (after.matrix.rows() != matrix_.rows() && rowsLocked_)
        return reject(tr("%1 must keep %2 rows: its shape is set by the model.")
                          .arg(displayName())
                          .arg(matrix_.rows()));
    if (after.matrix.cols() != matrix_.cols() && columnsLocked_)
        return reject(tr("%1 must keep %2 columns: its shape is set by the model.")
                          .arg(displayName())
                          .arg(matrix_.cols()));
    if (sameBits(before.matrix, after.matrix) && before.rowLabels == after.rowLabels &&
        before.columnLabels == after.columnLabels)
        return true;
    undoStack_->push(new detail::ContentsCommand(this, before, std::move(after), text));
    return true;
}

bool MatrixTableModel::setAll(double value)
{
    if (!std::isfinite(value))
        return reject(tr("%1: only finite numbers are allowed.").arg(displayName()));
    Contents c = contents();
    c.matrix.setConstant(value);
    return pushContents(std::move(c), tr("Set all of %1 to %2").arg(displayName(), formatNumber(value)));
}

bool MatrixTableModel::fillRandom(std::uint64_t seed, double low, double high)
{
    if (!std::isfinite(low) || !std::isfinite(high) || !(low < high))
        return reject(tr("A random fill needs a finite range with low < high."));
    Rng rng(seed);
    Contents c = contents();
    for (Index r = 0; r < c.matrix.rows(); ++r)
        for (Index col = 0; col < c.matrix.cols(); ++col) c.matrix(r, col) = rng.uniform(low, high);
    return pushContents(std::move(c), tr("Fill %1 with random numbers (seed %2)").arg(displayName()).arg(seed));
}

bool MatrixTableModel::fillIdentity()
{
    Contents c = contents();
    c.matrix.setIdentity();
    return pushContents(std::move(c), tr("Fill %1 with the identity").arg(displayName()));
}

bool MatrixTableModel::setCells(const QModelIndexList& cells, double value)
{
    if (!std::isfinite(value))
        return reject(tr("%1: only finite numbers are allowed.").arg(displayName()));
    Contents c = contents();
    for (const QModelIndex& i : cells)
        if (i.isValid() && i.model() == this) c.matrix(i.row(), i.column()) = value;
    return pushContents(std::move(c), tr("Set %1 cells of %2 to %3")
                                          .arg(cells.size())
                                          .arg(displayName(), formatNumber(value)));
}

bool MatrixTableModel::pasteBlock(int row, int col, const Matrix& block)
{
    if (block.size() == 0) return reject(tr("There is nothing to paste."));
    if (!block.allFinite()) return reject(tr("Only finite numbers can be pasted."));
    row = std::clamp(row, 0, std::max(0, rowCount() - 1));
    col = std::clamp(col, 0, std::max(0, columnCount() - 1));
    const Index rows = std::max<Index>(matrix_.rows(), row + block.rows());
    const Index cols = std::max<Index>(matrix_.cols(), col + block.cols());
    if (rows != matrix_.rows() && rowsLocked_)
        return reject(tr("Cannot paste %1 rows at row %2: %3 has exactly %4 rows, set by the model.")
                          .arg(block.rows())
                          .arg(row)
                          .arg(displayName())
                          .arg(matrix_.rows()));
    if (cols != matrix_.cols() && columnsLocked_)
        return reject(tr("Cannot paste %1 columns at column %2: %3 has exactly %4 columns, set by "
                         "the model.")
                          .arg(block.cols())
                          .arg(col)
                          .arg(displayName())
                          .arg(matrix_.cols()));
    Contents c = contents();
    c.matrix = Matrix::Zero(rows, cols);
    c.matrix.topLeftCorner(matrix_.rows(), matrix_.cols()) = matrix_;
    c.matrix.block(row, col, block.rows(), block.cols()) = block;
    c.rowLabels = padded(c.rowLabels, rows);
    c.columnLabels = padded(c.columnLabels, cols);
    return pushContents(std::move(c), tr("Paste %1×%2 into %3")
                                          .arg(block.rows())
                                          .arg(block.cols())
                                          .arg(cellName(row, col)));
}

bool MatrixTableModel::pasteText(int row, int col, const QString& text)
{
    const MatrixParseResult parsed = parseMatrixText(text);
    if (!parsed.ok()) return reject(tr("Nothing pasted into %1: %2").arg(displayName(), parsed.error));
    return pasteBlock(row, col, *parsed.matrix);
}

bool MatrixTableModel::replaceMatrix(const Matrix& m, const QString& actionText)
{
    if (m.size() == 0) return reject(tr("%1 cannot be empty.").arg(displayName()));
    if (!m.allFinite()) return reject(tr("%1 can only hold finite numbers.").arg(displayName()));
    Contents c{m, padded(rowLabels_, m.rows()), padded(columnLabels_, m.cols())};
    return pushContents(std::move(c), actionText.isEmpty() ? tr("Replace %1").arg(displayName())
                                                           : actionText);
}

bool MatrixTableModel::renameRow(int row, const QString& label)
{
    return setHeaderData(row, Qt::Vertical, label);
}

bool MatrixTableModel::renameColumn(int col, const QString& label)
{
    return setHeaderData(col, Qt::Horizontal, label);
}

QString MatrixTableModel::copyText(const QModelIndexList& cells) const
{
    if (matrix_.size() == 0) return QString();
    if (cells.isEmpty()) return matrixToTsv(matrix_);
    int top = std::numeric_limits<int>::max(), left = top, bottom = -1, right = -1;
    for (const QModelIndex& i : cells) {
        if (!i.isValid() || i.model() != this) continue;
        top = std::min(top, i.row());
        left = std::min(left, i.column());
        bottom = std::max(bottom, i.row());
        right = std::max(right, i.column());
    }
    if (bottom < 0) return QString();
    return matrixToTsv(matrix_.block(top, left, bottom - top + 1, right - left + 1));
}

// ---- QAbstractItemModel ---------------------------------------------------------------------

int MatrixTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(matrix_.rows());
}

int MatrixTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(matrix_.cols());
}

QVariant MatrixTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const double v = matrix_(index.row(), index.column());
    switch (role) {
    case Qt::DisplayRole:
        return QLocale::c().toString(v, 'g', displayPrecision_);
    case Qt::EditRole:
        return formatNumber(v);  // exact, so that opening the editor and leaving changes nothing
    case Qt::ToolTipRole:
        return tr("%1 = %2\nrow “%3”, column “%4”")
            .arg(cellName(index.row(), index.column()), formatNumber(v),
                 headerData(index.row(), Qt::Vertical).toString(),
                 headerData(index.column(), Qt::Horizontal).toString());
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

bool MatrixTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    std::optional<double> v;
    const int type = value.metaType().id();
    if (type == QMetaType::Double || type == QMetaType::Float || type == QMetaType::Int ||
        type == QMetaType::LongLong) {
        v = value.toDouble();
        if (!std::isfinite(*v)) v.reset();
    } else {
        v = parseNumber(value.toString());
    }
    if (!v) {
        QString shown = value.toString().trimmed();
        if (shown.size() > 24) shown = shown.left(21) + QStringLiteral("...");
        return reject(tr("%1: “%2” is not a finite number; the value %3 was kept.")
                          .arg(cellName(index.row(), index.column()), shown,
                               formatNumber(matrix_(index.row(), index.column()))));
    }
    return setValue(index.row(), index.column(), *v);
}

QVariant MatrixTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    const QStringList& raw = orientation == Qt::Vertical ? rowLabels_ : columnLabels_;
    if (section < 0 || section >= raw.size()) return {};
    switch (role) {
    case Qt::DisplayRole:
        return raw[section].isEmpty() ? QString::number(section) : raw[section];
    case Qt::EditRole:
        return raw[section];
    case Qt::ToolTipRole:
        return orientation == Qt::Vertical
                   ? tr("Token label of row %1. Double-click to rename.").arg(section)
                   : tr("Column %1").arg(section);
    default:
        return {};
    }
}

bool MatrixTableModel::setHeaderData(int section, Qt::Orientation orientation,
                                     const QVariant& value, int role)
{
    if (role != Qt::EditRole && role != Qt::DisplayRole) return false;
    const QStringList& raw = orientation == Qt::Vertical ? rowLabels_ : columnLabels_;
    if (section < 0 || section >= raw.size()) return false;
    QString label = value.toString().trimmed();
    // Typing the default back means "the default", so later insertions renumber it.
    if (label == QString::number(section)) label.clear();
    if (label == raw[section]) return true;
    const QString what = orientation == Qt::Vertical ? tr("row") : tr("column");
    undoStack_->push(new detail::LabelCommand(
        this, orientation, section, raw[section], label,
        tr("Rename %1 %2 of %3 to “%4”")
            .arg(what)
            .arg(section)
            .arg(displayName(), label.isEmpty() ? QString::number(section) : label)));
    return true;
}

Qt::ItemFlags MatrixTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

bool MatrixTableModel::insertSections(Qt::Orientation o, int pos, int count)
{
    const bool rows = o == Qt::Vertical;
    if (count <= 0 || pos < 0 || pos > (rows ? rowCount() : columnCount())) return false;
    if (rows ? rowsLocked_ : columnsLocked_)
        return reject(tr("%1 has a fixed number of %2, set by the model.")
                          .arg(displayName(), rows ? tr("rows") : tr("columns")));
    const Matrix block = rows ? Matrix::Zero(count, matrix_.cols()) : Matrix::Zero(matrix_.rows(), count);
    undoStack_->push(new detail::SectionsCommand(
        this, true, o, pos, block, padded({}, count),
        tr("Insert %1 %2 into %3 at %4")
            .arg(count)
            .arg(rows ? tr("row(s)") : tr("column(s)"), displayName())
            .arg(pos)));
    return true;
}

bool MatrixTableModel::removeSections(Qt::Orientation o, int pos, int count)
{
    const bool rows = o == Qt::Vertical;
    const int n = rows ? rowCount() : columnCount();
    if (count <= 0 || pos < 0 || pos + count > n) return false;
    if (rows ? rowsLocked_ : columnsLocked_)
        return reject(tr("%1 has a fixed number of %2, set by the model.")
                          .arg(displayName(), rows ? tr("rows") : tr("columns")));
    if (count == n)
        return reject(tr("%1 needs at least one %2.").arg(displayName(), rows ? tr("row") : tr("column")));
    const Matrix block = rows ? Matrix(matrix_.middleRows(pos, count)) : Matrix(matrix_.middleCols(pos, count));
    const QStringList labels = (rows ? rowLabels_ : columnLabels_).mid(pos, count);
    undoStack_->push(new detail::SectionsCommand(
        this, false, o, pos, block, labels,
        tr("Remove %1 %2 from %3 at %4")
            .arg(count)
            .arg(rows ? tr("row(s)") : tr("column(s)"), displayName())
            .arg(pos)));
    return true;
}

bool MatrixTableModel::insertRows(int row, int count, const QModelIndex& parent)
{
    return !parent.isValid() && insertSections(Qt::Vertical, row, count);
}

bool MatrixTableModel::removeRows(int row, int count, const QModelIndex& parent)
{
    return !parent.isValid() && removeSections(Qt::Vertical, row, count);
}

bool MatrixTableModel::insertColumns(int column, int count, const QModelIndex& parent)
{
    return !parent.isValid() && insertSections(Qt::Horizontal, column, count);
}

bool MatrixTableModel::removeColumns(int column, int count, const QModelIndex& parent)
{
    return !parent.isValid() && removeSections(Qt::Horizontal, column, count);
}

// ---- primitives (called by the commands) ----------------------------------------------------

void MatrixTableModel::applyCell(int row, int col, double value)
{
    matrix_(row, col) = value;
    const QModelIndex i = index(row, col);
    emit dataChanged(i, i, {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole});
    emit matrixChanged();
}

void MatrixTableModel::applyContents(const Contents& c)
{
    const bool sameShape = c.matrix.rows() == matrix_.rows() && c.matrix.cols() == matrix_.cols();
    const bool labels = c.rowLabels != rowLabels_ || c.columnLabels != columnLabels_;
    if (sameShape) {
        matrix_ = c.matrix;
        rowLabels_ = c.rowLabels;
        columnLabels_ = c.columnLabels;
        if (matrix_.size() > 0) {
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
            if (labels) {
                emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
                emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
            }
        }
    } else {
        // A shape change that may touch both dimensions: a reset is the honest notification.
        beginResetModel();
        matrix_ = c.matrix;
        rowLabels_ = c.rowLabels;
        columnLabels_ = c.columnLabels;
        endResetModel();
    }
    if (labels) emit labelsChanged();
    emit matrixChanged();
}

void MatrixTableModel::applyLabel(Qt::Orientation o, int section, const QString& label)
{
    (o == Qt::Vertical ? rowLabels_ : columnLabels_)[section] = label;
    emit headerDataChanged(o, section, section);
    emit labelsChanged();
    emit matrixChanged();
}

void MatrixTableModel::applyInsert(Qt::Orientation o, int pos, const Matrix& block,
                                   const QStringList& labels)
{
    const int count = static_cast<int>(o == Qt::Vertical ? block.rows() : block.cols());
    if (o == Qt::Vertical)
        beginInsertRows({}, pos, pos + count - 1);
    else
        beginInsertColumns({}, pos, pos + count - 1);
    matrix_ = insertBlock(matrix_, o, pos, block);
    QStringList& raw = o == Qt::Vertical ? rowLabels_ : columnLabels_;
    for (int i = 0; i < count; ++i) raw.insert(pos + i, labels.value(i));
    if (o == Qt::Vertical)
        endInsertRows();
    else
        endInsertColumns();
    // Default labels after the insertion point now show different indices.
    const int n = static_cast<int>(raw.size());
    if (pos + count < n) emit headerDataChanged(o, pos + count, n - 1);
    emit matrixChanged();
}

void MatrixTableModel::applyRemove(Qt::Orientation o, int pos, int count)
{
    if (o == Qt::Vertical)
        beginRemoveRows({}, pos, pos + count - 1);
    else
        beginRemoveColumns({}, pos, pos + count - 1);
    matrix_ = removeBlock(matrix_, o, pos, count);
    QStringList& raw = o == Qt::Vertical ? rowLabels_ : columnLabels_;
    raw.remove(pos, count);
    if (o == Qt::Vertical)
        endRemoveRows();
    else
        endRemoveColumns();
    const int n = static_cast<int>(raw.size());
    if (pos < n) emit headerDataChanged(o, pos, n - 1);
    emit matrixChanged();
}

}  // namespace attnviz::widgets
