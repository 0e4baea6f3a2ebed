// SPDX-License-Identifier: GPL-3.0-or-later
// "Open head in playground…" (issue 13 item 5): one head of the current input, with its real
// queries, keys and values, as a playground session. Three ways in: Intervene → Open Head in
// Playground… (a small dialog picks the layer and head, starting at the head the heatmap tab
// shows), and the context menus of the model grid (the thumbnail under the pointer), the head
// view (each head it draws) and the heatmap tab (the head it shows).
//
// The head is captured by re-running the window's current input (interventions included: the
// head is that of the model as shown) on a private ModelRunner that adopts the window's model,
// resuming from the plain run's layer inputs when it has them. The session is built by
// head_session (the code `attnviz run --export-head` uses), written to the application's data
// folder (head-sessions/<model>-layer<L>-head<H>.json), and handed to the playground through
// ModelWindow::openSessionInPlayground: it opens as any session file does, so every edit is an
// undo step and recomputes exactly as for typed matrices.
#include "model_view/head_session.hpp"
#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"

#include "inspector/head_view_panel.hpp"
#include "inspector/heatmap_panel.hpp"
#include "inspector/model_panel.hpp"

#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QAction>
#include <QContextMenuEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>

#include <stdexcept>

namespace attnviz::model_view {

namespace {

// "tiny-gpt2" → itself; anything but letters, digits, '-', '_' and '.' becomes '_'.
QString fileSafe(QString name)
{
    for (QChar& c : name)
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_') && c != QLatin1Char('.'))
            c = QLatin1Char('_');
    return name.isEmpty() ? QStringLiteral("model") : name;
}

// The input as the dialog quotes it: at most 80 characters.
QString elided(const QString& text)
{
    return text.size() <= 80 ? text : text.left(79) + QChar(0x2026);
}

class HeadExporter : public QObject {
    Q_OBJECT

public:
    explicit HeadExporter(ModelWindow& window) : QObject(&window), m_window(window), m_runner(new ModelRunner(this))
    {
        setObjectName(QStringLiteral("headExporter"));
        m_action = new QAction(tr("Open Head in &Playground…"), this);
        m_action->setObjectName(QStringLiteral("openHeadInPlayground"));
        m_action->setToolTip(tr("Open one head's real queries, keys and values for this input as a playground "
                                "session (scaled dot-product, the tokens as labels)"));
        m_action->setEnabled(false);
        connect(m_action, &QAction::triggered, this, &HeadExporter::chooseAndExport);
        window.interveneMenu()->addSeparator();
        window.interveneMenu()->addAction(m_action);

        connect(window.runner(), &ModelRunner::opened, this,
                [this](const std::shared_ptr<const OpenedModel>& model) { m_runner->adopt(model); });
        connect(&window, &ModelWindow::runShown, this, [this] { m_action->setEnabled(true); });
        connect(m_runner, &ModelRunner::finished, this, &HeadExporter::captured);
        connect(m_runner, &ModelRunner::failed, this, [this](int request, const QString& message) {
            if (request == m_request) report(tr("Could not open the head: %1").arg(message), true);
        });

        if (widgets::ThumbnailGridWidget* grid = window.modelPanel()->grid()) grid->installEventFilter(this);
        window.heatmapPanel()->installEventFilter(this);
        window.headViewPanel()->installEventFilter(this);
    }

    // Captures (layer, head) on the current input and, once done, asks for it in the
    // playground. False (with the reason in the status bar) when nothing was run yet or the head
    // is outside the model.
    Q_INVOKABLE bool exportHead(int layer, int head)
    {
        const std::shared_ptr<const RunOutcome> current = m_window.lastOutcome();
        if (!current) {
            report(tr("Run an input first: the head is read from a run"), true);
            return false;
        }
        try {
            hf::check_capture({layer, head}, current->result.layers, current->result.heads);
        } catch (const std::invalid_argument& e) {
            report(QString::fromStdString(e.what()), true);
            return false;
        }
        RunRequest request = current->asked;  // the same input and interventions
        request.capture = hf::HeadCapture{layer, head};
        request.logitLens = false;
        request.keepLayerInputs = false;
        // The plain run's layer inputs let the core start at the captured layer.
        const std::shared_ptr<const RunOutcome> plain = m_window.plainOutcome();
        if (plain && plain->input.ids == current->input.ids && plain->result.layer_inputs)
            request.resumeFrom = std::shared_ptr<const hf::RunResult>(plain, &plain->result);
        if (!m_runner->model()) m_runner->adopt(current->model);
        m_request = m_runner->run(request);
        if (m_request == 0) return false;
        report(tr("Reading head %1.%2…").arg(layer).arg(head), false);
        return true;
    }

    bool waitForIdle(int timeoutMs) { return m_runner->waitForIdle(timeoutMs); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::ContextMenu || !m_window.lastOutcome()) return QObject::eventFilter(watched, event);
        const auto* e = static_cast<QContextMenuEvent*>(event);
        if (watched == m_window.headViewPanel()) {
            // The head view draws some heads of one layer: one entry for each head drawn.
            const int layer = m_window.headViewPanel()->layer();
            const QList<int> heads = m_window.headViewPanel()->headsShown();
            if (layer < 0 || heads.isEmpty()) return QObject::eventFilter(watched, event);
            QMenu menu;
            for (int head : heads)
                connect(menu.addAction(tr("Open Head %1.%2 in Playground").arg(layer).arg(head)), &QAction::triggered,
                        this, [this, layer, head] { exportHead(layer, head); });
            menu.exec(e->globalPos());
            return true;
        }
        int layer = -1, head = -1;
        if (watched == m_window.modelPanel()->grid()) {
            if (!m_window.modelPanel()->grid()->headAt(e->pos(), &layer, &head)) return false;
        } else if (watched == m_window.heatmapPanel()) {
            if (m_window.heatmapPanel()->source() != inspector::HeatmapPanel::Source::Head) return false;
            layer = m_window.heatmapPanel()->layer();
            head = m_window.heatmapPanel()->head();
        }
        if (layer < 0 || head < 0) return QObject::eventFilter(watched, event);
        QMenu menu;
        QAction* open = menu.addAction(tr("Open Head %1.%2 in Playground").arg(layer).arg(head));
        connect(open, &QAction::triggered, this, [this, layer, head] { exportHead(layer, head); });
        menu.exec(e->globalPos());
        return true;
    }

private:
    void chooseAndExport()
    {
        const std::shared_ptr<const RunOutcome> current = m_window.lastOutcome();
        if (!current) return;
        QDialog dialog(&m_window);
        dialog.setObjectName(QStringLiteral("headExportDialog"));
        dialog.setWindowTitle(tr("Open head in playground"));
        dialog.setMinimumWidth(420);
        auto* form = new QFormLayout(&dialog);
        auto* note = new QLabel(tr("The head's queries, keys and values for “%1” become a scaled dot-product "
                                   "session in the playground, the tokens as labels.")
                                    .arg(elided(current->asked.fromText ? current->asked.text : current->asked.ids)));
        note->setWordWrap(true);
        form->addRow(note);
        auto* layer = new QSpinBox;
        layer->setObjectName(QStringLiteral("layer"));
        layer->setRange(0, current->result.layers - 1);
        auto* head = new QSpinBox;
        head->setObjectName(QStringLiteral("head"));
        head->setRange(0, current->result.heads - 1);
        // Start at the head the heatmap tab shows, else the last one opened.
        const inspector::HeatmapPanel* heatmap = m_window.heatmapPanel();
        if (heatmap->source() == inspector::HeatmapPanel::Source::Head && heatmap->layer() >= 0 && heatmap->head() >= 0) {
            layer->setValue(heatmap->layer());
            head->setValue(heatmap->head());
        } else {
            layer->setValue(m_lastLayer);
            head->setValue(m_lastHead);
        }
        form->addRow(tr("&Layer (0 … %1):").arg(current->result.layers - 1), layer);
        form->addRow(tr("&Head (0 … %1):").arg(current->result.heads - 1), head);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        buttons->button(QDialogButtonBox::Ok)->setText(tr("Open in Playground"));
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        form->addRow(buttons);
        if (dialog.exec() != QDialog::Accepted) return;
        m_lastLayer = layer->value();
        m_lastHead = head->value();
        exportHead(m_lastLayer, m_lastHead);
    }

    void captured(const std::shared_ptr<const RunOutcome>& outcome)
    {
        if (outcome->request != m_request || !outcome->result.captured) return;
        const hf::CapturedHead& c = *outcome->result.captured;
        const QString folder =
            QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("head-sessions"));
        const QString path = QDir(folder).filePath(QStringLiteral("%1-layer%2-head%3.json")
                                                       .arg(fileSafe(QString::fromStdString(outcome->model->name)))
                                                       .arg(c.layer)
                                                       .arg(c.head));
        try {
            if (!QDir().mkpath(folder))
                throw std::invalid_argument("cannot create " + QDir::toNativeSeparators(folder).toStdString());
            const Session session = head_session(c, outcome->input.labels,
                                                 head_source(outcome->model->info(), outcome->model->name));
            write_head_session(session, path.toStdString());
        } catch (const std::invalid_argument& e) {
            report(tr("Could not write the head's session: %1").arg(QString::fromStdString(e.what())), true);
            return;
        }
        report(tr("Head %1.%2 opened in the playground (%3)").arg(c.layer).arg(c.head).arg(QDir::toNativeSeparators(path)),
               false);
        emit m_window.openSessionInPlayground(path);
    }

    void report(const QString& text, bool error)
    {
        m_window.statusBar()->showMessage(text, error ? 0 : 8000);
        if (error) m_window.runPanel()->showStatus(text, true);
    }

    ModelWindow& m_window;
    ModelRunner* m_runner;
    QAction* m_action = nullptr;
    int m_request = -1;
    int m_lastLayer = 0, m_lastHead = 0;
};

}  // namespace

void installHeadExport(ModelWindow& window) { new HeadExporter(window); }

}  // namespace attnviz::model_view

#include "head_export_action.moc"
