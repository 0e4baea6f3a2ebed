// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/ablation_panel.hpp"

#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_window.hpp"

#include "inspector/model_panel.hpp"

#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace attnviz::model_view {

namespace {

// "53.75 %", "0.351 %", "1.2e-05 %": two decimals, or three below 1 %, or three significant digits.
QString percent(double p)
{
    const double v = p * 100.0;
    if (v >= 1.0 || v == 0.0) return QStringLiteral("%1 %").arg(v, 0, 'f', 2);
    return v >= 0.001 ? QStringLiteral("%1 %").arg(v, 0, 'f', 3) : QStringLiteral("%1 %").arg(v, 0, 'g', 2);
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

// The distribution the comparison reads: a causal LM's next token, a masked LM's first [MASK].
const std::vector<hf::TopToken>* distribution(const RunOutcome& o)
{
    if (o.model->info().causal) return &o.result.next;
    if (o.input.mask_positions.empty()) return nullptr;
    const auto p = static_cast<std::size_t>(o.input.mask_positions.front());
    return p < o.result.positions.size() ? &o.result.positions[p] : nullptr;
}

// One change of the ablation set, on the window's intervention undo stack.
class SetAblationCommand : public QUndoCommand {
public:
    SetAblationCommand(AblationPanel* panel, AblationSet before, AblationSet after, const QString& text)
        : QUndoCommand(text), m_panel(panel), m_before(std::move(before)), m_after(std::move(after))
    {
    }
    void redo() override
    {
        if (m_panel) m_panel->applySet(m_after);
    }
    void undo() override
    {
        if (m_panel) m_panel->applySet(m_before);
    }

private:
    QPointer<AblationPanel> m_panel;
    AblationSet m_before, m_after;
};

// Drawn over the model grid (a child of it, transparent to the mouse): each ablated head's
// thumbnail framed and crossed out.
class HeadMarks : public QWidget {
public:
    HeadMarks(widgets::ThumbnailGridWidget* grid, const AblationPanel* panel)
        : QWidget(grid), m_grid(grid), m_panel(panel)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setAttribute(Qt::WA_NoSystemBackground);
        resize(grid->size());
    }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QColor red(198, 40, 40);
        for (const auto& [l, h] : m_panel->ablationSet().heads) {
            if (l >= m_grid->layerCount() || h >= m_grid->headCount()) continue;
            const QRect r = m_grid->cellRect(l, h).adjusted(1, 1, -1, -1);
            p.setPen(QPen(red, 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(r);
            QColor faint = red;
            faint.setAlpha(150);
            p.setPen(QPen(faint, 2));
            p.drawLine(r.topLeft(), r.bottomRight());
            p.drawLine(r.topRight(), r.bottomLeft());
        }
    }

private:
    widgets::ThumbnailGridWidget* m_grid;
    const AblationPanel* m_panel;
};

}  // namespace

AblationPanel::AblationPanel(ModelWindow& window, QWidget* parent)
    : QWidget(parent), m_window(window), m_beforeRunner(new ModelRunner(this)), m_afterRunner(new ModelRunner(this)),
      m_pick(new QPushButton(tr("Pick heads"))), m_mode(new QComboBox), m_list(new QListWidget),
      m_layer(new QSpinBox), m_head(new QSpinBox), m_add(new QPushButton(tr("Add"))),
      m_remove(new QPushButton(tr("Remove"))), m_clear(new QPushButton(tr("Clear"))), m_caption(new QLabel),
      m_status(new QLabel), m_table(new QTableWidget), m_showAblated(new QPushButton(tr("Show ablated attention"))),
      m_marks(nullptr)
{
    setObjectName(QStringLiteral("ablationPanel"));
    m_pick->setCheckable(true);
    m_pick->setToolTip(tr("While on, a click on a thumbnail in the model grid switches that head off or on again"));
    m_mode->addItem(tr("Zero"));
    m_mode->addItem(tr("Mean"));
    m_mode->setToolTip(tr("Zero: the heads' output is 0 before the output projection. Mean: each head's output is "
                          "replaced by its mean over the sequence, at every position."));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(true);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setSpacing(2);
    m_list->setFixedHeight(m_list->fontMetrics().lineSpacing() * 2 + 12);
    m_list->setToolTip(tr("The heads switched off, as layer.head"));
    m_layer->setPrefix(tr("layer "));
    m_head->setPrefix(tr("head "));
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_status->setWordWrap(true);
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Token"), tr("Before"), tr("After"), tr("Change")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_showAblated->setCheckable(true);
    m_showAblated->setToolTip(tr("Show the ablated run's attention in the window's views (off: the plain run's)"));

    auto* setRow = new QHBoxLayout;
    setRow->addWidget(m_pick);
    setRow->addWidget(new QLabel(tr("Mode")));
    setRow->addWidget(m_mode);
    setRow->addStretch(1);
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_layer);
    addRow->addWidget(m_head);
    addRow->addWidget(m_add);
    addRow->addWidget(m_remove);
    addRow->addWidget(m_clear);
    addRow->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(setRow);
    layout->addWidget(m_list);
    layout->addLayout(addRow);
    layout->addWidget(m_caption);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_showAblated);

    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) {
        AblationSet s = m_set;
        s.mode = index == 1 ? hf::AblationMode::Mean : hf::AblationMode::Zero;
        requestSet(s, tr("Ablation mode %1").arg(ablationModeName(s.mode)));
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (!m_set.contains(m_layer->value(), m_head->value())) toggleHead(m_layer->value(), m_head->value());
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        AblationSet s = m_set;
        for (QListWidgetItem* item : m_list->selectedItems()) {
            const QPoint lh = item->data(Qt::UserRole).toPoint();
            std::erase(s.heads, std::pair{lh.x(), lh.y()});
        }
        requestSet(s, tr("Remove heads from the ablation"));
    });
    connect(m_clear, &QPushButton::clicked, this, [this] {
        AblationSet s = m_set;
        s.heads.clear();
        requestSet(s, tr("Clear the ablation"));
    });
    connect(m_showAblated, &QPushButton::toggled, this, [this] { showAblatedStack(); });
    connect(m_pick, &QPushButton::toggled, this, [this](bool on) {
        widgets::ThumbnailGridWidget* grid = m_window.modelPanel()->grid();
        if (on) grid->setCursor(Qt::CrossCursor);
        else grid->unsetCursor();
    });

    connect(window.runner(), &ModelRunner::opened, this, &AblationPanel::modelOpened);
    connect(&window, &ModelWindow::runShown, this, &AblationPanel::plainShown);
    for (ModelRunner* r : {m_beforeRunner, m_afterRunner}) {
        connect(r, &ModelRunner::failed, this, [this](int, const QString& message) {
            m_status->setText(tr("Refused: %1").arg(message));
            m_status->setStyleSheet(QStringLiteral("color: #c62828;"));
        });
    }
    connect(m_beforeRunner, &ModelRunner::finished, this, [this](const std::shared_ptr<const RunOutcome>& o) {
        if (!m_plain || o->input.ids != m_plain->input.ids) return;
        m_before = o;
        showComparison();
    });
    connect(m_afterRunner, &ModelRunner::finished, this, [this](const std::shared_ptr<const RunOutcome>& o) {
        if (!m_plain || o->input.ids != m_plain->input.ids || o->asked.ablate != m_set.ablations()) return;
        m_after = o;
        showComparison();
        showAblatedStack();
        emit ablationShown(o);
    });

    if (widgets::ThumbnailGridWidget* grid = window.modelPanel()->grid()) {
        m_marks = new HeadMarks(grid, this);
        grid->installEventFilter(this);
    }
    showList();
    showComparison();
}

void AblationPanel::requestSet(const AblationSet& set, const QString& what)
{
    AblationSet s = set;
    std::sort(s.heads.begin(), s.heads.end());
    s.heads.erase(std::unique(s.heads.begin(), s.heads.end()), s.heads.end());
    if (s == m_set) return;
    m_window.interventionUndo()->push(new SetAblationCommand(this, m_set, s, what));
}

void AblationPanel::toggleHead(int layer, int head)
{
    AblationSet s = m_set;
    const bool had = s.contains(layer, head);
    if (had) std::erase(s.heads, std::pair{layer, head});
    else s.heads.emplace_back(layer, head);
    requestSet(s, had ? tr("Switch head %1.%2 on again").arg(layer).arg(head)
                      : tr("Switch head %1.%2 off").arg(layer).arg(head));
}

void AblationPanel::applySet(const AblationSet& set)
{
    m_set = set;
    {
        const QSignalBlocker block(m_mode);
        m_mode->setCurrentIndex(set.mode == hf::AblationMode::Mean ? 1 : 0);
    }
    showList();
    runAfter();
}

bool AblationPanel::waitForIdle(int timeoutMs)
{
    return m_beforeRunner->waitForIdle(timeoutMs) && m_afterRunner->waitForIdle(timeoutMs);
}

bool AblationPanel::eventFilter(QObject* watched, QEvent* event)
{
    auto* grid = m_window.modelPanel()->grid();
    if (watched == grid) {
        if (event->type() == QEvent::Resize && m_marks) m_marks->resize(grid->size());
        const bool press = event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonDblClick;
        if (press && m_pick->isChecked()) {
            const auto* mouse = static_cast<QMouseEvent*>(event);
            int l = 0, h = 0;
            if (mouse->button() == Qt::LeftButton && grid->headAt(mouse->position().toPoint(), &l, &h)) toggleHead(l, h);
            return true;  // picking: the grid does not open the head in the heatmap
        }
    }
    return QWidget::eventFilter(watched, event);
}

void AblationPanel::modelOpened(const std::shared_ptr<const OpenedModel>& model)
{
    m_beforeRunner->adopt(model);
    m_afterRunner->adopt(model);
    m_layer->setRange(0, std::max(0, model->info().layers - 1));
    m_head->setRange(0, std::max(0, model->info().heads - 1));
    m_plain = m_before = m_after = nullptr;
    // Heads of another model mean nothing here; the undo history keeps the old sets.
    m_set.heads.clear();
    showList();
    showComparison();
}

void AblationPanel::plainShown()
{
    m_showingAblated = false;  // the window shows its own run now
    const auto plain = m_window.plainOutcome();
    if (!plain || plain == m_plain) return;  // an intervention's run was shown, not a new input
    m_plain = plain;
    m_before = m_after = nullptr;
    if (m_marks) m_marks->update();
    runBefore();
    runAfter();
}

RunRequest AblationPanel::requestFor(const std::shared_ptr<const RunOutcome>& outcome) const
{
    const RunOutcome& plain = *outcome;
    RunRequest r;
    r.fromText = false;
    QStringList ids;
    for (int id : plain.input.ids) ids << QString::number(id);
    r.ids = ids.join(QLatin1Char(','));
    r.topK = plain.model->info().vocab;  // every candidate's probability, before and after
    // The plain run's layers are reused up to the first one an ablation touches.
    if (plain.result.layer_inputs)
        r.resumeFrom = std::shared_ptr<const hf::RunResult>(outcome, &outcome->result);
    return r;
}

void AblationPanel::runBefore()
{
    if (!m_plain || !m_beforeRunner->model()) return;
    m_beforeRunner->run(requestFor(m_plain));
    showComparison();
}

void AblationPanel::runAfter()
{
    m_after = nullptr;
    if (m_marks) m_marks->update();
    if (!m_plain || !m_afterRunner->model() || m_set.heads.empty()) {
        m_afterRunner->cancel();
        showComparison();
        showAblatedStack();
        if (m_plain && m_set.heads.empty()) emit ablationShown(m_plain);
        return;
    }
    RunRequest r = requestFor(m_plain);
    r.ablate = m_set.ablations();
    m_afterRunner->run(r);
    showComparison();
}

void AblationPanel::showList()
{
    m_list->clear();
    for (const auto& [l, h] : m_set.heads) {
        auto* item = new QListWidgetItem(QStringLiteral("%1.%2").arg(l).arg(h), m_list);
        item->setData(Qt::UserRole, QPoint(l, h));
        item->setToolTip(tr("layer %1, head %2").arg(l).arg(h));
    }
    m_remove->setEnabled(!m_set.heads.empty());
    m_clear->setEnabled(!m_set.heads.empty());
    if (m_marks) m_marks->update();
}

void AblationPanel::showComparison()
{
    const auto setStatus = [this](const QString& text) {
        m_status->setStyleSheet(QString());
        m_status->setText(text);
    };
    const QString heads = m_set.heads.empty()
                              ? tr("No heads switched off: turn on <b>Pick heads</b> and click thumbnails in the "
                                   "model grid, or add them by number.")
                              : tr("Switched off: <b>%1</b> — %2")
                                    .arg(m_set.describe().toHtmlEscaped(),
                                         m_set.mode == hf::AblationMode::Mean
                                             ? tr("each head's output replaced by its mean over the sequence")
                                             : tr("each head's output set to 0 before the output projection"));
    m_showAblated->setEnabled(!m_set.heads.empty());
    const auto model = m_afterRunner->model();
    if (!model) {
        m_caption->setText(heads);
        setStatus(tr("Open a model folder first."));
        m_table->setRowCount(0);
        return;
    }
    if (!m_plain) {
        m_caption->setText(heads);
        setStatus(tr("Run an input in the model panel: the comparison is about its next token."));
        m_table->setRowCount(0);
        return;
    }
    if (!model->info().has_lm_head) {
        m_caption->setText(heads);
        setStatus(tr("This checkpoint has no language-model head: there is no prediction to compare (the ablated "
                     "run's attention can still be shown)."));
        m_table->setRowCount(0);
        return;
    }
    const std::shared_ptr<const RunOutcome> after = m_set.heads.empty() ? m_before : m_after;
    if (!m_before || !after) {
        m_caption->setText(heads);
        setStatus(tr("Running…"));
        return;  // the previous comparison stays until the new one is ready
    }
    const std::vector<hf::TopToken>* b = distribution(*m_before);
    const std::vector<hf::TopToken>* a = distribution(*after);
    const RunInput& in = m_before->input;
    QString where;
    if (model->info().causal) where = tr("Next token after “%1”").arg(chipText(in.labels.back()).toHtmlEscaped());
    else if (!in.mask_positions.empty()) where = tr("At the first [MASK] (position %1)").arg(in.mask_positions.front());
    m_caption->setText(heads + QStringLiteral("<br>") + where);
    if (!b || !a) {
        setStatus(tr("The input has no [MASK]: a masked LM is compared at its first [MASK] token."));
        m_table->setRowCount(0);
        return;
    }
    const std::vector<AblationRow> rows = compareTopK(*b, *a, kTopK);
    m_table->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const AblationRow& row = rows[static_cast<std::size_t>(r)];
        QTableWidgetItem* token = cell(chipText(token_label(*model, row.id)), Qt::AlignLeft | Qt::AlignVCenter);
        token->setData(Qt::UserRole, row.id);
        token->setToolTip(tr("id %1").arg(row.id));
        m_table->setItem(r, 0, token);
        QTableWidgetItem* before = cell(percent(row.before));
        before->setData(Qt::UserRole, row.before);
        m_table->setItem(r, 1, before);
        QTableWidgetItem* afterItem = cell(percent(row.after));
        afterItem->setData(Qt::UserRole, row.after);
        m_table->setItem(r, 2, afterItem);
        const double change = (row.after - row.before) * 100.0;  // percentage points
        QString text = QStringLiteral("%1 pp").arg(std::abs(change), 0, 'f', 2);
        if (change >= 0.005) text.prepend(QLatin1Char('+'));
        else if (change <= -0.005) text.prepend(QChar(0x2212));  // −
        else text = QStringLiteral("0.00 pp");
        QTableWidgetItem* delta = cell(text);
        delta->setData(Qt::UserRole, row.after - row.before);
        const bool dark = palette().base().color().lightnessF() < 0.5;  // lighter green and red on dark
        if (change >= 0.005) delta->setForeground(dark ? QColor(129, 199, 132) : QColor(46, 125, 50));
        else if (change <= -0.005) delta->setForeground(dark ? QColor(239, 154, 154) : QColor(198, 40, 40));
        m_table->setItem(r, 3, delta);
    }
    if (m_set.heads.empty()) {
        setStatus(tr("Plain run: %1 tokens (top %2 shown)").arg(in.ids.size()).arg(kTopK));
    } else {
        const int from = after->result.resumed_at_layer, last = after->result.layers - 1;
        const QString layers = from == last ? tr("layer %1").arg(last) : tr("layers %1–%2").arg(from).arg(last);
        setStatus(tr("Ablated run: %1 recomputed (the rest reused), forward %2. Rows: the union of both top %3, "
                     "by probability before.")
                      .arg(layers, formatSeconds(after->result.forward_seconds))
                      .arg(kTopK));
    }
}

void AblationPanel::showAblatedStack()
{
    if (m_showAblated->isChecked() && m_after && !m_set.heads.empty()) {
        m_window.showStack(m_after->view);
        m_showingAblated = true;
    } else if (m_showingAblated) {
        m_showingAblated = false;
        if (const auto shown = m_window.lastOutcome()) m_window.showStack(shown->view);  // back to the window's run
    }
}

void installAblationPanel(ModelWindow& window)
{
    auto* dock = new QDockWidget(QObject::tr("Ablation"), &window);
    dock->setObjectName(QStringLiteral("ablationDock"));
    auto* panel = new AblationPanel(window);
    dock->setWidget(panel);
    panel->setMinimumWidth(340);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    if (QMenu* menu = window.interveneMenu()) {
        QAction* show = dock->toggleViewAction();
        show->setText(QObject::tr("&Ablation panel"));
        menu->addAction(show);
    }
}

// --setup "L.H,L.H,... [mean]": the heads switched off (default 0.0), zero unless "mean".
QWidget* prepareAblationShot(ModelWindow& window, const QString& setup)
{
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("ablationDock"));
    auto* panel = dock ? qobject_cast<AblationPanel*>(dock->widget()) : nullptr;
    if (!panel || !window.runner()->model()) throw std::invalid_argument("the ablation panel is not available");
    AblationSet set;
    QStringList heads;
    for (const QString& word : setup.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (word == QLatin1String("mean")) set.mode = hf::AblationMode::Mean;
        else if (word == QLatin1String("zero")) set.mode = hf::AblationMode::Zero;
        else heads << word;
    }
    const std::string list = heads.isEmpty() ? std::string("0.0") : heads.join(QLatin1Char(',')).toStdString();
    std::vector<hf::HeadAblation> parsed;
    try {
        parsed = hf::parse_ablations(list);
        const hf::ModelInfo& info = window.runner()->model()->info();
        hf::check_ablations(parsed, info.layers, info.heads);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--setup for ablation: ") + e.what());
    }
    for (const hf::HeadAblation& a : parsed) set.heads.emplace_back(a.layer, a.head);
    // Floating, so that the screenshot's size is the dock's own (docked, the window lays it out).
    dock->setFloating(true);
    dock->show();
    dock->raise();
    panel->requestSet(set, QObject::tr("Ablation %1").arg(set.describe()));
    if (!panel->waitForIdle()) throw std::runtime_error("the ablation runs did not finish");
    QApplication::processEvents();
    return dock;
}

}  // namespace attnviz::model_view
