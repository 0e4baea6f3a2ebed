// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/override_panel.hpp"

#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_window.hpp"

#include "inspector/heatmap_panel.hpp"

#include "attnviz/widgets/seq2seq_attention_row_editor.hpp"

#include <QAction>
#include <QBrush>
#include <QComboBox>
#include <QDockWidget>
#include <QEventLoop>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace attnviz::model_view {

namespace {

constexpr int kShownPerRun = 5;  // the comparison lists each run's top 5 (their union)

QString percent(double p)
{
    const double v = p * 100.0;
    return v >= 1.0 || v == 0.0 ? QStringLiteral("%1 %").arg(v, 0, 'f', 2) : QStringLiteral("%1 %").arg(v, 0, 'g', 3);
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

// The distribution the comparison reads: a causal LM's next token, a masked LM's first [MASK].
QString countText(std::size_t n)
{
    return n == 1 ? QObject::tr("1 override") : QObject::tr("%1 overrides").arg(n);
}

const std::vector<hf::TopToken>* prediction(const RunOutcome& o)
{
    if (o.model->info().causal) return &o.result.next;
    for (int p : o.input.mask_positions)
        if (p < static_cast<int>(o.result.positions.size()) && !o.result.positions[static_cast<std::size_t>(p)].empty())
            return &o.result.positions[static_cast<std::size_t>(p)];
    return nullptr;
}

// One applied override or one Reset: the active set before and after, re-run either way.
class OverrideCommand : public QUndoCommand {
public:
    OverrideCommand(OverridePanel* panel, std::vector<hf::AttentionOverride> before,
                    std::vector<hf::AttentionOverride> after, const QString& text)
        : QUndoCommand(text), m_panel(panel), m_before(std::move(before)), m_after(std::move(after))
    {
    }
    void redo() override
    {
        if (m_panel) m_panel->setActive(m_after);
    }
    void undo() override
    {
        if (m_panel) m_panel->setActive(m_before);
    }

private:
    QPointer<OverridePanel> m_panel;
    std::vector<hf::AttentionOverride> m_before, m_after;
};

}  // namespace

// ---- OverridePanel ---------------------------------------------------------------------------

OverridePanel::OverridePanel(ModelWindow& window, QWidget* parent)
    : QWidget(parent), m_window(window), m_runner(new ModelRunner(this)), m_layer(new QSpinBox), m_head(new QSpinBox),
      m_query(new QComboBox), m_rowCaption(new QLabel), m_bars(new widgets::AttentionRowEditor),
      m_rowModel(new OverrideRowModel(this)), m_rowView(new QTableView), m_apply(new QPushButton(tr("&Apply"))),
      m_reset(new QPushButton(tr("Re&set all"))), m_list(new QListWidget), m_compareCaption(new QLabel),
      m_compare(new QTableWidget), m_status(new QLabel)
{
    setObjectName(QStringLiteral("overridePanel"));
    m_layer->setToolTip(tr("The layer whose attention row is rewritten"));
    m_head->setToolTip(tr("The head whose attention row is rewritten"));
    m_query->setToolTip(tr("The query position: the token whose attention row is rewritten"));
    m_query->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_rowCaption->setWordWrap(true);
    m_bars->setToolTip(tr("The attention row over the keys. Drag a bar to set a key's weight; Apply renormalises "
                          "the row (divides it by its sum) and re-runs the model from this layer"));
    m_rowView->setModel(m_rowModel);
    m_rowView->verticalHeader()->setVisible(false);
    m_rowView->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    const int line = m_rowView->fontMetrics().height();
    m_rowView->verticalHeader()->setDefaultSectionSize(line + 10);
    m_rowView->setFixedHeight((line + 10) * 2 + 2 * m_rowView->frameWidth() + 4 +
                              m_rowView->horizontalScrollBar()->sizeHint().height());
    m_rowView->setToolTip(tr("The same weights as numbers: type one between 0 and 1"));
    // The columns share the width, and scroll once they would be narrower than a weight.
    m_rowView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_rowView->horizontalHeader()->setMinimumSectionSize(m_rowView->fontMetrics().horizontalAdvance(QStringLiteral("0.000")) + 12);
    m_apply->setToolTip(tr("Renormalise this row, add it to the active overrides and re-run the model from its "
                           "layer (one undo step)"));
    auto* revert = new QPushButton(tr("Re&vert row"));
    revert->setToolTip(tr("Forget the edits not applied: show the row the last run used"));
    m_reset->setToolTip(tr("Remove every override and bring the model's own prediction back (one undo step)"));
    m_reset->setEnabled(false);
    m_list->setToolTip(tr("The overrides in effect, in the order applied"));
    m_list->setFixedHeight(line * 4 + 8);
    m_status->setWordWrap(true);
    m_compareCaption->setWordWrap(true);
    m_compare->setColumnCount(4);
    m_compare->setHorizontalHeaderLabels({tr("Token"), tr("Before"), tr("After"), tr("Δ")});
    m_compare->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) m_compare->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_compare->verticalHeader()->setVisible(false);
    m_compare->verticalHeader()->setDefaultSectionSize(line + 6);
    m_compare->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compare->setToolTip(tr("The next-token probabilities of the plain run (before) and of the run with the "
                             "active overrides (after); Δ in percentage points"));

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("Layer")));
    pick->addWidget(m_layer);
    pick->addWidget(new QLabel(tr("Head")));
    pick->addWidget(m_head);
    pick->addWidget(new QLabel(tr("Query")));
    pick->addWidget(m_query, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(revert);
    buttons->addWidget(m_apply);
    auto* activeRow = new QHBoxLayout;
    activeRow->addWidget(new QLabel(tr("Active overrides")), 1);
    activeRow->addWidget(m_reset);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(pick);
    layout->addWidget(m_rowCaption);
    layout->addWidget(m_bars, 3);
    layout->addWidget(m_rowView);
    layout->addLayout(buttons);
    layout->addLayout(activeRow);
    layout->addWidget(m_list);
    layout->addWidget(m_compareCaption);
    layout->addWidget(m_compare, 2);

    connect(m_layer, &QSpinBox::valueChanged, this, &OverridePanel::loadRow);
    connect(m_head, &QSpinBox::valueChanged, this, &OverridePanel::loadRow);
    connect(m_query, &QComboBox::currentIndexChanged, this, &OverridePanel::loadRow);
    connect(m_bars, &widgets::AttentionRowEditor::barEdited, m_rowModel, &OverrideRowModel::setWeight);
    connect(m_rowModel, &OverrideRowModel::rowEdited, this, [this] {
        m_bars->setRow(m_rowModel->keys(), m_rowModel->row());
        showStatus(tr("Edited: Apply renormalises the row and re-runs"), false);
    });
    connect(m_rowModel, &OverrideRowModel::refused, this, [this](const QString& m) { showStatus(m, true); });
    connect(revert, &QPushButton::clicked, this, &OverridePanel::loadRow);
    connect(m_apply, &QPushButton::clicked, this, &OverridePanel::apply);
    connect(m_reset, &QPushButton::clicked, this, &OverridePanel::reset);

    // The panel's own runner shares the window's model; its runs never replace the window's.
    if (window.runner()->model()) m_runner->adopt(window.runner()->model());
    connect(window.runner(), &ModelRunner::opened, m_runner, &ModelRunner::adopt);
    connect(m_runner, &ModelRunner::finished, this, &OverridePanel::runFinished);
    connect(m_runner, &ModelRunner::failed, this, [this](int id, const QString& message) {
        if (id != m_beforeRequest && id != m_afterRequest) return;
        showStatus(tr("The run was refused: %1").arg(message), true);
        emit runFailed(message);
    });
    connect(&window, &ModelWindow::runShown, this, &OverridePanel::plainChanged);
    // Follow the heatmap when the user picks another head there (not on every redraw).
    connect(window.heatmapPanel(), &inspector::HeatmapPanel::headShown, this, [this](int l, int h) {
        if (l == m_heatmapLayer && h == m_heatmapHead) return;
        m_heatmapLayer = l, m_heatmapHead = h;
        select(l, h, query());
    });
    showActive();
    m_compareCaption->setText(tr("Run the model, then edit a row and Apply"));
}

int OverridePanel::layer() const { return m_layer->value(); }
int OverridePanel::head() const { return m_head->value(); }
int OverridePanel::query() const { return std::max(0, m_query->currentIndex()); }

void OverridePanel::select(int layer, int head, int query)
{
    const QSignalBlocker a(m_layer), b(m_head), c(m_query);
    m_layer->setValue(layer);
    m_head->setValue(head);
    m_query->setCurrentIndex(std::clamp(query, 0, std::max(0, m_query->count() - 1)));
    loadRow();
}

void OverridePanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_plain && !(m_after && m_after->asked.resumeFrom.get() == &m_plain->result)) refresh();
}

void OverridePanel::plainChanged()
{
    const auto plain = m_window.plainOutcome();
    if (!plain || plain == m_plain) return;
    const bool first = !m_plain;
    m_plain = plain;
    const hf::ModelInfo& info = plain->model->info();
    const int n = plain->result.n;
    {
        const QSignalBlocker a(m_layer), b(m_head), c(m_query);
        m_layer->setRange(0, info.layers - 1);
        m_head->setRange(0, info.heads - 1);
        const int q = m_query->count() == n ? m_query->currentIndex() : n - 1;
        m_query->clear();
        for (int i = 0; i < n; ++i)
            m_query->addItem(QStringLiteral("%1: %2").arg(i).arg(chipText(plain->input.labels[static_cast<std::size_t>(i)])));
        m_query->setCurrentIndex(std::clamp(q, 0, n - 1));
        if (first) m_layer->setValue(info.layers - 1);  // the last layer: where induction heads live
    }
    loadRow();
    if (isVisible() || !m_active.empty()) refresh();
}

// The row of the chosen (layer, head, query) as the run shown last used it (an active override
// included), or the plain run's while the overridden one is not there yet.
void OverridePanel::loadRow()
{
    if (!m_plain) return;
    const bool afterCurrent = m_after && m_after->asked.resumeFrom.get() == &m_plain->result;
    const RunOutcome& source = afterCurrent ? *m_after : *m_plain;
    const hf::RunResult& r = source.result;
    const int n = r.n, l = layer(), h = head(), q = query();
    if (l >= r.layers || h >= r.heads || q >= n) return;
    std::vector<double> row(static_cast<std::size_t>(n));
    const float* at = r.attentions->data() + ((static_cast<std::size_t>(l) * r.heads + h) * n + q) * n;
    for (int k = 0; k < n; ++k) row[static_cast<std::size_t>(k)] = at[k];
    QStringList keys;
    for (int k = 0; k < n; ++k) keys << chipText(m_plain->input.labels[static_cast<std::size_t>(k)]);
    const int fixedFrom = source.model->info().causal && q + 1 < n ? q + 1 : -1;
    m_rowModel->setRow(keys, row, fixedFrom);
    m_bars->setRow(keys, row);
    m_bars->setFixedFrom(fixedFrom);
    const bool overridden = std::any_of(m_active.begin(), m_active.end(), [&](const hf::AttentionOverride& o) {
        return o.layer == l && o.head == h && o.query == q;
    });
    m_rowCaption->setText(tr("Layer %1, head %2: the attention of query %3 “%4” over the keys%5")
                              .arg(l)
                              .arg(h)
                              .arg(q)
                              .arg(keys.value(q))
                              .arg(overridden ? tr(" (overridden)") : QString()));
    showStatus(fixedFrom >= 0 ? tr("Keys after the query are fixed at 0 (the model is causal)") : QString(), false);
}

bool OverridePanel::apply()
{
    if (!m_plain) {
        showStatus(tr("Run the model first"), true);
        return false;
    }
    const std::vector<double>& row = m_rowModel->row();
    const int l = layer(), h = head(), q = query();
    double sum = 0.0;
    for (std::size_t k = 0; k < row.size(); ++k) {
        if (!std::isfinite(row[k]) || row[k] < 0.0) {
            showStatus(tr("Refused: key %1 has weight %2; weights must be finite and ≥ 0").arg(k).arg(row[k]), true);
            return false;
        }
        if (m_rowModel->fixedFrom() >= 0 && static_cast<int>(k) >= m_rowModel->fixedFrom() && row[k] != 0.0) {
            showStatus(tr("Refused: key %1 is after the query of a causal model; its weight must be 0").arg(k), true);
            return false;
        }
        sum += row[k];
    }
    if (!(sum > 0.0)) {
        showStatus(tr("Refused: the row is all zeros; give at least one key a weight above 0. The overrides in "
                      "effect are unchanged"), true);
        return false;
    }
    hf::AttentionOverride o{l, h, q, {}};
    for (double w : row) o.row.push_back(static_cast<float>(w / sum));  // renormalised, as the what-if does
    std::vector<hf::AttentionOverride> next = m_active;
    auto same = std::find_if(next.begin(), next.end(), [&](const hf::AttentionOverride& a) {
        return a.layer == l && a.head == h && a.query == q;
    });
    if (same != next.end()) *same = o;
    else next.push_back(o);
    m_window.interventionUndo()->push(new OverrideCommand(
        this, m_active, std::move(next), tr("override attention (layer %1, head %2, query %3)").arg(l).arg(h).arg(q)));
    return true;
}

bool OverridePanel::reset()
{
    if (m_active.empty()) return false;
    m_window.interventionUndo()->push(new OverrideCommand(this, m_active, {}, tr("reset attention overrides")));
    return true;
}

void OverridePanel::setActive(std::vector<hf::AttentionOverride> overrides)
{
    m_active = std::move(overrides);
    showActive();
    refresh();
}

RunRequest OverridePanel::request(std::vector<hf::AttentionOverride> overrides) const
{
    RunRequest r = m_plain->asked;  // the same input
    r.ablate.clear();
    r.logitLens = false;
    r.capture.reset();
    r.overrides = std::move(overrides);
    r.topK = m_plain->model->info().vocab;  // every token: any candidate's before and after
    r.keepLayerInputs = false;
    // The core starts at the first layer overridden (none: it redoes only the last layer).
    r.resumeFrom = std::shared_ptr<const hf::RunResult>(m_plain, &m_plain->result);
    return r;
}

void OverridePanel::refresh()
{
    if (!m_plain || !m_runner->model()) return;
    if (!m_before || m_before->asked.resumeFrom.get() != &m_plain->result) {
        m_afterRequest = 0;
        m_beforeRequest = m_runner->run(request({}));
        return;  // runFinished continues
    }
    if (m_active.empty()) {
        m_after = m_before;
        loadRow();
        showComparison();
        return;
    }
    showStatus(tr("Running with %1…").arg(countText(m_active.size())), false);
    m_afterRequest = m_runner->run(request(m_active));
}

void OverridePanel::runFinished(const std::shared_ptr<const RunOutcome>& outcome)
{
    if (outcome->request == m_beforeRequest) {
        m_beforeRequest = 0;
        m_before = outcome;
        refresh();
    } else if (outcome->request == m_afterRequest) {
        m_afterRequest = 0;
        m_after = outcome;
        loadRow();
        showComparison();
    }
}

void OverridePanel::showComparison()
{
    m_compare->setRowCount(0);
    const std::vector<hf::TopToken>* before = prediction(*m_before);
    const std::vector<hf::TopToken>* after = prediction(*m_after);
    if (!before || !after || before->empty() || after->empty()) {
        m_compareCaption->setText(m_before->model->info().causal ? tr("This checkpoint has no language-model head")
                                                                  : tr("The input has no [MASK] to predict"));
        emit comparisonShown();
        return;
    }
    std::map<int, double> p0, p1;  // every token's probability (the runs asked for the whole vocabulary)
    for (const hf::TopToken& t : *before) p0[t.id] = t.probability;
    for (const hf::TopToken& t : *after) p1[t.id] = t.probability;
    std::vector<int> ids;
    std::set<int> seen;
    for (const auto* list : {after, before})
        for (std::size_t i = 0; i < list->size() && i < kShownPerRun; ++i)
            if (seen.insert((*list)[i].id).second) ids.push_back((*list)[i].id);
    std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return p1[a] > p1[b]; });
    m_compare->setRowCount(static_cast<int>(ids.size()));
    for (int r = 0; r < static_cast<int>(ids.size()); ++r) {
        const int id = ids[static_cast<std::size_t>(r)];
        const double b = p0[id], a = p1[id], d = (a - b) * 100.0;
        QTableWidgetItem* token = cell(chipText(token_label(*m_before->model, id)), Qt::AlignLeft | Qt::AlignVCenter);
        token->setData(Qt::UserRole, id);
        token->setToolTip(tr("id %1").arg(id));
        m_compare->setItem(r, 0, token);
        QTableWidgetItem* bi = cell(percent(b));
        bi->setData(Qt::UserRole, b);
        m_compare->setItem(r, 1, bi);
        QTableWidgetItem* ai = cell(percent(a));
        ai->setData(Qt::UserRole, a);
        m_compare->setItem(r, 2, ai);
        QTableWidgetItem* di = cell(QStringLiteral("%1%2 pp").arg(d >= 0.0 ? QStringLiteral("+") : QString()).arg(d, 0, 'f', 2));
        di->setData(Qt::UserRole, a - b);
        if (std::abs(d) >= 0.01) di->setForeground(QBrush(d > 0.0 ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28)));
        m_compare->setItem(r, 3, di);
    }
    const auto name = [&](const std::vector<hf::TopToken>& list) {
        return tr("“%1” %2").arg(chipText(token_label(*m_before->model, list.front().id)), percent(list.front().probability));
    };
    const QString at = m_before->model->info().causal ? tr("Next token after “%1”").arg(chipText(m_plain->input.labels.back()))
                                                      : tr("At the first [MASK]");
    m_compareCaption->setText(m_active.empty()
                                  ? tr("%1: %2 (no override active)").arg(at, name(*before))
                                  : tr("%1: %2 before → %3 after").arg(at, name(*before), name(*after)));
    showStatus(m_active.empty() ? QString() : tr("%1 in effect").arg(countText(m_active.size())), false);
    emit comparisonShown();
}

void OverridePanel::showActive()
{
    m_list->clear();
    for (const hf::AttentionOverride& o : m_active) {
        const auto top = std::max_element(o.row.begin(), o.row.end()) - o.row.begin();
        const auto label = [&](std::ptrdiff_t k) {
            return m_plain && k < static_cast<std::ptrdiff_t>(m_plain->input.labels.size())
                       ? chipText(m_plain->input.labels[static_cast<std::size_t>(k)]) : QString::number(k);
        };
        m_list->addItem(tr("layer %1, head %2, query %3 “%4”: most weight on “%5” (%6)")
                            .arg(o.layer)
                            .arg(o.head)
                            .arg(o.query)
                            .arg(label(o.query), label(top), percent(o.row[static_cast<std::size_t>(top)])));
    }
    if (m_active.empty()) m_list->addItem(tr("none: the model's own attention"));
    m_reset->setEnabled(!m_active.empty());
}

void OverridePanel::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

// ---- installation and the screenshot ---------------------------------------------------------

void installOverridePanel(ModelWindow& window)
{
    auto* dock = new QDockWidget(QObject::tr("Attention override"), &window);
    dock->setObjectName(QStringLiteral("overrideDock"));
    dock->setWidget(new OverridePanel(window));
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    auto* show = new QAction(QObject::tr("&Override attention row…"), &window);
    show->setToolTip(QObject::tr("Rewrite one head's attention row at one query and see the prediction change"));
    QObject::connect(show, &QAction::triggered, dock, [dock] {
        dock->show();
        dock->raise();
    });
    window.interveneMenu()->addAction(show);
}

// setup: "layer=L head=H query=Q row=w0,w1,…", each optional (defaults: the last layer, head 0,
// the last query, all the weight on the first token). A row may stop at the query (the keys
// after it are 0).
QWidget* prepareOverrideShot(ModelWindow& window, const QString& setup)
{
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("overrideDock"));
    auto* panel = dock ? qobject_cast<OverridePanel*>(dock->widget()) : nullptr;
    const auto plain = window.plainOutcome();
    if (!panel || !plain) throw std::invalid_argument("override: no run to override");
    const hf::ModelInfo& info = plain->model->info();
    const int n = plain->result.n;
    int layer = info.layers - 1, head = 0, query = n - 1;
    QString rowText;
    const auto bad = [](const QString& what) {
        return std::invalid_argument(("override --setup: " + what +
                                      " (expected \"layer=L head=H query=Q row=w0,w1,...\")").toStdString());
    };
    const auto number = [&](const QString& key, const QString& value, int limit) {
        bool ok = false;
        const int v = value.toInt(&ok);
        if (!ok || v < 0 || v >= limit)
            throw bad(QStringLiteral("%1=%2 is not in 0..%3").arg(key, value).arg(limit - 1));
        return v;
    };
    for (const QString& item : setup.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString key = item.section(QLatin1Char('='), 0, 0), value = item.section(QLatin1Char('='), 1);
        if (key == QLatin1String("layer")) layer = number(key, value, info.layers);
        else if (key == QLatin1String("head")) head = number(key, value, info.heads);
        else if (key == QLatin1String("query")) query = number(key, value, n);
        else if (key == QLatin1String("row")) rowText = value;
        else throw bad(QStringLiteral("unknown item '%1'").arg(item));
    }
    std::vector<double> row(static_cast<std::size_t>(n), 0.0);
    row[0] = 1.0;
    if (!rowText.isEmpty()) {
        const QStringList parts = rowText.split(QLatin1Char(','));
        const int width = info.causal ? query + 1 : n;
        if (parts.size() != n && parts.size() != width)
            throw bad(QStringLiteral("row has %1 weights, expected %2").arg(parts.size()).arg(width));
        std::fill(row.begin(), row.end(), 0.0);
        for (int k = 0; k < parts.size(); ++k) {
            bool ok = false;
            row[static_cast<std::size_t>(k)] = parts[k].trimmed().toDouble(&ok);
            if (!ok) throw bad(QStringLiteral("row weight '%1' is not a number").arg(parts[k]));
        }
    }
    // Floating, so that the screenshot's size is the dock's own (docked, the window lays it out).
    dock->setFloating(true);
    dock->show();
    dock->raise();
    panel->select(layer, head, query);
    OverrideRowModel* model = panel->rowModel();
    model->setRow(model->keys(), row, model->fixedFrom());
    panel->bars()->setRow(model->keys(), row);
    QEventLoop loop;
    QString failure;
    QObject::connect(panel, &OverridePanel::comparisonShown, &loop, [&] {
        if (!panel->active().empty() && panel->after() && !panel->after()->asked.overrides.empty()) loop.quit();
    });
    QObject::connect(panel, &OverridePanel::runFailed, &loop, [&](const QString& m) { failure = m, loop.quit(); });
    if (!panel->apply()) throw bad(panel->statusLabel()->text());
    panel->applyButton()->setFocus();
    if (panel->after() == nullptr || panel->after()->asked.overrides.empty()) loop.exec();
    if (!failure.isEmpty()) throw std::invalid_argument(failure.toStdString());
    return dock;
}

}  // namespace attnviz::model_view
