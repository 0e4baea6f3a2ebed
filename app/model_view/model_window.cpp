// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/model_window.hpp"

#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_runner.hpp"
#include "playground/app_settings.hpp"

#include "inspector/inspector_loader.hpp"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QUndoStack>

namespace attnviz::model_view {

bool isModelFolderOrConfig(const QString& path)
{
    const QFileInfo info(path);
    if (info.isDir()) return QFileInfo(QDir(path).filePath(QStringLiteral("config.json"))).isFile();
    if (info.fileName() != QLatin1String("config.json") || !info.isFile()) return false;
    // A session could be called config.json too: a checkpoint's names its model_type (the
    // first 64 kB are plenty; Hugging Face configs are a few kB).
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.read(64 * 1024).contains("\"model_type\"");
}

ModelWindow::ModelWindow(const Options& options, QWidget* parent)
    : gui::InspectorWindow(gui::InspectorWindow::Options{options.prompts}, parent), m_options(options),
      m_settings(options.settings ? std::make_unique<playground::AppSettings>(options.settings)
                                  : std::make_unique<playground::AppSettings>()),
      m_runner(new ModelRunner(this)), m_panel(new ModelRunPanel(m_runner)), m_dock(new QDockWidget(tr("Model"))),
      m_undo(new QUndoStack(this)), m_interveneMenu(nullptr)
{
    setObjectName(QStringLiteral("modelWindow"));
    setWindowTitle(tr("Model runner"));
    resize(1360, 800);
    m_dock->setObjectName(QStringLiteral("modelRunDock"));
    m_dock->setWidget(m_panel);
    m_dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_panel->setMinimumWidth(340);
    addDockWidget(Qt::LeftDockWidgetArea, m_dock);
    resizeDocks({m_dock}, {400}, Qt::Horizontal);

    // File → Open Model Folder…, first in the inspector's File menu.
    auto* openModel = new QAction(tr("Open &Model Folder…"), this);
    openModel->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    openModel->setToolTip(tr("Open a Hugging Face checkpoint: a folder with config.json and model.safetensors"));
    connect(openModel, &QAction::triggered, this, &ModelWindow::chooseModelFolder);
    if (QMenu* file = menuBar()->actions().isEmpty() ? nullptr : menuBar()->actions().first()->menu())
        file->insertAction(file->actions().value(0), openModel);
    statusBar()->showMessage(tr("Open a Hugging Face checkpoint folder (File → Open Model Folder…)"));

    connect(m_runner, &ModelRunner::opened, this, [this](const std::shared_ptr<const OpenedModel>& model) {
        m_folder = QString::fromStdString(model->info().folder.string());
        m_settings->setLastModelFolder(m_folder);
        setWindowTitle(tr("%1 — Model runner").arg(QString::fromStdString(model->name)));
        statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(m_folder)));
        emit modelOpened(m_folder);
    });
    connect(m_runner, &ModelRunner::openFailed, this, [this](const QString& folder, const QString& message) {
        statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(folder)));
        m_panel->showStatus(tr("Could not open %1: %2").arg(QDir::toNativeSeparators(folder), message), true);
        emit modelOpenFailed(folder, message);
        if (m_options.prompts) QMessageBox::warning(this, tr("Could not open the model"), message);
    });
    connect(m_runner, &ModelRunner::finished, this, &ModelWindow::showOutcome);

    // Intervene: Undo / Redo of interventions, then each panel's actions (issue 13).
    m_interveneMenu = menuBar()->addMenu(tr("&Intervene"));
    QAction* undo = m_undo->createUndoAction(this, tr("&Undo intervention"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(this, tr("&Redo intervention"));
    redo->setShortcut(QKeySequence::Redo);
    m_interveneMenu->addAction(undo);
    m_interveneMenu->addAction(redo);
    m_interveneMenu->addSeparator();
    installGenerationPanel(*this);
    installAblationPanel(*this);
    installLogitLensPanel(*this);
    installOverridePanel(*this);
    installHeadExport(*this);
}

ModelWindow::~ModelWindow() = default;

void ModelWindow::openModelAsync(const QString& folder)
{
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(folder)));
    m_runner->open(folder);
}

bool ModelWindow::openModel(const QString& folder, QString* error)
{
    QEventLoop loop;
    bool ok = false;
    QString message;
    const auto a = connect(this, &ModelWindow::modelOpened, &loop, [&] { ok = true, loop.quit(); });
    const auto b = connect(this, &ModelWindow::modelOpenFailed, &loop, [&](const QString&, const QString& m) {
        message = m;
        loop.quit();
    });
    openModelAsync(folder);
    loop.exec();
    disconnect(a);
    disconnect(b);
    if (!ok && error) *error = message;
    return ok;
}

void ModelWindow::chooseModelFolder()
{
    QString start = m_settings->lastModelFolder();
    if (!start.isEmpty()) start = QFileInfo(start).absolutePath();  // its parent: pick a sibling
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open model folder"),
                                                             start.isEmpty() ? QDir::homePath() : start);
    if (!folder.isEmpty()) openModelAsync(folder);
}

bool ModelWindow::runInput(const QString& input, bool ids, QString* error)
{
    m_panel->setMode(ids ? ModelRunPanel::Mode::Ids : ModelRunPanel::Mode::Text);
    m_panel->setInput(input);
    QEventLoop loop;
    bool ok = false;
    QString message;
    int request = -1;
    const auto a = connect(this, &ModelWindow::runShown, &loop, [&] { ok = true, loop.quit(); });
    const auto b = connect(m_runner, &ModelRunner::failed, &loop, [&](int id, const QString& m) {
        if (id != request) return;
        message = m;
        loop.quit();
    });
    const auto c = connect(m_runner, &ModelRunner::cancelled, &loop, [&](int id) {
        if (id != request) return;
        message = tr("cancelled");
        loop.quit();
    });
    request = m_panel->runNow();
    if (!m_runner->runBusy() && message.isEmpty()) {
        // Refused at once (no model open): failed was emitted before the loop began.
        message = tr("Open a model folder first");
    } else {
        loop.exec();
    }
    disconnect(a);
    disconnect(b);
    disconnect(c);
    if (!ok && error) *error = message;
    return ok;
}

void ModelWindow::showOutcome(std::shared_ptr<const RunOutcome> outcome)
{
    m_outcome = outcome;
    if (!outcome->asked.intervenes()) m_plain = outcome;
    showStack(outcome->view);
    const QString name = QString::fromStdString(outcome->model->name);
    setWindowTitle(tr("%1 — Model runner").arg(name));
    statusBar()->showMessage(tr("%1: %2 tokens, %3 layers × %4 heads, forward %5")
                                 .arg(name)
                                 .arg(outcome->input.ids.size())
                                 .arg(outcome->result.layers)
                                 .arg(outcome->result.heads)
                                 .arg(formatSeconds(outcome->result.forward_seconds)));
    emit runShown();
}

}  // namespace attnviz::model_view
