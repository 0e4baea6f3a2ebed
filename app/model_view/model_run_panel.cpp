// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/model_run_panel.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace attnviz::model_view {

namespace {

// Models up to this size re-run while the user types (a forward takes well under a second).
constexpr std::size_t kLiveRunBytes = 100'000'000;
constexpr int kDebounceMs = 300;

QString pieceText(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

}  // namespace

QString formatBytes(std::size_t bytes)
{
    const double b = static_cast<double>(bytes);
    if (b >= 1e9) return QStringLiteral("%1 GB").arg(b / 1e9, 0, 'f', 2);
    if (b >= 1e6) return QStringLiteral("%1 MB").arg(b / 1e6, 0, 'f', 0);
    return QStringLiteral("%1 kB").arg(std::max(1.0, b / 1e3), 0, 'f', 0);
}

QString formatSeconds(double seconds)
{
    if (seconds >= 1.0) return QStringLiteral("%1 s").arg(seconds, 0, 'f', 2);
    return QStringLiteral("%1 ms").arg(seconds * 1e3, 0, 'f', seconds < 0.01 ? 2 : 0);
}

QString describeModel(const OpenedModel& m)
{
    const hf::ModelInfo& i = m.info();
    QString heads = QString::number(i.heads);
    if (i.kv_heads > 0 && i.kv_heads != i.heads)
        heads += QObject::tr(" (%1 key/value)").arg(i.kv_heads);
    QString text = QObject::tr("<b>%1</b> — %2 (%3), %4<br>%5 layers × %6 heads, hidden %7, vocabulary %8, "
                               "%9 positions<br>weights %10, %11")
                       .arg(QString::fromStdString(m.name).toHtmlEscaped(),
                            QString::fromStdString(i.architecture).toHtmlEscaped(),
                            QString::fromStdString(i.model_type).toHtmlEscaped(),
                            i.causal ? QObject::tr("causal LM") : QObject::tr("masked LM"))
                       .arg(i.layers)
                       .arg(heads)
                       .arg(i.hidden)
                       .arg(i.vocab)
                       .arg(i.max_positions)
                       .arg(QString::fromStdString(i.weight_dtype), formatBytes(i.weight_bytes));
    if (!i.has_lm_head) text += QObject::tr("<br>no language-model head");
    if (!m.tokenizer) text += QObject::tr("<br><i>no tokenizer: token ids only</i>");
    return text;
}

QString chipText(const std::string& label)
{
    QString t = pieceText(label);
    t.replace(QLatin1Char(' '), QChar(0x2423));   // ␣ open box: a space is part of the token
    t.replace(QLatin1Char('\n'), QChar(0x21B5));  // ↵
    t.replace(QLatin1Char('\t'), QChar(0x21E5));  // ⇥
    QString shown;
    for (QChar c : t) {
        // Control characters (C0, DEL, C1) have no glyph: their code, as "<0E>".
        if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f))
            shown += QStringLiteral("<%1>").arg(QString::number(c.unicode(), 16).toUpper().rightJustified(2, QLatin1Char('0')));
        else shown += c;
    }
    t = shown;
    return t.isEmpty() ? QStringLiteral("∅") : t;
}

ModelRunPanel::ModelRunPanel(ModelRunner* runner, QWidget* parent)
    : QWidget(parent), m_runner(runner), m_facts(new QLabel), m_mode(new QComboBox), m_input(new QPlainTextEdit),
      m_run(new QPushButton(tr("Run"))), m_cancel(new QPushButton(tr("Cancel"))),
      m_live(new QCheckBox(tr("Run as I type"))), m_progress(new QProgressBar), m_status(new QLabel),
      m_tokensCaption(new QLabel), m_tokens(new QListWidget), m_topCaption(new QLabel), m_top(new QTableWidget),
      m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("modelRunPanel"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_facts->setText(tr("No model open. <b>File → Open Model Folder…</b> opens a Hugging Face checkpoint "
                        "(a folder with config.json and model.safetensors)."));
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_mode->addItem(tr("Text"));
    m_mode->addItem(tr("Token ids"));
    m_mode->setToolTip(tr("Type text (tokenized with the model's tokenizer) or token ids separated by commas"));
    m_input->setPlaceholderText(tr("Type text and press Enter (Shift+Enter: a new line)"));
    m_input->setTabChangesFocus(true);
    m_input->installEventFilter(this);
    const int line = m_input->fontMetrics().lineSpacing();
    m_input->setFixedHeight(line * 4 + 12);
    m_run->setToolTip(tr("Run the model over the input (Enter)"));
    m_run->setDefault(true);
    m_cancel->setToolTip(tr("Stop the forward pass that is running"));
    m_cancel->setEnabled(false);
    m_live->setToolTip(tr("Re-run %1 ms after each edit").arg(kDebounceMs));
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("%v of %m layers"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tokens->setFlow(QListView::LeftToRight);
    m_tokens->setWrapping(true);
    m_tokens->setResizeMode(QListView::Adjust);
    m_tokens->setSpacing(2);
    m_tokens->setUniformItemSizes(false);
    m_tokens->setSelectionMode(QAbstractItemView::NoSelection);
    m_tokens->setMinimumHeight(line * 3);

    m_top->setColumnCount(4);
    m_top->setHorizontalHeaderLabels({tr("Token"), tr("Id"), tr("Probability"), tr("Position")});
    m_top->verticalHeader()->setVisible(true);
    m_top->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) m_top->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_top->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_top->verticalHeader()->setDefaultSectionSize(m_top->fontMetrics().height() + 6);
    m_top->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_top->setColumnHidden(3, true);
    m_topCaption->setWordWrap(true);

    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(new QLabel(tr("Input")));
    modeRow->addWidget(m_mode);
    modeRow->addStretch(1);
    modeRow->addWidget(m_live);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_facts);
    layout->addLayout(modeRow);
    layout->addWidget(m_input);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_tokensCaption);
    layout->addWidget(m_tokens, 1);
    layout->addWidget(m_topCaption);
    layout->addWidget(m_top, 2);
    m_tokensCaption->setText(tr("Tokens"));
    m_topCaption->setText(tr("Next token"));

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] { runNow(); });
    connect(m_input, &QPlainTextEdit::textChanged, this, &ModelRunPanel::inputEdited);
    connect(m_run, &QPushButton::clicked, this, [this] { runNow(); });
    connect(m_cancel, &QPushButton::clicked, m_runner, &ModelRunner::cancel);
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_input->setPlaceholderText(index == 0 ? tr("Type text and press Enter (Shift+Enter: a new line)")
                                               : tr("Token ids separated by commas, such as 464, 3797, 3332"));
    });

    connect(m_runner, &ModelRunner::opened, this, &ModelRunPanel::showModel);
    connect(m_runner, &ModelRunner::started, this, [this](int, int layers) {
        m_progress->setRange(0, std::max(1, layers));
        m_progress->setValue(0);
        setRunning(true);
        showStatus(tr("Running…"), false);
    });
    connect(m_runner, &ModelRunner::progress, this, [this](int, int done, int layers) {
        m_progress->setRange(0, std::max(1, layers));
        m_progress->setValue(done);
    });
    connect(m_runner, &ModelRunner::finished, this, &ModelRunPanel::showOutcome);
    connect(m_runner, &ModelRunner::failed, this, [this](int, const QString& message) {
        setRunning(false);
        showStatus(tr("Refused: %1").arg(message), true);  // the last result stays shown
    });
    connect(m_runner, &ModelRunner::cancelled, this, [this](int) {
        setRunning(false);
        showStatus(tr("Cancelled"), false);
    });
}

void ModelRunPanel::setMode(Mode mode) { m_mode->setCurrentIndex(mode == Mode::Text ? 0 : 1); }
ModelRunPanel::Mode ModelRunPanel::mode() const { return m_mode->currentIndex() == 0 ? Mode::Text : Mode::Ids; }

void ModelRunPanel::setInput(const QString& input)
{
    const QSignalBlocker block(m_input);
    m_input->setPlainText(input);
}

QString ModelRunPanel::input() const { return m_input->toPlainText(); }

void ModelRunPanel::setRunWhileTyping(bool on) { m_live->setChecked(on); }
bool ModelRunPanel::runWhileTyping() const { return m_live->isChecked(); }

int ModelRunPanel::runNow()
{
    m_debounce->stop();
    RunRequest r;
    r.fromText = mode() == Mode::Text;
    (r.fromText ? r.text : r.ids) = input();
    r.topK = m_topK;
    r.keepLayerInputs = true;  // interventions on this input resume from it (L·n·E floats)
    return m_runner->run(r);
}

void ModelRunPanel::inputEdited()
{
    if (m_live->isChecked() && m_runner->model()) m_debounce->start();
}

bool ModelRunPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            !(key->modifiers() & Qt::ShiftModifier)) {
            runNow();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ModelRunPanel::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

void ModelRunPanel::setRunning(bool running)
{
    m_cancel->setEnabled(running);
    if (!running) m_progress->setValue(m_progress->minimum());
    m_progress->setTextVisible(running);
}

void ModelRunPanel::showModel(const std::shared_ptr<const OpenedModel>& model)
{
    m_facts->setText(describeModel(*model));
    m_live->setChecked(model->info().weight_bytes <= kLiveRunBytes);
    if (!model->tokenizer) setMode(Mode::Ids);
    // Without a tokenizer the Text entry is disabled.
    if (auto* items = qobject_cast<QStandardItemModel*>(m_mode->model()))
        items->item(0)->setEnabled(model->tokenizer != nullptr);
    m_tokens->clear();
    m_top->setRowCount(0);
    m_topCaption->setText(model->info().causal ? tr("Next token") : tr("Top tokens at each [MASK]"));
    showStatus(model->tokenizer ? tr("Type text and press Enter") : QString::fromStdString(model->tokenizer_problem),
               false);
}

void ModelRunPanel::showOutcome(const std::shared_ptr<const RunOutcome>& o)
{
    setRunning(false);
    const RunInput& in = o->input;
    const hf::ModelInfo& info = o->model->info();
    showStatus(tr("%1 tokens · forward %2 · %3 in all")
                   .arg(in.ids.size())
                   .arg(formatSeconds(o->result.forward_seconds), formatSeconds(o->seconds)),
               false);

    m_tokens->setUpdatesEnabled(false);
    m_tokens->clear();
    for (std::size_t i = 0; i < in.ids.size(); ++i) {
        auto* item = new QListWidgetItem(chipText(in.labels[i]), m_tokens);
        item->setToolTip(tr("position %1 · id %2 · %3").arg(i).arg(in.ids[i]).arg(pieceText(in.tokens[i]).toHtmlEscaped()));
        item->setData(Qt::UserRole, in.ids[i]);
        item->setBackground(palette().alternateBase());
    }
    m_tokens->setUpdatesEnabled(true);
    m_tokensCaption->setText(tr("Tokens (%1)").arg(in.ids.size()));

    // The table: a causal LM's next token, or the top K at each [MASK] of a masked LM.
    struct Row {
        int position;
        hf::TopToken top;
    };
    std::vector<Row> rows;
    if (info.causal) {
        for (const hf::TopToken& t : o->result.next) rows.push_back({static_cast<int>(in.ids.size()) - 1, t});
        m_topCaption->setText(in.labels.empty() ? tr("Next token")
                                                : tr("Next token after “%1”").arg(chipText(in.labels.back())));
    } else {
        for (int p : in.mask_positions)
            if (p < static_cast<int>(o->result.positions.size()))
                for (const hf::TopToken& t : o->result.positions[static_cast<std::size_t>(p)]) rows.push_back({p, t});
        m_topCaption->setText(in.mask_positions.empty() ? tr("Top tokens at each [MASK]: the input has none")
                                                        : tr("Top tokens at each [MASK]"));
    }
    if (!info.has_lm_head) m_topCaption->setText(tr("This checkpoint has no language-model head"));
    m_top->setColumnHidden(3, info.causal);
    m_top->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const Row& row = rows[static_cast<std::size_t>(r)];
        m_top->setItem(r, 0, cell(chipText(token_label(*o->model, row.top.id))));
        m_top->setItem(r, 1, cell(QString::number(row.top.id), Qt::AlignRight | Qt::AlignVCenter));
        // Percent: two decimals, or three significant digits below 1 % (a near-uniform head).
        const double percent = row.top.probability * 100.0;
        QTableWidgetItem* p = cell(percent >= 1.0 ? QStringLiteral("%1 %").arg(percent, 0, 'f', 2)
                                                  : QStringLiteral("%1 %").arg(percent, 0, 'g', 3),
                                   Qt::AlignRight | Qt::AlignVCenter);
        p->setData(Qt::UserRole, static_cast<double>(row.top.probability));
        m_top->setItem(r, 2, p);
        m_top->setItem(r, 3, cell(QString::number(row.position), Qt::AlignRight | Qt::AlignVCenter));
    }
}

}  // namespace attnviz::model_view
