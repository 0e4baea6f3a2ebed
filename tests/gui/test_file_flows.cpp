// SPDX-License-Identifier: GPL-3.0-or-later
// The File menu's flows through the assembled window, with the dialogs' answers scripted
// (FileDialogs): the unsaved-changes question on close, drag-and-drop of a session, the
// heatmap exported to SVG through its action, a matrix imported through an editor's action.
#include "gui/controls_panel.hpp"
#include "gui/editors_panel.hpp"
#include "gui/file_controller.hpp"
#include "gui/file_dialogs.hpp"
#include "gui/main_window.hpp"
#include "shell/window_launcher.hpp"
#include "inspector/inspector_window.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "playground/session_files.hpp"
#include "presets.hpp"

#include "attnviz/core/session.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_editor.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QUrl>
#include <QtTest>

#include <memory>

using namespace attnviz;
using attnviz::gui::FileDialogs;
using attnviz::gui::MainWindow;

namespace {

// Answers as a user would, and records what was asked.
struct Script {
    QString openName, saveName, saveFilter;
    FileDialogs::SaveAnswer saveAnswer = FileDialogs::SaveAnswer::Cancel;
    int saveQuestions = 0;
    QStringList warnings;
};

class ScriptedDialogs final : public FileDialogs {
public:
    explicit ScriptedDialogs(Script* script) : s_(script) {}
    QString openFileName(QWidget*, const QString&, const QString&, const QString&) override { return s_->openName; }
    QString saveFileName(QWidget*, const QString&, const QString&, const QString&, QString* filter) override
    {
        if (filter) *filter = s_->saveFilter;
        return s_->saveName;
    }
    SaveAnswer askSaveChanges(QWidget*, const QString&) override
    {
        ++s_->saveQuestions;
        return s_->saveAnswer;
    }
    void warn(QWidget*, const QString&, const QString& text) override { s_->warnings << text; }

private:
    Script* s_;
};

// Drags `path` over `target` and drops it, as a file manager would; returns whether the
// drag was accepted (the drop is sent only then).
bool dragAndDrop(QWidget* target, const QString& path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted()) return false;
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return true;
}

QAction* actionNamed(QWidget* window, const QString& textPart)
{
    for (QAction* a : window->findChildren<QAction*>())
        if (a->text().remove('&').contains(textPart)) return a;
    return nullptr;
}

}  // namespace

class TestFileFlows : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;
    std::unique_ptr<MainWindow> window_;
    Script script_;

    void settle()
    {
        QVERIFY(window_->controller()->waitForIdle(10000));
        QCoreApplication::processEvents();
    }
    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = dir_.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
        return path;
    }
    struct ResultCheck {
        Matrix weights, output;
    };
    ResultCheck currentResult() const
    {
        const auto r = window_->controller()->latestResult();
        return r ? ResultCheck{r->outcome.result.weights, r->outcome.result.output} : ResultCheck{};
    }
    void editQ()
    {
        widgets::MatrixTableModel* q = window_->document()->queriesModel();
        QVERIFY(q->setData(q->index(0, 0), 7.5));
        QVERIFY(window_->document()->isModified());
    }

private slots:
    void init()
    {
        script_ = Script{};
        settings_ = std::make_unique<QSettings>(dir_.filePath("settings.ini"), QSettings::IniFormat);
        MainWindow::Options o;
        o.prompts = false;  // no recovery offer at start; the close question is switched on below
        o.persistLayout = false;
        o.autosave = false;
        o.settings = settings_.get();
        window_ = std::make_unique<MainWindow>(o);
        window_->fileController()->setDialogs(std::make_unique<ScriptedDialogs>(&script_));
        window_->fileController()->setPrompts(true);
        window_->resize(1000, 700);
        window_->show();
        settle();
    }
    void cleanup()
    {
        window_->fileController()->setPrompts(false);
        window_.reset();
        settings_.reset();
    }

    void theIssuesDoneWhenWalkThrough()
    {
        // Issue 3's "done when", as a new user does it: the tf-tutorial example with its
        // heatmap; type a new value into a cell of Q and see weights and output change; switch
        // to every variant without an error; undo back to the start; export the heatmap to
        // SVG; save the session and open it again.
        const Session opening = window_->document()->toSession();
        QCOMPARE(window_->heatmap()->data().rowLabels.value(2), QStringLiteral("looks for x or y"));
        const Matrix weights0 = *window_->heatmap()->data().values;
        const Matrix output0 = window_->controller()->latestResult()->outcome.result.output;

        QTableView* view = window_->editorsPanel()->queriesEditor()->view();
        widgets::MatrixTableModel* q = window_->document()->queriesModel();
        view->setCurrentIndex(q->index(0, 0));
        QTest::keyClick(view, Qt::Key_1);  // opens the cell's editor, as typing does
        auto* cell = view->viewport()->findChild<QLineEdit*>();
        QVERIFY(cell);
        QTest::keyClicks(cell, QStringLiteral("0"));
        QTest::keyClick(cell, Qt::Key_Return);
        QTRY_COMPARE(q->matrix()(0, 0), 10.0);
        settle();
        const ResultCheck edited = currentResult();
        QVERIFY(edited.weights != weights0);
        QVERIFY(edited.output != output0);
        QVERIFY(edited.weights.isApprox(compute_session(window_->document()->toSession()).result.weights));

        QComboBox* picker = window_->controlsPanel()->variantPicker();
        for (int i = 0; i < picker->count(); ++i) {
            picker->setCurrentIndex(i);
            settle();
            QVERIFY2(window_->errorBanner()->isHidden(), qPrintable(picker->itemText(i) + ": " + window_->errorBanner()->text()));
            QVERIFY2(currentResult().weights.size() > 0, qPrintable(picker->itemText(i)));
        }

        QAction* undo = actionNamed(window_.get(), "Undo");
        QVERIFY(undo);
        while (undo->isEnabled()) undo->trigger();
        settle();
        QCOMPARE(write_session(window_->document()->toSession()), write_session(opening));
        // Exact: undo restores the session bit for bit (checked above) and the same code recomputes.
        QVERIFY(*window_->heatmap()->data().values == weights0);

        script_.saveName = dir_.filePath("walk-through");
        script_.saveFilter = "SVG vector image (*.svg)";
        actionNamed(window_.get(), "Export heatmap")->trigger();
        QVERIFY(QFile(dir_.filePath("walk-through.svg")).size() > 0);

        script_.saveName = dir_.filePath("walk-through.json");
        QAction* save = nullptr;  // "Save", not "Save as…"
        for (QAction* a : window_->findChildren<QAction*>())
            if (a->text().remove('&') == QStringLiteral("Save")) save = a;
        QVERIFY(save);
        save->trigger();
        QVERIFY(!window_->document()->isModified());
        q->setData(q->index(1, 1), 3.25);  // a change the reopened file must not have
        script_.openName = dir_.filePath("walk-through.json");
        script_.saveAnswer = FileDialogs::SaveAnswer::Discard;
        actionNamed(window_.get(), "Open…")->trigger();
        settle();
        QVERIFY2(script_.warnings.isEmpty(), qPrintable(script_.warnings.join('\n')));
        QCOMPARE(write_session(window_->document()->toSession()), write_session(opening));
        QCOMPARE(window_->fileController()->currentPath(), dir_.filePath("walk-through.json"));
    }

    void closeWithoutChangesAsksNothing()
    {
        QVERIFY(window_->close());
        QCOMPARE(script_.saveQuestions, 0);
    }

    void closeWithChangesCancelKeepsWindowAndEdit()
    {
        editQ();
        script_.saveAnswer = FileDialogs::SaveAnswer::Cancel;
        QVERIFY(!window_->close());
        QCOMPARE(script_.saveQuestions, 1);
        QVERIFY(window_->isVisible());
        QCOMPARE(window_->document()->queriesModel()->matrix()(0, 0), 7.5);
    }

    void closeWithChangesDiscardCloses()
    {
        editQ();
        script_.saveAnswer = FileDialogs::SaveAnswer::Discard;
        QVERIFY(window_->close());
        QCOMPARE(script_.saveQuestions, 1);
    }

    void closeWithChangesSaveWritesTheSession()
    {
        editQ();
        const std::string edited = write_session(window_->document()->toSession());
        script_.saveAnswer = FileDialogs::SaveAnswer::Save;
        script_.saveName = dir_.filePath("on-close");  // no suffix: .json is added
        QVERIFY(window_->close());
        const playground::SessionReadResult read = playground::readSessionFile(dir_.filePath("on-close.json"));
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(write_session(*read.session), edited);
    }

    void dropOfSessionFileOpensIt()
    {
        const QString path = dir_.filePath("dropped.json");
        Session dot = load_preset("dot");
        QString error;
        QVERIFY(playground::writeSessionFile(path, dot, &error));

        QVERIFY(dragAndDrop(window_.get(), path));
        QTRY_COMPARE(window_->fileController()->currentPath(), path);  // opened on a queued call
        QCOMPARE(write_session(window_->document()->toSession()), write_session(dot));

        // A file attnviz cannot read is not accepted at all.
        QVERIFY(!dragAndDrop(window_.get(), dir_.filePath("picture.png")));
    }

    void dropWithUnsavedChangesAsksFirst()
    {
        editQ();
        const QString path = dir_.filePath("dropped2.json");
        QString error;
        QVERIFY(playground::writeSessionFile(path, load_preset("dot"), &error));
        script_.saveAnswer = FileDialogs::SaveAnswer::Cancel;
        QVERIFY(dragAndDrop(window_.get(), path));
        QTRY_COMPARE(script_.saveQuestions, 1);
        QCOMPARE(window_->document()->queriesModel()->matrix()(0, 0), 7.5);  // kept
        QVERIFY(window_->fileController()->currentPath().isEmpty());
    }

    void exportHeatmapActionWritesSvg()
    {
        QAction* exportAction = actionNamed(window_.get(), "Export heatmap");
        QVERIFY(exportAction);
        script_.saveName = dir_.filePath("weights");  // suffix from the chosen filter
        script_.saveFilter = "SVG vector image (*.svg)";
        exportAction->trigger();
        QVERIFY2(script_.warnings.isEmpty(), qPrintable(script_.warnings.join('\n')));
        QFile svg(dir_.filePath("weights.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray text = svg.readAll();
        QVERIFY(text.contains("<svg"));
        // The query tokens are drawn as text in the vector file.
        QVERIFY2(text.contains("looks for z"), text.left(400).constData());

        script_.saveName = dir_.filePath("weights.pdf");
        script_.saveFilter = "PNG image (*.png)";  // an explicit suffix wins over the filter
        exportAction->trigger();
        QFile pdf(dir_.filePath("weights.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
    }

    void exportToUnwritablePlaceWarns()
    {
        script_.saveName = dir_.filePath("no/such/dir/weights.png");
        script_.saveFilter = "PNG image (*.png)";
        actionNamed(window_.get(), "Export heatmap")->trigger();
        QCOMPARE(script_.warnings.size(), 1);
    }

    void importThroughEditorActionIsOneUndoStep()
    {
        const QString path = writeFile("q.csv", "1,2,3\n4,5,6\n7,8,9.5\n");
        QVERIFY(!path.isEmpty());
        script_.openName = path;
        widgets::MatrixEditor* editor = window_->editorsPanel()->queriesEditor();
        const Matrix before = editor->model()->matrix();
        editor->action(widgets::MatrixEditor::Action::Import)->trigger();
        QVERIFY2(script_.warnings.isEmpty(), qPrintable(script_.warnings.join('\n')));
        const Matrix& now = window_->document()->queriesModel()->matrix();
        QCOMPARE(now(2, 2), 9.5);
        QCOMPARE(now(1, 0), 4.0);
        settle();
        QCOMPARE(window_->heatmap()->data().values.rows(), 3);
        window_->document()->undoStack()->undo();
        QVERIFY(window_->document()->queriesModel()->matrix() == before);
    }

    void fileKindsAreRecognised()
    {
        using Kind = gui::WindowLauncher::FileKind;
        const QString data = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/");
        QCOMPARE(gui::WindowLauncher::kindOf(data + "inspector_small.safetensors"), Kind::AttentionTensors);
        QCOMPARE(gui::WindowLauncher::kindOf(QStringLiteral(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors")),
                 Kind::Seq2SeqModel);
        QCOMPARE(gui::WindowLauncher::kindOf(data + "inspector_corrupt.npy"), Kind::AttentionTensors);
        QCOMPARE(gui::WindowLauncher::kindOf("session.JSON"), Kind::Session);
        QCOMPARE(gui::WindowLauncher::kindOf("picture.png"), Kind::Unknown);
    }

    void openMenuSendsAttentionFileToInspector()
    {
        const std::string before = write_session(window_->document()->toSession());
        script_.openName = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/inspector_small.safetensors");
        actionNamed(window_.get(), "Open…")->trigger();
        gui::InspectorWindow* inspector = window_->windows()->inspector();
        QVERIFY(inspector);
        QTRY_COMPARE(inspector->currentFile(), script_.openName);
        QVERIFY(inspector->stack());
        QVERIFY(inspector->isVisible());
        QCOMPARE(write_session(window_->document()->toSession()), before);  // the session stays
        inspector->close();  // deletes itself
        QTRY_VERIFY(!window_->windows()->inspector());
    }

    void droppedModelOpensInModelWindow()
    {
        const QString path = QStringLiteral(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors");
        QVERIFY(dragAndDrop(window_.get(), path));
        QTRY_VERIFY(window_->windows()->modelWindow());
        QCOMPARE(window_->windows()->modelWindow()->modelOrigin(), path);
        QCOMPARE(script_.saveQuestions, 0);  // the playground's session is not touched
        window_->windows()->modelWindow()->close();
    }

    void windowMenuOpensEachWindowOnce()
    {
        QAction* model = actionNamed(window_.get(), "Seq2seq model");
        QAction* inspector = actionNamed(window_.get(), "Attention file inspector");
        QVERIFY(model && inspector);
        QCOMPARE(model->shortcut(), QKeySequence(QStringLiteral("Ctrl+2")));
        model->trigger();
        seq2seq_view::Seq2SeqWindow* first = window_->windows()->modelWindow();
        QVERIFY(first && first->isVisible());
        QVERIFY(first->model());  // the shipped model, loaded at start
        model->trigger();
        QCOMPARE(window_->windows()->modelWindow(), first);  // raised, not duplicated
        inspector->trigger();
        QVERIFY(window_->windows()->inspector()->isVisible());
        first->close();
        window_->windows()->inspector()->close();
    }

    void importOfBadFileWarnsAndKeepsMatrix()
    {
        const QString path = writeFile("bad.csv", "1,2\nthree,4\n");
        QVERIFY(!path.isEmpty());
        script_.openName = path;
        widgets::MatrixEditor* editor = window_->editorsPanel()->queriesEditor();
        const Matrix before = editor->model()->matrix();
        editor->action(widgets::MatrixEditor::Action::Import)->trigger();
        QCOMPARE(script_.warnings.size(), 1);
        QVERIFY2(script_.warnings[0].contains("three"), qPrintable(script_.warnings[0]));
        QVERIFY(editor->model()->matrix() == before);
    }
};

QTEST_MAIN(TestFileFlows)
#include "test_file_flows.moc"
