// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: construction, central heatmap, docks, persistence and the result flow.
// Menus and the toolbar are in main_window_actions.cpp.
#include "gui/main_window.hpp"

#include "shell/app_palette.hpp"
#include "gui/controls_panel.hpp"
#include "gui/editors_panel.hpp"
#include "gui/file_controller.hpp"
#include "shell/window_launcher.hpp"
#include "gui/panels/compare_panel.hpp"
#include "gui/panels/formula_view.hpp"
#include "gui/panels/query_focus_panel.hpp"
#include "gui/panels/step_inspector_panel.hpp"
#include "lessons/publish.hpp"
#include "playground/app_settings.hpp"
#include "playground/autosave.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "presets.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"

#include <qcustomplot.h>

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QMouseEvent>
#include <QScreen>
#include <QScrollArea>
#include <QStatusBar>
#include <QVBoxLayout>

#include <algorithm>

namespace attnviz::gui {

using playground::AppSettings;
using playground::PlaygroundDocument;
using playground::RecomputeController;
using playground::ResultSnapshotPtr;

MainWindow::MainWindow() : MainWindow(Options{}) {}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), options_(options)
{
    setObjectName(QStringLiteral("mainWindow"));
    settings_ = options.settings ? std::make_unique<AppSettings>(options.settings)
                                 : std::make_unique<AppSettings>();
    applyApplicationPalette(settings_->palette());  // before any widget exists: no repaint flash
    document_ = new PlaygroundDocument(this);
    controller_ = new RecomputeController(document_, this);
    files_ = new FileController(document_, settings_.get(), this, this);
    files_->setPrompts(options.prompts);
    windows_ = new WindowLauncher({options.prompts, options.settings}, this);
    // File ▸ Open also takes attention tensors and models: they open in their own windows.
    connect(files_, &FileController::otherFileChosen, this, &MainWindow::openAnyFile);
    // The model window's Open Head in Playground: a session file it wrote, opened as any other.
    connect(windows_, &WindowLauncher::sessionOpenRequested, this, [this](const QString& path) {
        if (!openAnyFile(path)) return;
        show();
        raise();
        activateWindow();
    });

    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    buildCentral();
    buildDocks();
    buildActions();
    buildMenus();

    connect(controller_, &RecomputeController::resultReady, this, &MainWindow::onResult);
    connect(controller_, &RecomputeController::computeFailed, this, &MainWindow::onComputeFailed);
    connect(document_, &PlaygroundDocument::inputRejected, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(document_, &PlaygroundDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(files_, &FileController::pathChanged, this, &MainWindow::updateTitle);
    connect(files_, &FileController::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(files_, &FileController::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);

    // The embedded default: always loadable, so the window never opens empty.
    files_->loadPreset(QString::fromLatin1(kDefaultPreset));

    // Default size: fits a 1366×768 screen with its taskbar, never bigger than the screen.
    QSize size(1280, 760);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableSize() * 0.95);
    resize(size);
    applyDefaultDockSizes();
    if (options.persistLayout) restoreLayout();

    if (options.autosave) {
        autosave_ = new playground::AutosaveManager(document_, options.autosaveDir, this);
        autosave_->setIntervalMs(settings_->autosaveIntervalSeconds() * 1000);
        connect(autosave_, &playground::AutosaveManager::autosaveFailed, this,
                [this](const QString& m) { statusBar()->showMessage(tr("Autosave failed: %1").arg(m), 8000); });
        // Asked once the window is on screen, so the question has a visible parent.
        if (options.prompts && autosave_->hasRecoverableAutosave())
            QMetaObject::invokeMethod(this, &MainWindow::offerAutosaveRecovery, Qt::QueuedConnection);
    }
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The children are deleted by ~QWidget, after this destructor, when this object is no
    // longer a MainWindow: the document first (it was created first), whose destructor clears
    // the undo stack, whose cleanChanged becomes modifiedChanged. Still connected, that called
    // updateTitle() on the half-destroyed window (UBSan: "member call on address ... which
    // does not point to an object of type MainWindow"), and the panels' slots on a document
    // in its destructor. So the document talks to nobody from here on, and the window's
    // helpers no longer talk to the window.
    document_->disconnect();
    for (QObject* sender : {static_cast<QObject*>(controller_), static_cast<QObject*>(files_),
                            static_cast<QObject*>(autosave_), static_cast<QObject*>(windows_)})
        if (sender) sender->disconnect(this);
}

void MainWindow::buildCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    // The banner says why there is no new result; the heatmap keeps the last good one.
    banner_ = new QLabel(central);
    banner_->setObjectName(QStringLiteral("errorBanner"));
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->setStyleSheet(QStringLiteral(
        "QLabel#errorBanner { background: #fde2e1; color: #7a1712; border-bottom: 1px solid #e0a8a5;"
        " padding: 6px 10px; }"));
    banner_->hide();
    layout->addWidget(banner_);

    heatmap_ = new widgets::HeatmapWidget(central);
    heatmap_->setObjectName(QStringLiteral("heatmap"));
    heatmap_->setToolTip(QString());  // per-cell tooltips come from the widget
    heatmap_->setWhatsThis(tr("Attention weights: query tokens down, key tokens across. Click a "
                              "cell to mask it (click again to unmask); Ctrl+click a cell to focus "
                              "its query row."));
    layout->addWidget(heatmap_, 1);

    // The click behaviour is not discoverable from the picture: say it under the map.
    auto* hint = new QLabel(tr("Click a cell to mask or unmask it · Ctrl+click a cell to focus its "
                               "query row · hover for score, logit and weight"),
                            central);
    hint->setObjectName(QStringLiteral("heatmapHint"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setContentsMargins(6, 2, 6, 4);
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setToolTip(heatmap_->whatsThis());
    layout->addWidget(hint);
    setCentralWidget(central);

    connect(heatmap_, &widgets::HeatmapWidget::cellClicked, this, &MainWindow::onCellClicked);
    // cellClicked carries no modifiers: note them from the click itself (the filter runs
    // before the plot handles the release that emits cellClicked).
    heatmap_->plot()->installEventFilter(this);
}

QDockWidget* MainWindow::addDock(QWidget* content, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area, bool scrollable)
{
    auto* dock = new QDockWidget(title, this);
    if (scrollable) {
        // A panel's minimum size must not become the window's: in a scroll area it can be
        // squeezed (1366×768, small screenshots) and scrolls instead.
        auto* scroll = new QScrollArea;
        scroll->setWidget(content);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setMinimumSize(160, 80);
        content = scroll;
    }
    dock->setObjectName(objectName);  // saveState()/restoreState() key
    dock->setWidget(content);
    dock->toggleViewAction()->setToolTip(tr("Show or hide the %1 panel").arg(title));
    addDockWidget(area, dock);
    docks_ << dock;
    return dock;
}

void MainWindow::buildDocks()
{
    controls_ = new ControlsPanel(document_);
    controls_->setObjectName(QStringLiteral("controls"));
    // In a scroll area so the window's minimum height stays small (1366×768, split screens).
    auto* scroll = new QScrollArea;
    scroll->setWidget(controls_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls_->sizeHint().width() + 16);
    addDock(scroll, tr("Controls"), QStringLiteral("controlsDock"), Qt::LeftDockWidgetArea);

    editors_ = new EditorsPanel(document_);
    editors_->setObjectName(QStringLiteral("editors"));
    editors_->setMinimumSize(220, 160);
    addDock(editors_, tr("Matrices"), QStringLiteral("editorsDock"), Qt::RightDockWidgetArea);
    connect(editors_, &EditorsPanel::importRequested, files_, &FileController::importInto);
    connect(editors_, &EditorsPanel::exportRequested, files_, &FileController::exportMatrix);

    addResultPanelDocks();
}

// ============================================================================================
// RESULT PANELS — written separately in app/gui/panels/. Each is a QWidget with
//   void showResult(const attnviz::playground::ResultSnapshotPtr&);
// and gets a dock with a stable objectName (the saveState key, and a name that
// `attnviz screenshot --panel` accepts). A new panel is one more block here.
// ============================================================================================
void MainWindow::addResultPanelDocks()
{
    using namespace panels;
    using playground::RecomputeController;

    auto* formula = new FormulaView;
    formula->setObjectName(QStringLiteral("formula"));
    formula->setToolTip(tr("The current variant's formula with the shapes of this session"));
    QDockWidget* formulaDock =
        addDock(formula, tr("Formula"), QStringLiteral("formulaDock"), Qt::RightDockWidgetArea);
    connect(controller_, &RecomputeController::resultReady, formula, &FormulaView::showResult);
    connect(formula, &FormulaView::neededHeightChanged, this, &MainWindow::fitFormulaDock,
            Qt::QueuedConnection);  // after the layout pass that caused it

    auto* steps = new StepInspectorPanel;
    steps->setObjectName(QStringLiteral("stepInspector"));
    // Not wrapped in a vertical scroll area: the chain scrolls sideways inside the panel, and
    // its maps shrink to the dock's height (on a 1366×768 screen a vertical scroll would hide
    // the key labels under the dock's edge).
    QDockWidget* stepsDock = addDock(steps, tr("Step inspector"), QStringLiteral("stepInspectorDock"),
                                     Qt::BottomDockWidgetArea, false);
    connect(controller_, &RecomputeController::resultReady, steps, &StepInspectorPanel::showResult);
    connect(stepsDock, &QDockWidget::visibilityChanged, steps, &StepInspectorPanel::setOnScreen);

    auto* focus = new QueryFocusPanel;
    focus->setObjectName(QStringLiteral("queryFocus"));
    QDockWidget* focusDock =
        addDock(focus, tr("Query focus"), QStringLiteral("queryFocusDock"), Qt::BottomDockWidgetArea, true);
    connect(controller_, &RecomputeController::resultReady, focus, &QueryFocusPanel::showResult);
    connect(focusDock, &QDockWidget::visibilityChanged, focus, &QueryFocusPanel::setOnScreen);
    connect(this, &MainWindow::queryFocused, focus, [focus, focusDock](int row) {
        focus->setFocusedQuery(row);
        focusDock->show();
        focusDock->raise();  // Ctrl+click should show its effect at once
    });

    auto* compare = new ComparePanel;
    compare->setObjectName(QStringLiteral("compare"));
    QDockWidget* compareDock =
        addDock(compare, tr("Compare"), QStringLiteral("compareDock"), Qt::BottomDockWidgetArea, true);
    connect(controller_, &RecomputeController::resultReady, compare, &ComparePanel::showResult);
    connect(compareDock, &QDockWidget::visibilityChanged, compare, &ComparePanel::setOnScreen);

    // Default arrangement: the formula above the matrix editors on the right; the three
    // result panels as tabs below the heatmap, the step chain in front.
    if (QDockWidget* editorsDock = findChild<QDockWidget*>(QStringLiteral("editorsDock"))) {
        splitDockWidget(formulaDock, editorsDock, Qt::Vertical);
    }
    tabifyDockWidget(stepsDock, focusDock);
    tabifyDockWidget(focusDock, compareDock);
    stepsDock->raise();
}

void MainWindow::applyDefaultDockSizes()
{
    // Proportional, so a 1366×768 laptop keeps a heatmap worth looking at and a 4K screen
    // does not get thin strips.
    const int w = width(), h = height();
    auto dock = [this](const char* name) { return findChild<QDockWidget*>(QLatin1String(name)); };
    QList<QDockWidget*> across;
    QList<int> widths;
    if (QDockWidget* d = dock("controlsDock")) across << d, widths << std::clamp(w / 6, 220, 300);
    if (QDockWidget* d = dock("editorsDock")) across << d, widths << std::clamp(w * 3 / 10, 300, 520);
    resizeDocks(across, widths, Qt::Horizontal);
    QDockWidget* formula = dock("formulaDock");
    QDockWidget* editors = dock("editorsDock");
    if (formula && editors) resizeDocks({formula, editors}, {h / 4, h / 2}, Qt::Vertical);
    // The step chain needs ~330 px to show its small heatmaps with their labels; on short
    // screens it gets less and scrolls. 40 % of a 760 px window leaves the formula above the
    // editors room for its last line (fitFormulaDock).
    if (QDockWidget* steps = dock("stepInspectorDock"))
        resizeDocks({steps}, {std::clamp(h * 40 / 100, 200, 360)}, Qt::Vertical);
}

void MainWindow::fitFormulaDock()
{
    // Issue 11: at the default size the formula's last line was cut. When the text does not
    // fit, the formula takes room from the matrix editors below it (their small tables leave
    // space), up to 3/5 of the two and never below the editors' minimum; a panel that fits is
    // left as the user sized it.
    auto* formula = findChild<panels::FormulaView*>(QStringLiteral("formula"));
    auto* formulaDock = findChild<QDockWidget*>(QStringLiteral("formulaDock"));
    auto* editorsDock = findChild<QDockWidget*>(QStringLiteral("editorsDock"));
    if (!formula || !formulaDock || !editorsDock || formulaDock->isFloating() || editorsDock->isFloating() ||
        !formulaDock->isVisible() || !editorsDock->isVisible() ||
        dockWidgetArea(formulaDock) != dockWidgetArea(editorsDock) ||
        tabifiedDockWidgets(formulaDock).contains(editorsDock))
        return;
    const int missing = formula->neededHeight() - formula->height();
    if (missing <= 0) return;
    const int total = formulaDock->height() + editorsDock->height();
    const int editorsMin = std::max(editorsDock->minimumSizeHint().height(), editorsDock->minimumHeight());
    const int target = std::min({formulaDock->height() + missing, total - editorsMin, total * 3 / 5});
    if (target <= formulaDock->height()) return;
    resizeDocks({formulaDock, editorsDock}, {target, total - target}, Qt::Vertical);
}

void MainWindow::restoreLayout()
{
    const QByteArray geometry = settings_->windowGeometry();
    if (!geometry.isEmpty()) restoreGeometry(geometry);
    const QByteArray state = settings_->windowState();
    if (!state.isEmpty()) restoreState(state);
}

void MainWindow::saveLayout()
{
    settings_->setWindowGeometry(saveGeometry());
    settings_->setWindowState(saveState());
    settings_->sync();
}

void MainWindow::offerAutosaveRecovery()
{
    if (!autosave_ || !autosave_->hasRecoverableAutosave()) return;
    const auto answer = QMessageBox::question(
        this, tr("Recover session"),
        tr("attnviz did not close normally last time. Restore the session it was editing?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
        autosave_->discardAutosave();
        return;
    }
    QString error;
    if (auto session = autosave_->takeAutosave(&error)) {
        document_->loadSession(*session);
        document_->markModified();  // not saved anywhere the user chose
        files_->setRecovered();
        statusBar()->showMessage(tr("Recovered the autosaved session"), 8000);
    } else {
        QMessageBox::warning(this, tr("Cannot recover session"), error);
    }
}

void MainWindow::onResult(const ResultSnapshotPtr& snapshot)
{
    if (!snapshot) return;
    lessons::publishPlaygroundResult(snapshot);  // for the lessons' checks
    banner_->hide();
    const Session& s = snapshot->session;
    const AttentionResult& r = snapshot->outcome.result;

    // The map shares the snapshot's matrices: nothing n_q × n_k is copied here.
    widgets::HeatmapData data;
    data.values = widgets::SharedMatrix::of(snapshot, r.weights);
    data.masked = widgets::SharedBoolMatrix::of(snapshot, r.masked);
    // Feed-forward pools every query into one row: label it so rather than with token 0. A
    // one-query dot product is not pooled: its row is query 0.
    if (r.weights.rows() == Index(s.query_tokens.size()))
        for (const std::string& t : s.query_tokens) data.rowLabels << QString::fromStdString(t);
    else if (variant_traits(s.variant).single_query_row)
        data.rowLabels << tr("pooled");
    // Self-attention files leave keys (and their tokens) out: the keys are the queries then.
    const bool selfAttention = s.key_tokens.empty() && s.keys.rows() == s.queries.rows() &&
                               s.keys.cols() == s.queries.cols() && s.keys == s.queries;
    for (const std::string& t : selfAttention ? s.query_tokens : s.key_tokens)
        data.colLabels << QString::fromStdString(t);
    data.extras.push_back({tr("score"), widgets::SharedMatrix::of(snapshot, r.scores)});
    data.extras.push_back({tr("logit"), widgets::SharedMatrix::of(snapshot, r.logits)});
    data.title = tr("Attention weights — %1").arg(QString::fromUtf8(variant_display_name(s.variant).data(),
                                                                 qsizetype(variant_display_name(s.variant).size())));
    heatmap_->setData(std::move(data));
    if (focusedQuery_ >= r.weights.rows()) focusedQuery_ = -1;
    heatmap_->setHighlightedRow(focusedQuery_);

    shapeLabel_->setText(tr("%1 queries × %2 keys   %3 ms")
                             .arg(r.weights.rows())
                             .arg(r.weights.cols())
                             .arg(snapshot->elapsedMs, 0, 'f', 2));
    if (!r.warnings.empty())
        statusBar()->showMessage(QString::fromStdString(r.warnings.front()), 8000);
}

void MainWindow::onComputeFailed(const QString& message)
{
    lessons::publishPlaygroundFailure();
    banner_->setText(tr("<b>Cannot compute:</b> %1. The heatmap shows the last result that "
                        "worked; undo (Ctrl+Z) or fix the matrices.")
                         .arg(message.toHtmlEscaped()));
    banner_->show();
    statusBar()->showMessage(tr("Cannot compute: %1").arg(message), 10000);
}

void MainWindow::onCellClicked(int row, int col)
{
    // Plain click masks (the common classroom action); Ctrl (Cmd on macOS) focuses the row.
    if (clickModifiers_ & (Qt::ControlModifier | Qt::MetaModifier)) {
        focusedQuery_ = row;
        heatmap_->setHighlightedRow(row);
        emit queryFocused(row);
        return;
    }
    document_->toggleMaskCell(row, col);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == heatmap_->plot() &&
        (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonRelease))
        clickModifiers_ = static_cast<QMouseEvent*>(event)->modifiers();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::updateTitle()
{
    setWindowTitle(files_->displayName() + QStringLiteral("[*] — attnviz"));
    setWindowModified(document_->isModified());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!files_->maybeSave()) {
        event->ignore();
        return;
    }
    if (options_.persistLayout) saveLayout();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() &&
        WindowLauncher::kindOf(urls.front().toLocalFile()) != WindowLauncher::FileKind::Unknown)
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = event->mimeData()->urls().value(0).toLocalFile();
    event->acceptProposedAction();
    // Queued: a modal question inside a drop handler blocks the drag source's application.
    QMetaObject::invokeMethod(this, [this, path] { openAnyFile(path); }, Qt::QueuedConnection);
}

bool MainWindow::openAnyFile(const QString& path)
{
    switch (WindowLauncher::kindOf(path)) {
    case WindowLauncher::FileKind::Session: return files_->maybeSave() && files_->openPath(path);
    case WindowLauncher::FileKind::AttentionTensors:
    case WindowLauncher::FileKind::Seq2SeqModel:
    case WindowLauncher::FileKind::HfModel: return windows_->openInOtherWindow(path);
    case WindowLauncher::FileKind::Unknown: break;
    }
    files_->warn(tr("Cannot open file"),
                 tr("%1: attnviz opens sessions (.json), attention tensors (.npy, .safetensors) "
                    "and seq2seq models (.safetensors).")
                     .arg(QDir::toNativeSeparators(path)));
    return false;
}

}  // namespace attnviz::gui
