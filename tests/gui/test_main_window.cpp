// SPDX-License-Identifier: GPL-3.0-or-later
// The assembled main window, offscreen: default preset, live recompute, every variant, mask
// toggling by clicking the heatmap, undo, save/open round trip, a corrupt file's dialog.
#include "gui/controls_panel.hpp"
#include "gui/editors_panel.hpp"
#include "gui/file_controller.hpp"
#include "gui/main_window.hpp"
#include "gui/panels/compare_panel.hpp"
#include "gui/panels/formula_view.hpp"
#include "gui/panels/step_inspector_panel.hpp"
#include "playground/autosave.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "presets.hpp"

#include "attnviz/core/session.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_editor.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <qcustomplot.h>

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSlider>
#include <QDir>
#include <QDockWidget>
#include <QPushButton>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <memory>

using namespace attnviz;
using attnviz::gui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;
    std::unique_ptr<MainWindow> window_;

    void settle()
    {
        QVERIFY(window_->controller()->waitForIdle(10000));
        QCoreApplication::processEvents();
    }
    const Matrix& shownWeights() const { return window_->heatmap()->data().values; }

private slots:
    void init()
    {
        settings_ = std::make_unique<QSettings>(dir_.filePath("settings.ini"), QSettings::IniFormat);
        MainWindow::Options o;
        o.prompts = false;
        o.persistLayout = false;
        o.settings = settings_.get();
        o.autosaveDir = dir_.filePath("autosave");
        window_ = std::make_unique<MainWindow>(o);
        window_->resize(1000, 700);
        window_->show();
        settle();
    }
    void cleanup()
    {
        window_.reset();
        settings_.reset();
    }

    void opensOnDefaultPreset()
    {
        const Session s = load_preset(kDefaultPreset);
        const ComputeOutcome expected = compute_session(s);
        QCOMPARE(shownWeights().rows(), expected.result.weights.rows());
        // Exact: the window shows the result of this same core function on the same session.
        QVERIFY(shownWeights() == expected.result.weights);
        QVERIFY(window_->errorBanner()->isHidden());
        QVERIFY(window_->windowTitle().contains(QString::fromLatin1(kDefaultPreset)));
    }

    void controlsListEveryVariantAndMapTemperature()
    {
        QComboBox* picker = window_->controlsPanel()->variantPicker();
        QCOMPARE(picker->count(), int(kAllVariants.size()));
        QCOMPARE(picker->itemText(1), QString::fromUtf8(variant_display_name(kAllVariants[1]).data()));
        using gui::ControlsPanel;
        QCOMPARE(ControlsPanel::temperatureFromSlider(ControlsPanel::sliderFromTemperature(1.0)), 1.0);
        QCOMPARE(ControlsPanel::temperatureFromSlider(0), 0.01);
        QCOMPARE(ControlsPanel::temperatureFromSlider(400), 100.0);
        // Moving the slider is an undoable document edit, shown in the spin box too.
        window_->controlsPanel()->temperatureSlider()->setValue(ControlsPanel::sliderFromTemperature(10.0));
        QCOMPARE(window_->document()->temperature(), 10.0);
        QCOMPARE(window_->controlsPanel()->temperatureSpin()->value(), 10.0);
        window_->document()->undoStack()->undo();
        QCOMPARE(window_->document()->temperature(), 1.0);
        QCOMPARE(window_->controlsPanel()->temperatureSlider()->value(), ControlsPanel::sliderFromTemperature(1.0));
    }

    void editingQChangesHeatmap()
    {
        const Matrix before = shownWeights();
        widgets::MatrixTableModel* q = window_->document()->queriesModel();
        const double old = q->matrix()(0, 0);
        QVERIFY(q->setData(q->index(0, 0), old + 2.5));
        settle();
        QVERIFY(shownWeights() != before);
        QVERIFY(window_->document()->isModified());
    }

    void everyVariantComputes()
    {
        for (Variant v : kAllVariants) {
            QVERIFY(window_->document()->setVariant(v) || window_->document()->variant() == v);
            settle();
            QVERIFY2(window_->errorBanner()->isHidden(), qPrintable(window_->errorBanner()->text()));
            QVERIFY(shownWeights().size() > 0);
        }
    }

    void backgroundPanelsDrawWhenShown()
    {
        // Compare sits behind the step inspector's tab: an edit must not draw it (at 2048
        // tokens its maps cost GUI time nobody sees), and raising its tab draws the newest.
        auto* compare = window_->findChild<gui::panels::ComparePanel*>();
        auto* steps = window_->findChild<gui::panels::StepInspectorPanel*>();
        QVERIFY(compare && steps);
        widgets::MatrixTableModel* q = window_->document()->queriesModel();
        QVERIFY(q->setData(q->index(0, 0), q->matrix()(0, 0) + 3.0));
        settle();
        QVERIFY(*steps->stepMap("weights")->data().values == shownWeights());  // drawn at once
        const Matrix& inCompare = compare->mapA()->data().values;
        QVERIFY(inCompare.size() != shownWeights().size() || inCompare != shownWeights());  // not drawn
        window_->findChild<QDockWidget*>("compareDock")->raise();
        QTRY_COMPARE(compare->mapA()->data().values.rows(), shownWeights().rows());
        QVERIFY(*compare->mapA()->data().values == shownWeights());
    }

    void mapsShareTheResultInsteadOfCopyingIt()
    {
        // At 2048 tokens one matrix is 32 MB: the heatmap and the step maps must draw the
        // result's own matrices, not copies of them (a copy per map cost ~200 ms per edit).
        const playground::ResultSnapshotPtr latest = window_->controller()->latestResult();
        QVERIFY(latest);
        const AttentionResult& r = latest->outcome.result;
        auto* steps = window_->findChild<gui::panels::StepInspectorPanel*>();
        QCOMPARE(&*window_->heatmap()->data().values, &r.weights);
        QCOMPARE(&*window_->heatmap()->data().masked, &r.masked);
        QCOMPARE(&*steps->stepMap("scores")->data().values, &r.scores);
        QCOMPARE(&*steps->stepMap("logits")->data().values, &r.logits);
        QCOMPARE(&*steps->stepMap("weights")->data().values, &r.weights);
        QCOMPARE(&*steps->stepMap("scaled")->data().values, &latest->scaled);
        // The derived matrices come with the snapshot, and the step maps take their extents.
        QVERIFY(latest->scaled.isApprox(r.scores * r.scale));
        QCOMPARE(steps->stepMap("scores")->data().extent, finite_extent(r.scores));
    }

    void optionalParameterIsAddedFromEditorsAndCtrlZRemovesIt()
    {
        playground::PlaygroundDocument* doc = window_->document();
        QVERIFY(doc->setVariant(Variant::Additive));
        settle();
        gui::EditorsPanel* editors = window_->editorsPanel();
        const auto editorFor = [editors](const QString& name) -> widgets::MatrixEditor* {
            for (widgets::MatrixEditor* e : editors->parameterEditors())
                if (e->model() && e->model()->name() == name) return e;
            return nullptr;
        };
        const auto addActionFor = [editors](const QString& name) -> QAction* {
            for (QAction* a : editors->addOptionalButton()->menu()->actions())
                if (a->data().toString() == name) return a;
            return nullptr;
        };

        // "+ Optional" in the tab bar's corner offers the absent biases, each with a tooltip.
        QToolButton* add = editors->addOptionalButton();
        QVERIFY(add->isVisible() && add->isEnabled());
        QVERIFY(!add->toolTip().isEmpty());
        QCOMPARE(add->menu()->actions().size(), 2);  // b_q, b_k
        for (QAction* a : add->menu()->actions()) QVERIFY(!a->toolTip().isEmpty());
        QAction* addBq = addActionFor(QStringLiteral("b_q"));
        QVERIFY(addBq && addBq->isEnabled());
        QVERIFY2(addBq->text().startsWith(QStringLiteral("b_q — query bias")), qPrintable(addBq->text()));
        QVERIFY(!editorFor(QStringLiteral("b_q")));

        const Matrix before = shownWeights();
        addBq->trigger();
        settle();
        widgets::MatrixEditor* bq = editorFor(QStringLiteral("b_q"));
        QVERIFY(bq);
        QVERIFY(bq->title().contains(QStringLiteral("(optional)")));
        QCOMPARE(bq->model()->columnCount(), 8);
        QVERIFY(window_->errorBanner()->isHidden());
        QVERIFY(shownWeights() == before);  // zeros: nothing changes until edited
        QVERIFY(!addActionFor(QStringLiteral("b_q")));  // no longer offered
        QAction* remove = editors->removeAction(bq);
        QVERIFY(remove && remove->isEnabled() && !remove->toolTip().isEmpty());
        QVERIFY(!editors->removeAction(editorFor(QStringLiteral("W_q"))));  // required: no Remove

        // Ctrl+Z typed into the window takes the editor away again.
        window_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window_.get()));
        QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier);
        settle();
        QVERIFY(!editorFor(QStringLiteral("b_q")));
        QVERIFY(addActionFor(QStringLiteral("b_q")));
        QVERIFY(!doc->toSession().params.has("b_q"));

        // Remove on the editor is undoable too: the values come back.
        QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);  // redo
        settle();
        bq = editorFor(QStringLiteral("b_q"));
        QVERIFY(bq);
        QVERIFY(bq->model()->setValue(0, 1, 0.5));
        settle();
        editors->tabs()->setCurrentWidget(bq);
        QToolButton* removeButton = nullptr;  // the visible control beside the editor's title
        for (QToolButton* b : bq->findChildren<QToolButton*>())
            if (b->defaultAction() == editors->removeAction(bq)) removeButton = b;
        QVERIFY(removeButton && removeButton->isVisible());
        QTest::mouseClick(removeButton, Qt::LeftButton);
        settle();
        QVERIFY(!editorFor(QStringLiteral("b_q")));
        QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier);
        settle();
        QVERIFY(editorFor(QStringLiteral("b_q")));
        QCOMPARE(editorFor(QStringLiteral("b_q"))->model()->matrix()(0, 1), 0.5);

        // Dot product has no parameters: the control stays, disabled, and says why.
        QVERIFY(doc->setVariant(Variant::Dot));
        settle();
        QVERIFY(!add->isEnabled());
        QVERIFY(!add->toolTip().isEmpty());
    }

    void computeErrorShowsBannerNotCrash()
    {
        const Matrix before = shownWeights();
        widgets::MatrixTableModel* v = window_->document()->valuesModel();
        QVERIFY(v->removeRows(0, 1));  // V now has one row fewer than K: cannot compute
        settle();
        QVERIFY(!window_->errorBanner()->isHidden());
        QVERIFY2(window_->errorBanner()->text().contains("values"),
                 qPrintable(window_->errorBanner()->text()));
        QVERIFY(shownWeights() == before);  // the last good result stays on screen
        window_->document()->undoStack()->undo();
        settle();
        QVERIFY(window_->errorBanner()->isHidden());
    }

    void clickMasksCellAndUndoRestores()
    {
        widgets::HeatmapWidget* heatmap = window_->heatmap();
        heatmap->replotNow();
        const int row = 0, col = int(shownWeights().cols()) - 1;
        const double before = shownWeights()(row, col);
        QVERIFY(before != 0.0);
        const QPoint at = heatmap->cellCenter(row, col).toPoint();
        QTest::mouseClick(heatmap->plot(), Qt::LeftButton, {}, at);
        settle();
        QCOMPARE(shownWeights()(row, col), 0.0);

        // Edit ▸ Undo is the document's undo action with Ctrl+Z.
        QAction* undo = nullptr;
        for (QAction* a : window_->findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(QKeySequence::Undo)) undo = a;
        QVERIFY(undo);
        QVERIFY(undo->isEnabled());
        undo->trigger();
        settle();
        QCOMPARE(shownWeights()(row, col), before);
    }

    void ctrlClickFocusesQueryWithoutMasking()
    {
        widgets::HeatmapWidget* heatmap = window_->heatmap();
        heatmap->replotNow();
        const Matrix before = shownWeights();
        QSignalSpy focused(window_.get(), &MainWindow::queryFocused);
        const QPoint at = heatmap->cellCenter(1, 0).toPoint();
        QTest::mouseClick(heatmap->plot(), Qt::LeftButton,
                          Qt::ControlModifier, at);
        settle();
        QCOMPARE(focused.count(), 1);
        QCOMPARE(focused.at(0).at(0).toInt(), 1);
        QCOMPARE(window_->focusedQuery(), 1);
        QVERIFY(shownWeights() == before);
        QVERIFY(!window_->document()->isModified());
    }

    void saveOpenRoundTripIsBitExact()
    {
        widgets::MatrixTableModel* k = window_->document()->keysModel();
        QVERIFY(k->setData(k->index(1, 1), 0.1 + 0.2));  // a value with no short decimal form
        QVERIFY(window_->document()->setTemperature(0.37));
        const std::string saved = write_session(window_->document()->toSession());
        const QString path = dir_.filePath("round.json");
        QVERIFY(window_->fileController()->saveTo(path));
        QVERIFY(!window_->document()->isModified());

        QVERIFY(window_->fileController()->loadPreset("dot"));
        QVERIFY(window_->fileController()->openPath(path));
        QCOMPARE(write_session(window_->document()->toSession()), saved);
        QCOMPARE(window_->fileController()->currentPath(), path);
        QCOMPARE(window_->document()->keysModel()->matrix()(1, 1), 0.1 + 0.2);
    }

    void layoutAndViewOptionsPersist()
    {
        QSettings settings(dir_.filePath("layout.ini"), QSettings::IniFormat);
        MainWindow::Options o;
        o.prompts = false;
        o.settings = &settings;
        o.autosave = false;
        {
            MainWindow w(o);
            w.show();
            auto* controls = w.findChild<QDockWidget*>("controlsDock");
            QVERIFY(controls);
            controls->hide();
            w.resize(900, 640);
            QVERIFY(w.close());  // saves geometry and dock state
        }
        MainWindow again(o);
        again.show();
        QVERIFY(again.findChild<QDockWidget*>("controlsDock")->isHidden());
        QVERIFY(!again.findChild<QDockWidget*>("editorsDock")->isHidden());
        QCOMPARE(again.size(), QSize(900, 640));
    }

    void autosaveIsOfferedBackAfterCrash()
    {
        QTemporaryDir autosaveDir;
        QSettings settings(dir_.filePath("autosave.ini"), QSettings::IniFormat);
        MainWindow::Options o;
        o.persistLayout = false;
        o.settings = &settings;
        o.autosaveDir = autosaveDir.path();
        std::string edited;
        QString saved;
        {
            o.prompts = false;
            MainWindow w(o);
            widgets::MatrixTableModel* q = w.document()->queriesModel();
            QVERIFY(q->setData(q->index(0, 1), 4.25));
            edited = write_session(w.document()->toSession());
            // Written by the timer normally; a clean exit removes it, so keep a copy ("crash").
            auto* manager = w.findChild<playground::AutosaveManager*>();
            QVERIFY(manager);
            QVERIFY(manager->autosaveNow());
            saved = manager->autosavePath();
            QVERIFY(QFile::copy(saved, saved + ".keep"));
        }
        QVERIFY(QFile::rename(saved + ".keep", saved));

        o.prompts = true;
        bool asked = false;
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                    asked = true;
                    box->button(QMessageBox::Yes)->click();
                }
        });
        poll.start(20);
        MainWindow w(o);
        w.show();
        QTRY_VERIFY(asked);
        poll.stop();
        QCOMPARE(write_session(w.document()->toSession()), edited);
        QVERIFY(w.document()->isModified());
        QVERIFY(w.windowTitle().contains("recovered"));
    }

    void recoveredSessionStaysOnDiskUntilReplaced()
    {
        // Issue 11: a kill -9 between recovery and the next autosave tick lost the recovered
        // session. After the window recovers it, the file on disk still holds it.
        QTemporaryDir autosaveDir;
        QSettings settings(dir_.filePath("recover.ini"), QSettings::IniFormat);
        MainWindow::Options o;
        o.persistLayout = false;
        o.settings = &settings;
        o.autosaveDir = autosaveDir.path();
        Session crashed = load_preset(QStringLiteral("luong-general"));
        crashed.temperature = 0.25;
        const std::string text = write_session(crashed);
        {
            QFile f(autosaveDir.filePath("autosave.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.data(), qint64(text.size()));
        }
        o.prompts = true;
        bool asked = false;
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                    asked = true;
                    box->button(QMessageBox::Yes)->click();
                }
        });
        poll.start(20);
        auto w = std::make_unique<MainWindow>(o);
        w->show();
        QTRY_VERIFY(asked);
        poll.stop();
        QCOMPARE(write_session(w->document()->toSession()), text);
        // The crash comes now, before any tick: the file is what was recovered.
        QFile f(autosaveDir.filePath("autosave.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().toStdString(), text);
        f.close();
        // A clean exit still removes it.
        w.reset();
        QVERIFY(!QFile::exists(autosaveDir.filePath("autosave.json")));
    }

    void controlsShowTheSessionsValues()
    {
        // Issue 11: the Heads box showed 64 (its maximum) while the formula said H = 1000, and
        // the temperature box 0.010 for T = 5e-324. Showing the document never changes it.
        Session s = load_preset(QStringLiteral("tf-tutorial"));
        s.variant = Variant::MultiHead;
        s.queries = s.queries.topRows(2);
        s.query_tokens.resize(2);
        s.params_given = false;
        s.hyper.hidden = 1000;
        s.hyper.num_heads = 1000;
        s.hyper.seed = 123456789012345;
        window_->document()->loadSession(s);
        settle();
        gui::ControlsPanel* c = window_->controlsPanel();
        QCOMPARE(c->headsSpin()->value(), 1000);
        QCOMPARE(c->hiddenSpin()->value(), 1000);
        QCOMPARE(c->seedSpin()->value(), 123456789012345.0);
        QCOMPARE(c->headsSpin()->maximum(), int(kMaxHeads));
        QCOMPARE(window_->document()->hyper().num_heads, Index(1000));
        QVERIFY2(window_->errorBanner()->isHidden(), qPrintable(window_->errorBanner()->text()));
        QCOMPARE(window_->controller()->latestResult()->outcome.result.heads.size(), std::size_t(1000));
        // The step inspector draws the first 16 heads and the mean, and says so.
        auto* steps = window_->findChild<gui::panels::StepInspectorPanel*>();
        QVERIFY(steps);
        steps->setOnScreen(true);
        QCOMPARE(steps->headMaps().size(), 17);
        QVERIFY(steps->findChildren<widgets::HeatmapWidget*>().size() <= 5 + 17);
        // Beyond the limit, the document refuses with the core's message.
        QSignalSpy rejected(window_->document(), &playground::PlaygroundDocument::inputRejected);
        QVERIFY(!window_->document()->setNumHeads(kMaxHeads + 1));
        QVERIFY2(rejected.last().at(0).toString().contains(QLatin1String("above the limit of 65536")),
                 qPrintable(rejected.last().at(0).toString()));
        QCOMPARE(window_->document()->hyper().num_heads, Index(1000));

        // T = 5e-324: the box cannot hold it, so it says it, and keeps it.
        Session cold = load_preset(QStringLiteral("tf-tutorial"));
        cold.temperature = 5e-324;
        window_->document()->loadSession(cold);
        QCoreApplication::processEvents();
        QDoubleSpinBox* t = c->temperatureSpin();
        QCOMPARE(t->text(), QStringLiteral("5e-324"));
        QCOMPARE(window_->document()->temperature(), 5e-324);
        t->setFocus();
        emit t->editingFinished();  // focus leaves without an edit
        QCOMPARE(window_->document()->temperature(), 5e-324);
        QVERIFY(!window_->document()->isModified());
        // A value the box holds shows plainly; a user edit is a document edit.
        t->setValue(0.5);
        QCOMPARE(window_->document()->temperature(), 0.5);
        QCOMPARE(t->text(), QStringLiteral("0.500"));
        // Typing the very number the box held for 5e-324 (0.010) is an edit too.
        window_->document()->undoStack()->undo();
        QCOMPARE(window_->document()->temperature(), 5e-324);
        QCOMPARE(t->text(), QStringLiteral("5e-324"));
        auto* edit = t->findChild<QLineEdit*>();
        QVERIFY(edit);
        edit->selectAll();
        QTest::keyClicks(edit, QStringLiteral("0.01"));
        emit t->editingFinished();
        QCOMPARE(window_->document()->temperature(), 0.01);
    }

    void pooledOnlyLabelsPooling()
    {
        // Issue 11: a one-query dot result labelled its row "pooled"; only feed-forward pools.
        Session one = load_preset(QStringLiteral("tf-tutorial"));
        one.variant = Variant::Dot;
        one.queries = one.queries.topRows(1);
        one.query_tokens.clear();
        window_->document()->loadSession(one);
        settle();
        QCOMPARE(shownWeights().rows(), Index(1));
        QVERIFY(!window_->heatmap()->data().rowLabels.contains(QStringLiteral("pooled")));
        Session ff = load_preset(QStringLiteral("feed-forward"));
        ff.query_tokens.clear();  // a lone query token would name the row
        window_->document()->loadSession(ff);
        settle();
        QCOMPARE(window_->heatmap()->data().rowLabels, QStringList{QStringLiteral("pooled")});
    }

    void formulaFitsAtTheDefaultSize()
    {
        // Issue 11: at the default window size the formula panel's last line was cut.
        window_->resize(1280, 760);
        window_->applyDefaultDockSizes();
        settle();
        auto* formula = window_->findChild<gui::panels::FormulaView*>(QStringLiteral("formula"));
        QVERIFY(formula);
        QVERIFY(formula->toPlainText().contains(QStringLiteral("temperature T = 1")));
        // The fit is queued after the layout pass that showed the text.
        QTRY_VERIFY2(formula->height() >= formula->neededHeight(),
                     qPrintable(QStringLiteral("%1 < %2").arg(formula->height()).arg(formula->neededHeight())));
        // The editors keep their minimum.
        auto* editors = window_->findChild<QDockWidget*>(QStringLiteral("editorsDock"));
        QVERIFY(editors->height() >= editors->minimumSizeHint().height());
    }

    void noSlotOfADestroyedWindowRuns()
    {
        // Issue 11 (UBSan): edit a cell, Ctrl+Q, Discard. ~PlaygroundDocument clears its undo
        // stack, whose cleanChanged became modifiedChanged → MainWindow::updateTitle() on a
        // window already past ~MainWindow. The title slot marks the window (un)modified,
        // which sends it a ModifiedChange event: none may arrive once destruction began.
        struct Probe : QObject {
            bool destroying = false;
            int lateEvents = 0;
            bool eventFilter(QObject*, QEvent* e) override
            {
                if (destroying && (e->type() == QEvent::ModifiedChange || e->type() == QEvent::WindowTitleChange))
                    ++lateEvents;
                return false;
            }
        } probe;
        widgets::MatrixTableModel* q = window_->document()->queriesModel();
        QVERIFY(q->setData(q->index(0, 0), 7.5));
        settle();
        QVERIFY(window_->isWindowModified());
        window_->installEventFilter(&probe);
        // Ctrl+Q; with prompts off, closing discards without asking.
        QAction* quit = nullptr;
        for (QAction* a : window_->findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(QStringLiteral("Ctrl+Q"))) quit = a;
        QVERIFY(quit);
        quit->trigger();
        QVERIFY(!window_->isVisible());
        probe.destroying = true;
        window_.reset();
        QCOMPARE(probe.lateEvents, 0);
    }

    void corruptFileShowsDialogAndKeepsSession()
    {
        const QString path = dir_.filePath("broken.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"attnviz-session\", \"version\": 1, \"queries\": [[1, 2], [3]");
        f.close();
        const std::string before = write_session(window_->document()->toSession());

        // The warning box is modal: find and close it from inside its event loop.
        QString shownText;
        auto* poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [&] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                    shownText = box->text();
                    box->done(QMessageBox::Ok);
                }
        });
        poll->start(20);
        QVERIFY(!window_->fileController()->openPath(path));
        poll->stop();
        delete poll;
        QVERIFY2(shownText.contains("broken.json"), qPrintable(shownText));
        QCOMPARE(write_session(window_->document()->toSession()), before);
        QVERIFY(window_->fileController()->currentPath().isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
