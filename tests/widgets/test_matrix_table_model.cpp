// SPDX-License-Identifier: GPL-3.0-or-later
// MatrixTableModel: model invariants, edits, refusals, undo/redo and paste.
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <memory>

using attnviz::Matrix;
using attnviz::widgets::MatrixTableModel;

class TestMatrixTableModel : public QObject {
    Q_OBJECT

    std::unique_ptr<QUndoStack> stack_;
    std::unique_ptr<MatrixTableModel> model_;
    std::unique_ptr<QAbstractItemModelTester> tester_;
    Matrix start_;

private slots:
    void init()
    {
        stack_ = std::make_unique<QUndoStack>();
        model_ = std::make_unique<MatrixTableModel>(stack_.get());
        model_->setName(QStringLiteral("Q"));
        // Fatal: any broken model invariant fails the test at once, through every edit below.
        tester_ = std::make_unique<QAbstractItemModelTester>(
            model_.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        start_.resize(3, 2);
        start_ << 1, 2, 3, 4, 5, 6;
        model_->resetContents(start_, {QStringLiteral("the"), QStringLiteral("cat")});
    }

    void cleanup()
    {
        tester_.reset();
        model_.reset();
        stack_.reset();
    }

    void shapeAndHeaders()
    {
        QCOMPARE(model_->rowCount(), 3);
        QCOMPARE(model_->columnCount(), 2);
        QCOMPARE(model_->headerData(0, Qt::Vertical).toString(), QStringLiteral("the"));
        QCOMPARE(model_->headerData(2, Qt::Vertical).toString(), QStringLiteral("2"));  // default
        QCOMPARE(model_->headerData(1, Qt::Horizontal).toString(), QStringLiteral("1"));
        QCOMPARE(model_->rowLabels(), (QStringList{"the", "cat", "2"}));
        QCOMPARE(stack_->count(), 0);  // loading is not an edit
    }

    void editingACellChangesTheMatrix()
    {
        QSignalSpy changed(model_.get(), &MatrixTableModel::matrixChanged);
        QVERIFY(model_->setData(model_->index(1, 0), QStringLiteral(" -0.25 ")));
        QCOMPARE(model_->matrix()(1, 0), -0.25);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(stack_->count(), 1);
        QCOMPARE(model_->data(model_->index(1, 0), Qt::EditRole).toString(), QStringLiteral("-0.25"));
        QVERIFY(model_->setData(model_->index(0, 1), 7.5));  // a double QVariant, as a spin box sends
        QCOMPARE(model_->matrix()(0, 1), 7.5);
        QCOMPARE(stack_->count(), 2);
    }

    void nonNumberIsRefusedAndValueKept_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("word") << "abc";
        QTest::newRow("empty") << "";
        QTest::newRow("nan") << "nan";
        QTest::newRow("inf") << "-inf";
        QTest::newRow("two numbers") << "1 2";
    }

    void nonNumberIsRefusedAndValueKept()
    {
        QFETCH(QString, text);
        QSignalSpy rejected(model_.get(), &MatrixTableModel::inputRejected);
        QSignalSpy changed(model_.get(), &MatrixTableModel::matrixChanged);
        QVERIFY(!model_->setData(model_->index(2, 1), text));
        QCOMPARE(model_->matrix()(2, 1), 6.0);
        QCOMPARE(rejected.count(), 1);
        const QString message = rejected.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("Q[2, 1]")) && message.contains(QStringLiteral("kept")),
                 qPrintable(message));
        QCOMPARE(changed.count(), 0);
        QCOMPARE(stack_->count(), 0);
    }

    void undoRedoRestoreExactValues()
    {
        const double third = 1.0 / 3.0;
        QVERIFY(model_->setValue(0, 0, third));
        QVERIFY(model_->fillRandom(42));
        const Matrix random = model_->matrix();
        QVERIFY(model_->fillIdentity());
        QVERIFY(model_->setAll(0.1));
        QVERIFY(model_->insertRows(1, 2));
        QVERIFY(model_->removeColumns(0, 1));
        QVERIFY(model_->renameRow(0, QStringLiteral("a")));
        QCOMPARE(stack_->count(), 7);  // one command per edit
        QCOMPARE(model_->rowCount(), 5);
        QCOMPARE(model_->columnCount(), 1);

        for (int i = 0; i < 5; ++i) stack_->undo();
        QVERIFY(model_->matrix() == random);  // bit-exact
        stack_->undo();
        QCOMPARE(model_->matrix()(0, 0), third);
        QCOMPARE(model_->matrix()(1, 1), 4.0);
        stack_->undo();
        QVERIFY(model_->matrix() == start_);
        QCOMPARE(model_->rowLabels(), (QStringList{"the", "cat", "2"}));

        for (int i = 0; i < 7; ++i) stack_->redo();
        QCOMPARE(model_->rowCount(), 5);
        QCOMPARE(model_->columnCount(), 1);
        QCOMPARE(model_->rowLabels(), (QStringList{"a", "1", "2", "cat", "4"}));
        QCOMPARE(model_->matrix()(1, 0), 0.0);  // inserted rows are zero
        QCOMPARE(model_->matrix()(3, 0), 0.1);
    }

    void fillRandomIsSeeded()
    {
        QVERIFY(model_->fillRandom(7, -1, 1));
        const Matrix a = model_->matrix();
        QVERIFY(model_->fillRandom(8, -1, 1));
        QVERIFY(model_->matrix() != a);
        QVERIFY(model_->fillRandom(7, -1, 1));
        QVERIFY(model_->matrix() == a);
        QVERIFY((a.array() >= -1).all() && (a.array() < 1).all());
    }

    void removedRowsComeBackWithTheirLabels()
    {
        QVERIFY(model_->removeRows(0, 2));
        QCOMPARE(model_->rowCount(), 1);
        QCOMPARE(model_->headerData(0, Qt::Vertical).toString(), QStringLiteral("0"));
        QSignalSpy rejected(model_.get(), &MatrixTableModel::inputRejected);
        QVERIFY(!model_->removeRows(0, 1));  // never empty
        QCOMPARE(rejected.count(), 1);
        stack_->undo();
        QVERIFY(model_->matrix() == start_);
        QCOMPARE(model_->rowLabels(), (QStringList{"the", "cat", "2"}));
    }

    void pasteOf3x4TsvBlockIsOneUndoStep()
    {
        const QString tsv = QStringLiteral("1\t2\t3\t4\n5\t6\t7\t8\n9\t10\t11\t12\n");
        QSignalSpy changed(model_.get(), &MatrixTableModel::matrixChanged);
        QVERIFY(model_->pasteText(1, 1, tsv));
        // Pasting at (1, 1) grows 3×2 to 4×5: the block must fit entirely.
        QCOMPARE(model_->rowCount(), 4);
        QCOMPARE(model_->columnCount(), 5);
        QCOMPARE(model_->matrix()(1, 1), 1.0);
        QCOMPARE(model_->matrix()(3, 4), 12.0);
        QCOMPARE(model_->matrix()(0, 0), 1.0);  // untouched
        QCOMPARE(model_->matrix()(0, 4), 0.0);  // grown, not pasted
        QCOMPARE(model_->rowLabels().first(), QStringLiteral("the"));
        QCOMPARE(stack_->count(), 1);
        QCOMPARE(changed.count(), 1);
        stack_->undo();
        QVERIFY(model_->matrix() == start_);
        stack_->redo();
        QCOMPARE(model_->matrix()(2, 3), 7.0);
    }

    void pasteInsideDoesNotGrow()
    {
        QVERIFY(model_->pasteText(0, 0, QStringLiteral("[[9. 8.]\n [7. 6.]]")));
        QCOMPARE(model_->rowCount(), 3);
        QCOMPARE(model_->columnCount(), 2);
        QCOMPARE(model_->matrix()(1, 1), 6.0);
        QCOMPARE(model_->matrix()(2, 0), 5.0);
    }

    void badPasteIsRejected()
    {
        QSignalSpy rejected(model_.get(), &MatrixTableModel::inputRejected);
        QVERIFY(!model_->pasteText(0, 0, QStringLiteral("1\tx")));
        QCOMPARE(rejected.count(), 1);
        QVERIFY(rejected.first().first().toString().contains(QStringLiteral("'x'")));
        QVERIFY(model_->matrix() == start_);
        QCOMPARE(stack_->count(), 0);
    }

    void lockedShapeRefusesGrowth()
    {
        model_->setRowsLocked(true);
        QSignalSpy rejected(model_.get(), &MatrixTableModel::inputRejected);
        QVERIFY(!model_->insertRows(0, 1));
        QVERIFY(!model_->removeRows(0, 1));
        QVERIFY(!model_->pasteText(2, 0, QStringLiteral("1\n2")));
        QCOMPARE(rejected.count(), 3);
        QVERIFY(model_->insertColumns(2, 1));  // columns are still free
        QVERIFY(model_->pasteText(2, 0, QStringLiteral("1\t2\t3")));
        QCOMPARE(model_->rowCount(), 3);
        QCOMPARE(stack_->count(), 2);
    }

    void labelRenameIsOneCommand()
    {
        QSignalSpy labels(model_.get(), &MatrixTableModel::labelsChanged);
        QVERIFY(model_->setHeaderData(1, Qt::Vertical, QStringLiteral("dog")));
        QCOMPARE(model_->headerData(1, Qt::Vertical).toString(), QStringLiteral("dog"));
        QCOMPARE(stack_->count(), 1);
        QCOMPARE(labels.count(), 1);
        stack_->undo();
        QCOMPARE(model_->headerData(1, Qt::Vertical).toString(), QStringLiteral("cat"));
    }

    void copyIsTsvOfTheSelectionBox()
    {
        const QString all = model_->copyText();
        QCOMPARE(all, QStringLiteral("1\t2\n3\t4\n5\t6\n"));
        const QString part = model_->copyText({model_->index(1, 1), model_->index(2, 0)});
        QCOMPARE(part, QStringLiteral("3\t4\n5\t6\n"));
    }

    void setCellsIsOneCommand()
    {
        QVERIFY(model_->setCells({model_->index(0, 0), model_->index(2, 1)}, 0.0));
        QCOMPARE(model_->matrix()(0, 0), 0.0);
        QCOMPARE(model_->matrix()(2, 1), 0.0);
        QCOMPARE(model_->matrix()(1, 1), 4.0);
        QCOMPARE(stack_->count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestMatrixTableModel)
#include "test_matrix_table_model.moc"
