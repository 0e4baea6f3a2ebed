// SPDX-License-Identifier: GPL-3.0-or-later
#include "matrix_table_view.hpp"

#include <QHeaderView>
#include <QKeyEvent>

namespace attnviz::widgets::detail {

namespace {

enum class Key { None, Copy, Paste, Clear };

Key classify(QKeyEvent* e)
{
    if (e->matches(QKeySequence::Copy)) return Key::Copy;
    if (e->matches(QKeySequence::Paste)) return Key::Paste;
    if (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) return Key::Clear;
    return Key::None;
}

}  // namespace

MatrixTableView::MatrixTableView(QWidget* parent) : QTableView(parent)
{
    setTabKeyNavigation(true);
    setEditTriggers(QAbstractItemView::AnyKeyPressed | QAbstractItemView::DoubleClicked |
                    QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(false);
    setWordWrap(false);
    // Wide enough for the longest 4-significant-digit display, "-1.235e+04".
    horizontalHeader()->setDefaultSectionSize(fontMetrics().horizontalAdvance(QStringLiteral("-1.235e+04")) + 14);
    horizontalHeader()->setMinimumSectionSize(36);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    verticalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

bool MatrixTableView::event(QEvent* event)
{
    // Claim our keys before the shortcut system hands them to a window-wide QAction — but not
    // while a cell editor is open, where Ctrl+C/V must reach the line edit.
    if (event->type() == QEvent::ShortcutOverride && state() != QAbstractItemView::EditingState &&
        classify(static_cast<QKeyEvent*>(event)) != Key::None) {
        event->accept();
        return true;
    }
    return QTableView::event(event);
}

void MatrixTableView::keyPressEvent(QKeyEvent* event)
{
    if (state() != QAbstractItemView::EditingState) {
        switch (classify(event)) {
        case Key::Copy: emit copyRequested(); return;
        case Key::Paste: emit pasteRequested(); return;
        case Key::Clear: emit clearRequested(); return;
        case Key::None: break;
        }
    }
    QTableView::keyPressEvent(event);
}

}  // namespace attnviz::widgets::detail
