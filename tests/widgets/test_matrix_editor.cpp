// SPDX-License-Identifier: GPL-3.0-or-later
// MatrixEditor: toolbar slots, keyboard copy/paste on the view, editing through the view.
#include "attnviz/widgets/matrix_editor.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>

using namespace attnviz;
using namespace attnviz::widgets;

class TestMatrixEditor : public QObject {
    Q_OBJECT

private slots:
    void everyControlHasATooltip()
    {
        MatrixEditor editor;
        const auto buttons = editor.findChildren<QToolButton*>();
        QVERIFY(buttons.size() >= 10);
        for (QToolButton* b : buttons) {
            if (b->defaultAction() == nullptr) continue;  // the toolbar's overflow button
            QVERIFY2(!b->toolTip().isEmpty(), qPrintable(b->text()));
        }
    }

    void titleActionIsAButtonBesideTheTitle()
    {
        MatrixEditor editor;
        QAction extra(QStringLiteral("Remove b_q"));
        extra.setToolTip(QStringLiteral("Leave b_q out"));
        QSignalSpy triggered(&extra, &QAction::triggered);
        editor.addTitleAction(&extra);
        editor.show();
        QToolButton* button = nullptr;
        for (QToolButton* b : editor.findChildren<QToolButton*>())
            if (b->defaultAction() == &extra) button = b;
        QVERIFY(button);
        QVERIFY(button->isVisible());  // in the title row, not in the toolbar's overflow
        QVERIFY(!editor.findChild<QToolBar*>()->actions().contains(&extra));
        QCOMPARE(button->toolTip(), QStringLiteral("Leave b_q out"));
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(triggered.count(), 1);
        extra.setEnabled(false);
        QVERIFY(!button->isEnabled());
    }

    void toolbarSlotsAreUndoable()
    {
        QUndoStack stack;
        MatrixTableModel model(&stack);
        model.setName(QStringLiteral("K"));
        model.resetContents(Matrix::Zero(2, 2));
        MatrixEditor editor;
        editor.setModel(&model);
        editor.setRandomSeed(3);
        editor.fillRandom();
        const Matrix random = model.matrix();
        QVERIFY(random.cwiseAbs().sum() > 0);
        editor.fillIdentity();
        QCOMPARE(model.matrix(), Matrix(Matrix::Identity(2, 2)));
        editor.setAllTo(0.5);
        editor.addRow();
        editor.addColumn();
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 3);
        editor.view()->setCurrentIndex(model.index(0, 0));
        editor.removeRow();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(stack.count(), 6);
        for (int i = 0; i < 5; ++i) stack.undo();
        QVERIFY(model.matrix() == random);

        model.setRowsLocked(true);
        QVERIFY(!editor.action(MatrixEditor::Action::AddRow)->isEnabled());
        QVERIFY(editor.action(MatrixEditor::Action::AddColumn)->isEnabled());
    }

    void keyboardCopyPasteAndEdit()
    {
        QUndoStack stack;
        MatrixTableModel model(&stack);
        Matrix m(2, 3);
        m << 1, 2, 3, 4, 5, 6;
        model.resetContents(m);
        MatrixEditor editor;
        editor.setModel(&model);
        editor.resize(500, 300);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QTableView* view = editor.view();
        view->setFocus();

        // Ctrl+C on a selection copies it as TSV.
        view->selectionModel()->select(QItemSelection(model.index(0, 1), model.index(1, 2)),
                                       QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("2\t3\n5\t6\n"));

        // Ctrl+V at (1, 0) pastes a 2×2 block, growing a row: one undo step.
        QApplication::clipboard()->setText(QStringLiteral("7\t8\n9\t10\n"));
        view->selectionModel()->clearSelection();
        view->setCurrentIndex(model.index(1, 0));
        view->selectionModel()->select(model.index(1, 0), QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(view, Qt::Key_V, Qt::ControlModifier);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.matrix()(2, 1), 10.0);
        QCOMPARE(stack.count(), 1);

        // Typing into a cell edits it through the model; a bad value is refused.
        QSignalSpy rejected(&model, &MatrixTableModel::inputRejected);
        view->setCurrentIndex(model.index(0, 0));
        // The first key opens the editor (AnyKeyPressed); the rest go to it, as in real typing.
        QTest::keyClick(view, Qt::Key_4);
        auto* cellEditor = view->viewport()->findChild<QLineEdit*>();
        QVERIFY(cellEditor);
        QTest::keyClicks(cellEditor, QStringLiteral(".5"));
        QTest::keyClick(cellEditor, Qt::Key_Return);
        // The delegate commits on Return through a queued call: truly asynchronous.
        QTRY_COMPARE(model.matrix()(0, 0), 4.5);
        view->setCurrentIndex(model.index(0, 1));
        QTest::keyClick(view, Qt::Key_X);
        cellEditor = view->viewport()->findChild<QLineEdit*>();
        QVERIFY(cellEditor);
        QTest::keyClick(cellEditor, Qt::Key_Return);
        QTRY_COMPARE(rejected.count(), 1);
        QCOMPARE(model.matrix()(0, 1), 2.0);

        // Delete zeroes the selection in one step.
        const int before = stack.count();
        view->selectionModel()->select(QItemSelection(model.index(0, 0), model.index(0, 2)),
                                       QItemSelectionModel::ClearAndSelect);
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(model.matrix().row(0).cwiseAbs().sum(), 0.0);
        QCOMPARE(stack.count(), before + 1);
    }

    void rowLabelEditsInPlace()
    {
        QUndoStack stack;
        MatrixTableModel model(&stack);
        model.resetContents(Matrix::Zero(2, 2), {"a", "b"});
        MatrixEditor editor;
        editor.setModel(&model);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        editor.editRowLabel(1);
        auto* line = qobject_cast<QLineEdit*>(QApplication::focusWidget());
        QVERIFY(line);
        QCOMPARE(line->text(), QStringLiteral("b"));
        line->selectAll();
        QTest::keyClicks(line, QStringLiteral("cat"));
        QTest::keyClick(line, Qt::Key_Return);
        QCOMPARE(model.rowLabels(), (QStringList{"a", "cat"}));
        QCOMPARE(stack.count(), 1);
    }
};

QTEST_MAIN(TestMatrixEditor)
#include "test_matrix_editor.moc"
