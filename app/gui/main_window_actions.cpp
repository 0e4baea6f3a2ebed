// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's menus, toolbar, shortcuts and View options (colormap, autoscale, palette).
#include "gui/main_window.hpp"

#include "shell/app_palette.hpp"
#include "gui/editors_panel.hpp"
#include "gui/file_controller.hpp"
#include "lessons/lessons_panel.hpp"
#include "model_view/model_window.hpp"
#include "shell/window_launcher.hpp"
#include "playground/app_settings.hpp"
#include "playground/playground_document.hpp"
#include "presets.hpp"

#include "attnviz/widgets/colormaps.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/matrix_editor.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

namespace attnviz::gui {

using playground::AppSettings;

namespace {

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut,
                    const QString& tip)
{
    auto* a = new QAction(text, parent);
    if (!shortcut.isEmpty()) a->setShortcut(shortcut);
    // Tooltips show the shortcut too, so the toolbar teaches the keyboard.
    a->setToolTip(shortcut.isEmpty() ? tip
                                     : tip + QStringLiteral(" (") +
                                           shortcut.toString(QKeySequence::NativeText) + ')');
    a->setStatusTip(tip);
    return a;
}

}  // namespace

void MainWindow::buildActions()
{
    shapeLabel_ = new QLabel(this);
    shapeLabel_->setToolTip(tr("Size of the weight matrix and the time the last compute took"));
    statusBar()->addPermanentWidget(shapeLabel_);
}

void MainWindow::buildMenus()
{
    QStyle* st = style();
    QUndoStack* stack = document_->undoStack();

    // The Lessons dock (app/lessons/): File ▸ Open lesson…, Help ▸ Lessons and F1.
    auto* lessonsDock = new lessons::LessonsDock(this, settings_.get());

    // ---- File ----
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QMenu* presets = file->addMenu(tr("&New from preset"));
    presets->setToolTipsVisible(true);
    for (const QString& name : preset_names()) {
        QAction* a = presets->addAction(name);
        a->setToolTip(tr("Start a new session from the %1 example").arg(name));
        connect(a, &QAction::triggered, files_, [this, name] { files_->newFromPreset(name); });
    }
    QAction* open = makeAction(this, tr("&Open…"), QKeySequence::Open,
                               tr("Open a session, or attention tensors / a model in their window"));
    open->setIcon(st->standardIcon(QStyle::SP_DialogOpenButton));
    connect(open, &QAction::triggered, files_, &FileController::open);
    file->addAction(open);
    file->addAction(lessonsDock->openFileAction());
    QAction* openModel = makeAction(this, tr("Open &Model Folder…"), QKeySequence(tr("Ctrl+Shift+O")),
                                    tr("Open a Hugging Face checkpoint folder in the model runner"));
    connect(openModel, &QAction::triggered, this, [this] { windows_->showModelRunner()->chooseModelFolder(); });
    file->addAction(openModel);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    recentMenu_->setToolTipsVisible(true);
    rebuildRecentMenu();
    QAction* save = makeAction(this, tr("&Save"), QKeySequence::Save, tr("Save the session"));
    save->setIcon(st->standardIcon(QStyle::SP_DialogSaveButton));
    connect(save, &QAction::triggered, files_, &FileController::save);
    QAction* saveAs = makeAction(this, tr("Save &as…"), QKeySequence(tr("Ctrl+Shift+S")),
                                 tr("Save the session under a new name"));
    connect(saveAs, &QAction::triggered, files_, &FileController::saveAs);
    file->addActions({save, saveAs});
    file->addSeparator();

    QMenu* import = file->addMenu(tr("&Import matrix into"));
    import->setToolTipsVisible(true);
    const std::pair<QString, widgets::MatrixTableModel*> inputs[] = {
        {QStringLiteral("Q"), document_->queriesModel()},
        {QStringLiteral("K"), document_->keysModel()},
        {QStringLiteral("V"), document_->valuesModel()}};
    for (const auto& [label, model] : inputs) {
        QAction* a = import->addAction(label + QStringLiteral("…"));
        a->setToolTip(tr("Replace %1 with a matrix from a CSV, TSV or .npy file").arg(label));
        connect(a, &QAction::triggered, files_, [this, model = model] { files_->importInto(model); });
    }
    QAction* exportHeatmap = makeAction(this, tr("&Export heatmap…"), QKeySequence(tr("Ctrl+E")),
                                        tr("Save the weights heatmap as PNG, SVG or PDF"));
    connect(exportHeatmap, &QAction::triggered, files_, [this] { files_->exportHeatmap(heatmap_); });
    QAction* exportCsv = makeAction(this, tr("Export &matrix as CSV…"), {},
                                    tr("Save the matrix in the visible editor tab as CSV"));
    connect(exportCsv, &QAction::triggered, files_, [this] {
        if (widgets::MatrixEditor* e = editors_->currentEditor()) files_->exportMatrix(e->model());
    });
    file->addActions({exportHeatmap, exportCsv});
    file->addSeparator();
    QAction* quit = makeAction(this, tr("&Quit"), QKeySequence(tr("Ctrl+Q")), tr("Close attnviz"));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(quit);
    file->setToolTipsVisible(true);

    // ---- Edit ----
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setToolTipsVisible(true);
    QAction* undo = stack->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setIcon(st->standardIcon(QStyle::SP_ArrowBack));
    undo->setToolTip(tr("Undo the last edit (Ctrl+Z)"));
    QAction* redo = stack->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    redo->setIcon(st->standardIcon(QStyle::SP_ArrowForward));
    redo->setToolTip(tr("Redo the edit just undone (Ctrl+Shift+Z)"));
    edit->addActions({undo, redo});

    // ---- View ----
    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->setToolTipsVisible(true);
    for (QDockWidget* dock : docks_) viewMenu_->addAction(dock->toggleViewAction());
    viewMenu_->addSeparator();
    QMenu* colormaps = viewMenu_->addMenu(tr("&Colormap"));
    colormapGroup_ = new QActionGroup(this);
    for (widgets::Colormap c : widgets::kAllColormaps) {
        QAction* a = colormaps->addAction(widgets::colormapDisplayName(c));
        a->setCheckable(true);
        a->setData(widgets::colormapId(c));
        a->setToolTip(tr("Colour the heatmap with %1").arg(widgets::colormapDisplayName(c)));
        colormapGroup_->addAction(a);
    }
    connect(colormapGroup_, &QActionGroup::triggered, this,
            [this](QAction* a) { setColormapByName(a->data().toString()); });
    autoscaleAction_ = makeAction(this, tr("&Autoscale colours"), {},
                                  tr("Colours span the data's range instead of the fixed [0, 1]"));
    autoscaleAction_->setCheckable(true);
    connect(autoscaleAction_, &QAction::toggled, this, &MainWindow::setAutoscale);
    viewMenu_->addAction(autoscaleAction_);
    QMenu* palettes = viewMenu_->addMenu(tr("&Palette"));
    palettes->setToolTipsVisible(true);
    colormaps->setToolTipsVisible(true);
    paletteGroup_ = new QActionGroup(this);
    const std::pair<QString, AppSettings::Palette> paletteItems[] = {
        {tr("&System"), AppSettings::Palette::System},
        {tr("&Light"), AppSettings::Palette::Light},
        {tr("&Dark"), AppSettings::Palette::Dark}};
    for (const auto& [label, p] : paletteItems) {
        QAction* a = palettes->addAction(label);
        a->setToolTip(p == AppSettings::Palette::Dark    ? tr("Dark window colours, for dim rooms")
                      : p == AppSettings::Palette::Light ? tr("Light window colours, for projectors and print")
                                                         : tr("The style's own colours"));
        a->setCheckable(true);
        a->setData(int(p));
        paletteGroup_->addAction(a);
    }
    connect(paletteGroup_, &QActionGroup::triggered, this,
            [this](QAction* a) { applyPalette(a->data().toInt()); });

    // ---- Window: the program's other two windows ----
    QMenu* windowMenu = menuBar()->addMenu(tr("&Window"));
    windowMenu->setToolTipsVisible(true);
    QAction* modelWindow = makeAction(this, tr("&Seq2seq model"), QKeySequence(tr("Ctrl+2")),
                                      tr("Train a small encoder–decoder with Bahdanau attention and "
                                         "step through its translations (Ctrl+2)"));
    connect(modelWindow, &QAction::triggered, this, [this] { windows_->showModelWindow(); });
    QAction* inspector = makeAction(this, tr("Attention file &inspector"), QKeySequence(tr("Ctrl+3")),
                                    tr("Open attention tensors exported from a real model: every "
                                       "layer and head (Ctrl+3)"));
    connect(inspector, &QAction::triggered, this, [this] { windows_->showInspector(); });
    QAction* lab = makeAction(this, tr("&Transformer lab"), QKeySequence(tr("Ctrl+4")),
                              tr("Train a small GPT and watch its attention heads form, an induction "
                                 "head among them (Ctrl+4)"));
    connect(lab, &QAction::triggered, this, [this] { windows_->showTransformerLab(); });
    QAction* runner = makeAction(this, tr("&Model runner"), QKeySequence(tr("Ctrl+5")),
                                 tr("Open a Hugging Face checkpoint folder, type text and see every "
                                    "layer and head of its attention (Ctrl+5)"));
    connect(runner, &QAction::triggered, this, [this] { windows_->showModelRunner(); });
    windowMenu->addActions({modelWindow, inspector, lab, runner});

    // ---- Help ----
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(lessonsDock->showAction());
    help->addSeparator();
    QAction* about = help->addAction(tr("&About attnviz"));
    about->setMenuRole(QAction::AboutRole);
    about->setToolTip(tr("Version and licence (GPL 3 or later)"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    QAction* aboutQt = help->addAction(tr("About &Qt"));
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);

    // ---- toolbar: the everyday actions ----
    QToolBar* bar = addToolBar(tr("Main toolbar"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addActions({open, save});
    bar->addSeparator();
    // The stack's own actions rename themselves ("Undo Switch to Dot product"), which makes
    // the toolbar jump; the toolbar gets fixed-text twins that follow the stack's state.
    auto* barUndo = new QAction(undo->icon(), tr("Undo"), this);
    auto* barRedo = new QAction(redo->icon(), tr("Redo"), this);
    barUndo->setEnabled(stack->canUndo());
    barRedo->setEnabled(stack->canRedo());
    barUndo->setToolTip(undo->toolTip());
    barRedo->setToolTip(redo->toolTip());
    connect(barUndo, &QAction::triggered, stack, &QUndoStack::undo);
    connect(barRedo, &QAction::triggered, stack, &QUndoStack::redo);
    connect(stack, &QUndoStack::canUndoChanged, barUndo, &QAction::setEnabled);
    connect(stack, &QUndoStack::canRedoChanged, barRedo, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, barUndo, [barUndo](const QString& text) {
        barUndo->setToolTip(text.isEmpty() ? tr("Undo the last edit (Ctrl+Z)")
                                           : tr("Undo: %1 (Ctrl+Z)").arg(text));
    });
    connect(stack, &QUndoStack::redoTextChanged, barRedo, [barRedo](const QString& text) {
        barRedo->setToolTip(text.isEmpty() ? tr("Redo the edit just undone (Ctrl+Shift+Z)")
                                           : tr("Redo: %1 (Ctrl+Shift+Z)").arg(text));
    });
    bar->addActions({barUndo, barRedo});
    bar->addSeparator();
    bar->addAction(exportHeatmap);
    bar->addSeparator();
    bar->addActions({modelWindow, inspector});  // the other two windows, one click away
    bar->addAction(lab);
    bar->toggleViewAction()->setToolTip(tr("Show or hide the toolbar"));
    viewMenu_->insertAction(viewMenu_->actions().value(docks_.size()), bar->toggleViewAction());

    // Apply the remembered view options.
    setColormapByName(settings_->colormapName());
    autoscaleAction_->setChecked(settings_->autoscale());
    setAutoscale(settings_->autoscale());
    const AppSettings::Palette p = settings_->palette();
    for (QAction* a : paletteGroup_->actions()) a->setChecked(a->data().toInt() == int(p));
}

void MainWindow::rebuildRecentMenu()
{
    if (!recentMenu_) return;
    recentMenu_->clear();
    const QStringList recent = settings_->recentFiles();
    for (const QString& path : recent) {
        QAction* a = recentMenu_->addAction(QFileInfo(path).fileName());
        a->setToolTip(QDir::toNativeSeparators(path));
        connect(a, &QAction::triggered, files_, [this, path] { files_->openRecent(path); });
    }
    if (!recent.isEmpty()) {
        recentMenu_->addSeparator();
        QAction* clear = recentMenu_->addAction(tr("Clear list"));
        connect(clear, &QAction::triggered, this, [this] {
            settings_->clearRecentFiles();
            rebuildRecentMenu();
        });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::setColormapByName(const QString& id)
{
    const widgets::Colormap c = widgets::colormapFromId(id).value_or(widgets::Colormap::Viridis);
    heatmap_->setColormap(c);
    settings_->setColormapName(widgets::colormapId(c));
    for (QAction* a : colormapGroup_->actions()) a->setChecked(a->data().toString() == widgets::colormapId(c));
}

void MainWindow::setAutoscale(bool on)
{
    heatmap_->setAutoscale(on);
    settings_->setAutoscale(on);
}

void MainWindow::applyPalette(int palette)
{
    const auto p = AppSettings::Palette(palette);
    applyApplicationPalette(p);
    settings_->setPalette(p);
    if (paletteGroup_)
        for (QAction* a : paletteGroup_->actions()) a->setChecked(a->data().toInt() == palette);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About attnviz"),
        tr("<h3>attnviz %1</h3>"
           "<p>Attention mechanisms, visible and touchable: edit Q, K and V and watch the scores, "
           "the softmax and the output move.</p>"
           "<p>Copyright © the attnviz authors.</p>"
           "<p>This program is free software: you can redistribute it and/or modify it under the "
           "terms of the GNU General Public License as published by the Free Software Foundation, "
           "either version 3 of the License, or (at your option) any later version.</p>"
           "<p>This program is distributed in the hope that it will be useful, but WITHOUT ANY "
           "WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A "
           "PARTICULAR PURPOSE. See the GNU General Public License for more details: "
           "<a href=\"https://www.gnu.org/licenses/gpl-3.0.html\">gnu.org/licenses/gpl-3.0</a>.</p>")
            .arg(QStringLiteral(ATTNVIZ_VERSION)));
}

}  // namespace attnviz::gui
