// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/inspector_window.hpp"

#include "inspector/analysis_runner.hpp"
#include "inspector/export_dialog.hpp"
#include "inspector/file_changed_banner.hpp"
#include "inspector/head_stats_model.hpp"
#include "inspector/head_view_panel.hpp"
#include "inspector/heatmap_panel.hpp"
#include "inspector/inspector_loader.hpp"
#include "inspector/model_panel.hpp"
#include "inspector/scores_banner.hpp"
#include "inspector/stats_panel.hpp"
#include "lessons/publish.hpp"

#include "attnviz/widgets/inspector/head_lines_widget.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/view_export.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDragEnterEvent>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileSystemWatcher>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace attnviz::gui {

using namespace attnviz::inspector;

InspectorWindow::InspectorWindow(QWidget* parent) : InspectorWindow(Options{}, parent) {}

InspectorWindow::InspectorWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_options(options), m_loader(new InspectorLoader(this)), m_runner(new AnalysisRunner(this)),
      m_statsModel(new HeadStatsModel(this)), m_tabs(new QTabWidget), m_banner(new ScoresBanner),
      m_changedBanner(new FileChangedBanner), m_watcher(new QFileSystemWatcher(this)),
      m_model(new ModelPanel), m_headView(new HeadViewPanel), m_heatmap(new HeatmapPanel(m_runner)),
      m_stats(new StatsPanel(m_statsModel)), m_batch(new QSpinBox), m_fileLabel(new QLabel)
{
    setObjectName(QStringLiteral("inspectorWindow"));
    setWindowTitle(tr("Attention file inspector"));
    setAcceptDrops(true);
    resize(1200, 760);  // fits 1366 × 768 with a task bar

    m_tabs->addTab(m_model, tr("Model"));
    m_tabs->addTab(m_headView, tr("Head view"));
    m_tabs->addTab(m_heatmap, tr("Heatmap"));
    m_tabs->addTab(m_stats, tr("Statistics"));
    m_tabs->setTabToolTip(0, tr("Every layer × head at a glance"));
    m_tabs->setTabToolTip(1, tr("Which query token attends to which key token, head by head"));
    m_tabs->setTabToolTip(2, tr("One head or an aggregate, with zoom and pan"));
    m_tabs->setTabToolTip(3, tr("Entropy, distance and token shares of every head, sortable"));
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_changedBanner);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_batch->setPrefix(tr("batch "));
    m_batch->setEnabled(false);
    m_batch->setToolTip(tr("The batch entry of a [layers, batch, heads, n_q, n_k] file"));
    m_fileLabel->setToolTip(tr("The open file and its shape"));
    buildMenus();
    // For the lessons' checks: open, the file's shape, the front tab.
    lessons::publishInspectorOpen(true);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { lessons::publishInspectorPanel(int(currentPanel())); });

    connect(m_loader, &InspectorLoader::loaded, this,
            [this](int, std::shared_ptr<const LoadedFile> file) { showLoaded(std::move(file)); });
    connect(m_loader, &InspectorLoader::failed, this,
            [this](int, const QString& path, const QString& message) { reportFailure(path, message); });
    connect(m_runner, &AnalysisRunner::statisticsReady, this,
            [this](int, const std::vector<inspect::HeadStatistics>& stats) {
                m_statsModel->setStatistics(stats);
                m_stats->setStatus(tr("%1 heads of %2").arg(stats.size()).arg(currentTitle()));
            });
    connect(m_model, &ModelPanel::headClicked, this, &InspectorWindow::showHead);
    connect(m_stats, &StatsPanel::headRequested, this, &InspectorWindow::showHead);
    connect(m_heatmap, &HeatmapPanel::headShown, m_model->grid(), &widgets::ThumbnailGridWidget::setCurrent);
    connect(m_banner, &ScoresBanner::applySoftmaxRequested, this, [this] {
        if (m_file && !m_file->path.isEmpty()) openFileAsync(m_file->path, static_cast<int>(m_file->options.batch), true);
    });
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, [this](const QString& path) {
        if (!m_file || path != m_file->path) return;
        checkFileOnDisk();
        // A file replaced by a rename drops off the watch list: watch the new one at that path.
        if (!m_watcher->files().contains(path) && QFileInfo::exists(path)) m_watcher->addPath(path);
    });
    connect(m_changedBanner, &FileChangedBanner::reopenRequested, this, [this] {
        if (m_file) openFileAsync(m_file->path, static_cast<int>(m_file->options.batch), m_file->options.softmax);
    });
    connect(m_batch, &QSpinBox::valueChanged, this, [this](int b) {
        if (!m_updatingBatch && m_file) openFileAsync(m_file->path, b, m_file->options.softmax);
    });
}

InspectorWindow::~InspectorWindow() { lessons::publishInspectorOpen(false); }

void InspectorWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"), this, &InspectorWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a .npy, .safetensors or JSON attention file"));
    m_exportAction = file->addAction(tr("&Export view…"), this, &InspectorWindow::exportCurrent);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportAction->setToolTip(tr("Save the model grid, head view or heatmap as PNG, SVG or PDF"));
    m_exportAction->setEnabled(false);
    file->addSeparator();
    QAction* close = file->addAction(tr("&Close window"), this, &QWidget::close);
    close->setShortcut(QKeySequence::Close);

    QToolBar* bar = addToolBar(tr("File"));
    bar->setObjectName(QStringLiteral("inspectorToolbar"));
    bar->setMovable(false);
    bar->addAction(open);
    bar->addAction(m_exportAction);
    bar->addSeparator();
    bar->addWidget(m_batch);
    bar->addSeparator();
    bar->addWidget(m_fileLabel);
    statusBar()->showMessage(tr("Open an attention file (File → Open…), or drop one on the window"));
}

bool InspectorWindow::openFile(const QString& path, QString* error) { return openFile(path, 0, false, error); }

bool InspectorWindow::openFile(const QString& path, int batch, bool softmax, QString* error)
{
    // The worker loads while this loop keeps the window alive; the queued result ends it.
    QEventLoop loop;
    bool ok = false;
    QString message;
    const auto a = connect(this, &InspectorWindow::fileOpened, &loop, [&] { ok = true, loop.quit(); });
    const auto b = connect(this, &InspectorWindow::openFailed, &loop, [&](const QString&, const QString& m) {
        message = m;
        loop.quit();
    });
    openFileAsync(path, batch, softmax);
    loop.exec();
    disconnect(a);
    disconnect(b);
    if (!ok && error) *error = message;
    return ok;
}

void InspectorWindow::openFileAsync(const QString& path, int batch, bool softmax)
{
    inspect::LoadOptions options;
    options.batch = batch;
    options.softmax = softmax;
    statusBar()->showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_loader->load(path, options);
}

bool InspectorWindow::setBatch(int batch, QString* error)
{
    if (!m_file) return error && (*error = tr("No file open"), false);
    return openFile(m_file->path, batch, m_file->options.softmax, error);
}

bool InspectorWindow::applySoftmax(QString* error)
{
    if (!m_file) return error && (*error = tr("No file open"), false);
    return openFile(m_file->path, static_cast<int>(m_file->options.batch), true, error);
}

QString InspectorWindow::currentFile() const { return m_file ? m_file->path : QString(); }

QString InspectorWindow::currentTitle() const
{
    if (!m_file) return {};
    return m_file->title.isEmpty() ? QFileInfo(m_file->path).fileName() : m_file->title;
}

std::shared_ptr<const inspect::AttentionStack> InspectorWindow::stack() const
{
    return m_file ? m_file->stack : nullptr;
}

void InspectorWindow::showLoaded(std::shared_ptr<const LoadedFile> file)
{
    m_file = std::move(file);
    const inspect::AttentionStack& s = *m_file->stack;
    m_runner->setStack(m_file->stack);
    m_model->setFile(m_file);
    m_headView->setFile(m_file);
    m_heatmap->setFile(m_file);
    m_statsModel->setStatistics({});
    m_stats->setStatus(tr("Computing statistics…"));
    m_runner->requestStatistics();
    m_banner->setReport(s.row_sums(), s.softmax_applied());
    m_changedBanner->setMessage({});
    if (!m_watcher->files().isEmpty()) m_watcher->removePaths(m_watcher->files());
    if (!m_file->path.isEmpty()) m_watcher->addPath(m_file->path);  // a model run has no file

    m_updatingBatch = true;
    m_batch->setRange(0, static_cast<int>(s.batch_count()) - 1);
    m_batch->setValue(static_cast<int>(s.batch()));
    m_batch->setEnabled(s.batch_count() > 1);
    m_updatingBatch = false;
    m_exportAction->setEnabled(true);
    lessons::publishInspectorFile(m_file->stack);

    const QString name = currentTitle();
    m_fileLabel->setText(tr("%1 — layers × heads %2 × %3, queries × keys %4 × %5, %6")
                             .arg(name).arg(s.layers()).arg(s.heads()).arg(s.query_count()).arg(s.key_count())
                             .arg(QString::fromUtf8(io::dtype_name(s.dtype()).data())));
    setWindowTitle(tr("%1 — Attention file inspector").arg(name));
    statusBar()->showMessage(s.batch_count() > 1
                                 ? tr("This file holds a batch of %1: choose the entry with the batch box").arg(s.batch_count())
                                 : tr("Opened %1").arg(name));
    if (!m_file->path.isEmpty()) emit fileOpened(m_file->path);
}

void InspectorWindow::showStack(std::shared_ptr<const LoadedFile> run)
{
    if (run && run->stack) showLoaded(std::move(run));
}

void InspectorWindow::reportFailure(const QString& path, const QString& message)
{
    statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()));
    // The signal first: openFile's loop must not wait behind a modal dialog.
    emit openFailed(path, message);
    if (m_options.prompts) QMessageBox::warning(this, tr("Could not open the file"), message);
}

void InspectorWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open attention file"), QFileInfo(currentFile()).absolutePath(),
        tr("Attention tensors (*.npy *.safetensors *.json);;All files (*)"));
    if (!path.isEmpty()) openFileAsync(path);
}

void InspectorWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) event->acceptProposedAction();
}

void InspectorWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    event->acceptProposedAction();
    openFileAsync(urls.first().toLocalFile());
}

void InspectorWindow::showPanel(Panel panel) { m_tabs->setCurrentWidget(panelWidget(panel)); }

InspectorWindow::Panel InspectorWindow::currentPanel() const
{
    for (Panel p : {Panel::Model, Panel::Head, Panel::Heatmap, Panel::Stats})
        if (m_tabs->currentWidget() == panelWidget(p)) return p;
    return Panel::Model;
}

QWidget* InspectorWindow::panelWidget(Panel panel) const
{
    switch (panel) {
    case Panel::Model: return m_model;
    case Panel::Head: return m_headView;
    case Panel::Heatmap: return m_heatmap;
    case Panel::Stats: return m_stats;
    }
    return m_model;
}

bool InspectorWindow::checkFileOnDisk()
{
    if (!m_file || !m_file->mapping) return false;
    std::string change = m_file->mapping->change_on_disk();
    if (change.empty()) change = m_file->mapping->replacement_on_disk();
    if (change.empty()) return false;
    const QString message = QString::fromStdString(change);
    if (message == m_changedBanner->text() && m_changedBanner->isVisibleTo(this)) return true;
    m_changedBanner->setMessage(message);
    statusBar()->showMessage(tr("%1 changed on disk").arg(QFileInfo(m_file->path).fileName()));
    emit fileChangedOnDisk(message);
    return true;
}

void InspectorWindow::showHead(int layer, int head)
{
    checkFileOnDisk();
    m_heatmap->showHead(layer, head);
    showPanel(Panel::Heatmap);
}

bool InspectorWindow::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_loader->busy()) {
        if (deadline.hasExpired()) return false;
        QApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return m_runner->waitForIdle(static_cast<int>(std::max<qint64>(1, deadline.remainingTime())));
}

const widgets::ExportableView* InspectorWindow::exportable(Panel panel) const
{
    switch (panel) {
    case Panel::Model: return m_model->grid();
    case Panel::Head: return m_headView->lines();
    case Panel::Heatmap: return m_heatmap->heatmap();
    case Panel::Stats: return nullptr;
    }
    return nullptr;
}

bool InspectorWindow::exportPanel(Panel panel, const QString& path, QSize size, QString* error)
{
    const widgets::ExportableView* view = exportable(panel);
    if (!view) return error && (*error = tr("The statistics table is not exported as an image"), false);
    return widgets::exportView(*view, path, size, error);
}

void InspectorWindow::exportCurrent()
{
    Panel panel = currentPanel();
    if (panel == Panel::Stats) panel = Panel::Heatmap;
    const QString base = currentFile().isEmpty() ? currentTitle() : QFileInfo(currentFile()).completeBaseName();
    const char* suffix = panel == Panel::Model ? "-model" : panel == Panel::Head ? "-heads" : "-heatmap";
    ExportDialog dialog(QFileInfo(currentFile()).absolutePath() + '/' + base + suffix + ".png",
                        panelWidget(panel)->size(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    QString error;
    if (!exportPanel(panel, dialog.path(), dialog.imageSize(), &error)) {
        QMessageBox::warning(this, tr("Export failed"), error);
        return;
    }
    statusBar()->showMessage(tr("Saved %1").arg(dialog.path()));
}

}  // namespace attnviz::gui
