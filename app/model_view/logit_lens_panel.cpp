// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/logit_lens_panel.hpp"

#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_window.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <stdexcept>

namespace attnviz::model_view {

namespace {

constexpr int kIdRole = Qt::UserRole;               // the top token's id
constexpr int kProbabilityRole = Qt::UserRole + 1;  // its probability (double)

QString percent(double p)
{
    const double v = p * 100.0;
    return v >= 1.0 ? QStringLiteral("%1 %").arg(v, 0, 'f', 1) : QStringLiteral("%1 %").arg(v, 0, 'g', 2);
}

// A cell's colour by probability: the base colour at 0, a saturated blue at 1.
QColor probabilityColour(double p, const QColor& base)
{
    const QColor full(21, 101, 192);
    const double t = std::clamp(p, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(base.redF() + (full.redF() - base.redF()) * t),
                            static_cast<float>(base.greenF() + (full.greenF() - base.greenF()) * t),
                            static_cast<float>(base.blueF() + (full.blueF() - base.blueF()) * t));
}

// White on the saturated cells, the palette's text colour on the pale ones (light or dark).
QColor textColour(double p, const QPalette& palette)
{
    return p > 0.6 ? QColor(Qt::white) : palette.text().color();
}

// Frames the chosen column (the table's selection would paint over the probability colours).
class ColumnFrameDelegate : public QStyledItemDelegate {
public:
    ColumnFrameDelegate(const int* column, QObject* parent) : QStyledItemDelegate(parent), m_column(column) {}
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        if (index.column() != *m_column) return;
        painter->save();
        painter->setPen(QPen(QColor(230, 81, 0), 3));
        const QRect r = option.rect.adjusted(1, 0, -2, 0);
        painter->drawLine(r.topLeft(), r.bottomLeft());
        painter->drawLine(r.topRight(), r.bottomRight());
        if (index.row() == 0) painter->drawLine(r.topLeft() + QPoint(0, 1), r.topRight() + QPoint(0, 1));
        if (index.row() == index.model()->rowCount() - 1)
            painter->drawLine(r.bottomLeft(), r.bottomRight());
        painter->restore();
    }

private:
    const int* m_column;
};

QTableWidgetItem* lensCell(const OpenedModel& model, const std::vector<hf::TopToken>& top, const QPalette& palette)
{
    auto* item = new QTableWidgetItem;
    item->setFlags(Qt::ItemIsEnabled);
    item->setTextAlignment(Qt::AlignCenter);
    if (top.empty()) return item;
    const hf::TopToken& best = top.front();
    item->setText(QStringLiteral("%1\n%2").arg(chipText(token_label(model, best.id)), percent(best.probability)));
    item->setData(kIdRole, best.id);
    item->setData(kProbabilityRole, static_cast<double>(best.probability));
    item->setBackground(probabilityColour(best.probability, palette.base().color()));
    item->setForeground(textColour(best.probability, palette));
    QStringList lines;
    for (const hf::TopToken& t : top)
        lines << QStringLiteral("%1  %2").arg(chipText(token_label(model, t.id)).toHtmlEscaped(), percent(t.probability));
    item->setToolTip(lines.join(QStringLiteral("<br>")));
    return item;
}

}  // namespace

LogitLensPanel::LogitLensPanel(ModelWindow& window, QWidget* parent)
    : QWidget(parent), m_window(window), m_runner(new ModelRunner(this)), m_message(new QLabel),
      m_table(new QTableWidget), m_detailCaption(new QLabel), m_detail(new QTableWidget)
{
    setObjectName(QStringLiteral("logitLensPanel"));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    const int line = fontMetrics().lineSpacing();
    for (QTableWidget* t : {m_table, m_detail}) {
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setSelectionMode(QAbstractItemView::NoSelection);
        t->verticalHeader()->setDefaultSectionSize(line * 2 + 8);
        t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        t->setWordWrap(false);
    }
    m_table->setItemDelegate(new ColumnFrameDelegate(&m_position, m_table));
    m_table->setToolTip(tr("The top token after each layer at each position; click a column to list its top %1")
                            .arg(kTopK));
    m_detailCaption->setWordWrap(true);
    m_detail->setColumnCount(kTopK);
    QStringList ranks;
    for (int k = 1; k <= kTopK; ++k) ranks << QStringLiteral("#%1").arg(k);
    m_detail->setHorizontalHeaderLabels(ranks);

    auto* side = m_side = new QWidget;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_detailCaption);
    sideLayout->addWidget(m_detail, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_table, &QTableWidget::cellClicked, this, [this](int, int column) { selectPosition(column); });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, &LogitLensPanel::selectPosition);
    connect(window.runner(), &ModelRunner::opened, this, &LogitLensPanel::modelOpened);
    connect(&window, &ModelWindow::runShown, this, &LogitLensPanel::refresh);
    connect(m_runner, &ModelRunner::finished, this, &LogitLensPanel::showOutcome);
    connect(m_runner, &ModelRunner::started, this, [this] { showMessage(tr("Reading every layer…")); });
    connect(m_runner, &ModelRunner::failed, this,
            [this](int, const QString& message) { showMessage(tr("Refused: %1").arg(message.toHtmlEscaped()), true); });
    showMessage(tr("Open a model folder and run an input: each layer's prediction appears here."));
}

void LogitLensPanel::setShown(bool shown)
{
    m_shown = shown;
    refresh();
}

void LogitLensPanel::modelOpened(const std::shared_ptr<const OpenedModel>& model)
{
    m_runner->adopt(model);
    m_asked = m_outcome = nullptr;
    m_position = -1;
    m_table->clear();
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    m_detail->setRowCount(0);
    m_detailCaption->clear();
    m_table->parentWidget()->setVisible(model->info().has_lm_head);  // the splitter: tables only with a head
    if (!model->info().has_lm_head)
        showMessage(tr("<b>This checkpoint has no language-model head</b>: the logit lens reads each layer's residual "
                       "stream through the final norm and the LM head, so there is nothing to show."),
                    true);
    else showMessage(tr("Run an input: each layer's prediction at each position appears here."));
}

void LogitLensPanel::refresh()
{
    const auto plain = m_window.plainOutcome();
    const auto model = m_runner->model();
    if (!m_shown || !plain || !model || plain->model != model || !model->info().has_lm_head) return;
    if (m_asked && m_asked->input.ids == plain->input.ids) return;  // this input's lens is shown or coming
    m_asked = plain;
    RunRequest r;
    r.fromText = false;
    QStringList ids;
    for (int id : plain->input.ids) ids << QString::number(id);
    r.ids = ids.join(QLatin1Char(','));
    r.topK = kTopK;
    r.logitLens = true;
    m_runner->run(r);
}

void LogitLensPanel::showOutcome(const std::shared_ptr<const RunOutcome>& o)
{
    m_outcome = o;
    const hf::RunResult& r = o->result;
    const RunInput& in = o->input;
    const int layers = static_cast<int>(r.logit_lens.size());
    const int n = static_cast<int>(r.logit_lens_positions.size());
    m_table->clear();
    m_table->setRowCount(layers);
    m_table->setColumnCount(n);
    QStringList rows, columns;
    for (int l = 0; l < layers; ++l) rows << tr("after layer %1").arg(l);
    for (int i = 0; i < n; ++i) {
        const int p = r.logit_lens_positions[static_cast<std::size_t>(i)];
        columns << QStringLiteral("%1\n%2").arg(p).arg(chipText(in.labels[static_cast<std::size_t>(p)]));
    }
    m_table->setVerticalHeaderLabels(rows);
    m_table->setHorizontalHeaderLabels(columns);
    for (int l = 0; l < layers; ++l)
        for (int i = 0; i < n; ++i)
            m_table->setItem(l, i, lensCell(*o->model, r.logit_lens[static_cast<std::size_t>(l)][static_cast<std::size_t>(i)], palette()));
    m_detail->setRowCount(layers);
    m_detail->setVerticalHeaderLabels(rows);
    showMessage(tr("%1 layers × %2 positions: the top token read from each layer's residual stream through the "
                   "final norm and the LM head (colour: its probability). The last row is the model's own "
                   "prediction. Click a column for its top %3.")
                    .arg(layers)
                    .arg(n)
                    .arg(kTopK));
    selectPosition(m_position >= 0 && m_position < n ? m_position : n - 1);
}

void LogitLensPanel::selectPosition(int position)
{
    if (!m_outcome || position < 0 || position >= m_table->columnCount()) return;
    m_position = position;
    m_table->viewport()->update();
    if (QTableWidgetItem* item = m_table->item(0, position)) m_table->scrollToItem(item);
    for (int c = 0; c < m_table->columnCount(); ++c) {
        if (QTableWidgetItem* h = m_table->horizontalHeaderItem(c)) {
            QFont f = h->font();
            f.setBold(c == position);
            h->setFont(f);
        }
    }
    showDetail();
}

void LogitLensPanel::showDetail()
{
    const hf::RunResult& r = m_outcome->result;
    const auto p = static_cast<std::size_t>(r.logit_lens_positions[static_cast<std::size_t>(m_position)]);
    m_detailCaption->setText(tr("Position %1 (“%2”): the top %3 after each layer")
                                 .arg(p)
                                 .arg(chipText(m_outcome->input.labels[p]))
                                 .arg(kTopK));
    for (int l = 0; l < static_cast<int>(r.logit_lens.size()); ++l) {
        const std::vector<hf::TopToken>& top = r.logit_lens[static_cast<std::size_t>(l)][static_cast<std::size_t>(m_position)];
        for (int k = 0; k < kTopK; ++k) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsEnabled);
            item->setTextAlignment(Qt::AlignCenter);
            if (k < static_cast<int>(top.size())) {
                const hf::TopToken& t = top[static_cast<std::size_t>(k)];
                item->setText(QStringLiteral("%1\n%2").arg(chipText(token_label(*m_outcome->model, t.id)), percent(t.probability)));
                item->setData(kIdRole, t.id);
                item->setData(kProbabilityRole, static_cast<double>(t.probability));
                item->setBackground(probabilityColour(t.probability, palette().base().color()));
                item->setForeground(textColour(t.probability, palette()));
            }
            m_detail->setItem(l, k, item);
        }
    }
    // The list takes the width it needs; the layers × positions table the rest.
    m_detail->resizeColumnsToContents();
    int width = m_detail->verticalHeader()->sizeHint().width() + 2 * m_detail->frameWidth() +
                m_detail->verticalScrollBar()->sizeHint().width() + 4;
    for (int k = 0; k < kTopK; ++k) width += m_detail->columnWidth(k);
    m_side->setMaximumWidth(std::max(width, 200));
}

void LogitLensPanel::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

void installLogitLensPanel(ModelWindow& window)
{
    auto* dock = new QDockWidget(QObject::tr("Logit lens"), &window);
    dock->setObjectName(QStringLiteral("logitLensDock"));
    auto* panel = new LogitLensPanel(window);
    dock->setWidget(panel);
    panel->setMinimumWidth(340);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    // Beside the ablation panel, as a tab: the lens runs only while its tab is in front.
    if (auto* ablation = window.findChild<QDockWidget*>(QStringLiteral("ablationDock"))) {
        window.tabifyDockWidget(ablation, dock);
        ablation->raise();
    }
    QObject::connect(dock, &QDockWidget::visibilityChanged, panel, &LogitLensPanel::setShown);
    if (QMenu* menu = window.interveneMenu()) {
        QAction* show = dock->toggleViewAction();
        show->setText(QObject::tr("&Logit lens panel"));
        menu->addAction(show);
    }
}

// --setup "position=P": the column chosen (default: the last position).
QWidget* prepareLogitLensShot(ModelWindow& window, const QString& setup)
{
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("logitLensDock"));
    auto* panel = dock ? qobject_cast<LogitLensPanel*>(dock->widget()) : nullptr;
    if (!panel || !window.plainOutcome()) throw std::invalid_argument("the logit lens panel is not available");
    const int n = static_cast<int>(window.plainOutcome()->input.ids.size());
    int position = n - 1;
    for (const QString& word : setup.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        bool ok = false;
        if (word.startsWith(QLatin1String("position="))) position = word.mid(9).toInt(&ok);
        if (!ok || position < 0 || position >= n)
            throw std::invalid_argument("--setup for logit-lens: expected position=P with P in 0.." +
                                        std::to_string(n - 1) + ", got '" + word.toStdString() + "'");
    }
    // Floating, so that the screenshot's size is the dock's own (docked, the window lays it out).
    dock->setFloating(true);
    dock->show();
    dock->raise();
    QApplication::processEvents();
    panel->setShown(true);
    if (!panel->waitForIdle()) throw std::runtime_error("the logit lens did not finish");
    QApplication::processEvents();
    panel->selectPosition(position);
    QApplication::processEvents();
    return dock;
}

}  // namespace attnviz::model_view
