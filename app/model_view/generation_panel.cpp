// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/generation_panel.hpp"

#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_window.hpp"

#include "inspector/inspector_loader.hpp"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QEventLoop>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <limits>
#include <stdexcept>

namespace attnviz::model_view {

namespace {

using Kind = GenerationUpdate::Kind;

QString percent(double p)
{
    const double v = p * 100.0;
    return v >= 1.0 ? QStringLiteral("%1 %").arg(v, 0, 'f', 1) : QStringLiteral("%1 %").arg(v, 0, 'g', 2);
}

// A token as running text: spaces and newlines as they are (the text view wraps), other control
// characters by their code as the chips show them.
QString runningText(const std::string& label)
{
    const QString t = QString::fromStdString(label);
    QString shown;
    for (QChar c : t) {
        if (c == QLatin1Char('\n')) shown += QStringLiteral("↵\n");
        else if (c == QLatin1Char(' ') || c == QLatin1Char('\t')) shown += c;
        else if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f)) shown += chipText(QString(c).toStdString());
        else shown += c;
    }
    return shown;
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

bool darkPalette(const QWidget* w) { return w->palette().color(QPalette::Base).lightness() < 128; }

// Generated tokens alternate between two shades so that each token's extent shows.
QColor tokenShade(const QWidget* w, int index)
{
    if (darkPalette(w)) return index % 2 ? QColor(0x3b, 0x5b, 0x87) : QColor(0x2d, 0x6a, 0x4f);
    return index % 2 ? QColor(0xc9, 0xde, 0xff) : QColor(0xc8, 0xf0, 0xd6);
}

}  // namespace

GenerationPanel::GenerationPanel(ModelWindow& window, QWidget* parent)
    : QWidget(parent), m_window(window), m_runner(new GenerationRunner(this)), m_mode(new QComboBox),
      m_temperature(new QDoubleSpinBox), m_topKSample(new QSpinBox), m_seed(new QSpinBox), m_maxNew(new QSpinBox),
      m_report(new QSpinBox), m_step(new QPushButton(tr("Step"))), m_play(new QPushButton(tr("Play"))),
      m_reset(new QPushButton(tr("Reset"))), m_prompt(new QLabel), m_text(new QTextBrowser), m_speed(new QLabel),
      m_status(new QLabel), m_table(new QTableWidget)
{
    setObjectName(QStringLiteral("generationPanel"));
    m_mode->addItem(tr("Greedy"));
    m_mode->addItem(tr("Sample"));
    m_mode->setToolTip(tr("Greedy: always the most probable token. Sample: draw from softmax(logits / temperature)"));
    m_temperature->setRange(0.05, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setValue(1.0);
    m_temperature->setToolTip(tr("Below 1 sharpens the distribution, above 1 flattens it"));
    m_topKSample->setRange(0, 100000);
    m_topKSample->setSpecialValueText(tr("all"));
    m_topKSample->setToolTip(tr("Sample among the K most probable tokens only (all: the whole vocabulary)"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(tr("The same seed, prompt and settings give the same tokens"));
    m_maxNew->setRange(1, 100000);
    m_maxNew->setValue(32);
    m_maxNew->setToolTip(tr("Play stops once the generation holds this many new tokens"));
    m_report->setRange(1, 20);
    m_report->setValue(5);
    m_report->setToolTip(tr("Candidates listed at each step (the model's most probable tokens)"));
    m_step->setToolTip(tr("Generate one token"));
    m_play->setToolTip(tr("Generate tokens until Max new tokens, the model's positions, or Pause"));
    m_reset->setToolTip(tr("Forget the generated tokens: back to the prompt (the Model panel's input)"));

    auto* settingsGrid = new QGridLayout;
    settingsGrid->addWidget(new QLabel(tr("Choice")), 0, 0);
    settingsGrid->addWidget(m_mode, 0, 1);
    settingsGrid->addWidget(new QLabel(tr("Temperature")), 0, 2);
    settingsGrid->addWidget(m_temperature, 0, 3);
    settingsGrid->addWidget(new QLabel(tr("Top-k")), 1, 0);
    settingsGrid->addWidget(m_topKSample, 1, 1);
    settingsGrid->addWidget(new QLabel(tr("Seed")), 1, 2);
    settingsGrid->addWidget(m_seed, 1, 3);
    settingsGrid->addWidget(new QLabel(tr("Max new tokens")), 2, 0);
    settingsGrid->addWidget(m_maxNew, 2, 1);
    settingsGrid->addWidget(new QLabel(tr("Candidates")), 2, 2);
    settingsGrid->addWidget(m_report, 2, 3);
    settingsGrid->setColumnStretch(1, 1);
    settingsGrid->setColumnStretch(3, 1);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_step);
    buttons->addWidget(m_play);
    buttons->addWidget(m_reset);
    buttons->addStretch(1);
    m_speed->setWordWrap(true);

    m_prompt->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setReadOnly(true);
    m_text->setOpenLinks(false);
    // Three to six lines: the steps table below gets the rest of the height.
    m_text->setMinimumHeight(m_text->fontMetrics().lineSpacing() * 3 + 12);
    m_text->setMaximumHeight(m_text->fontMetrics().lineSpacing() * 6 + 12);
    m_text->setToolTip(tr("The prompt, then the generated tokens shaded one by one (the newest in bold)"));

    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The table follows the newest step unless the user scrolled away from the end.
    QScrollBar* rows = m_table->verticalScrollBar();
    connect(rows, &QScrollBar::rangeChanged, this, [this, rows](int, int max) {
        if (m_followEnd) rows->setValue(max);
    });
    connect(rows, &QScrollBar::actionTriggered, this, [this, rows](int) {
        m_followEnd = rows->sliderPosition() >= rows->maximum();
    });
    m_table->setToolTip(tr("One row per generated token: the model's most probable tokens at that step with "
                           "their probabilities, best first; the token chosen is bold and shaded"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(settingsGrid);
    layout->addLayout(buttons);
    layout->addWidget(m_speed);
    layout->addWidget(m_status);
    layout->addWidget(m_prompt);
    layout->addWidget(m_text);
    layout->addWidget(new QLabel(tr("Steps: the candidates at each step")));
    layout->addWidget(m_table, 1);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &GenerationPanel::updateButtons);
    connect(m_step, &QPushButton::clicked, this, &GenerationPanel::step);
    connect(m_play, &QPushButton::clicked, this, [this] { playing() ? pause() : play(); });
    connect(m_reset, &QPushButton::clicked, this, &GenerationPanel::reset);
    connect(m_runner, &GenerationRunner::updated, this, &GenerationPanel::showUpdate);
    connect(m_runner, &GenerationRunner::stopped, this,
            [this](int, GenerationRunner::StopReason reason, const QString& message) {
                updateButtons();
                if (reason == GenerationRunner::StopReason::Failed) showStatus(tr("Refused: %1").arg(message), true);
                else if (reason != GenerationRunner::StopReason::Step) showStatus(message, false);
                emit stopped(reason, message);
            });
    connect(m_runner, &GenerationRunner::failed, this, [this](int session, const QString& message) {
        if (session == 0) showStatus(tr("Refused: %1").arg(message), true);  // no model: no job ran
    });
    connect(window.runner(), &ModelRunner::opened, this, &GenerationPanel::modelOpened);
    reset();
}

GenerationSettings GenerationPanel::settings() const
{
    GenerationSettings s;
    s.sampling = sampling();
    s.maxNewTokens = m_maxNew->value();
    s.topK = m_report->value();
    return s;
}

GenerationPrompt GenerationPanel::prompt() const
{
    return {m_window.runPanel()->mode() == ModelRunPanel::Mode::Text, m_window.runPanel()->input()};
}

void GenerationPanel::setSampling(const hf::SamplingOptions& s)
{
    m_mode->setCurrentIndex(s.temperature > 0.0 ? 1 : 0);
    if (s.temperature > 0.0) m_temperature->setValue(s.temperature);
    m_topKSample->setValue(s.top_k);
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(s.seed, std::numeric_limits<int>::max())));
}

hf::SamplingOptions GenerationPanel::sampling() const
{
    hf::SamplingOptions s;
    if (m_mode->currentIndex() == 1) {
        s.temperature = m_temperature->value();
        s.top_k = m_topKSample->value();
        s.seed = static_cast<std::uint64_t>(m_seed->value());
    }
    return s;
}

void GenerationPanel::setMaxNewTokens(int n) { m_maxNew->setValue(n); }
int GenerationPanel::maxNewTokens() const { return m_maxNew->value(); }
void GenerationPanel::setTopK(int k) { m_report->setValue(k); }
int GenerationPanel::topK() const { return m_report->value(); }
bool GenerationPanel::playing() const { return m_runner->playing(); }
bool GenerationPanel::waitForIdle(int timeoutMs) { return m_runner->waitForIdle(timeoutMs); }

void GenerationPanel::step() { start(false); }
void GenerationPanel::play() { start(true); }
void GenerationPanel::pause() { m_runner->pause(); }

void GenerationPanel::start(bool play)
{
    const auto model = m_window.runner()->model();
    const bool fresh = !m_runner->hasGeneration();
    if (!(play ? m_runner->play(model, prompt(), settings()) : m_runner->step(model, prompt(), settings()))) return;
    if (m_runner->sessionBusy()) {
        showStatus(fresh ? tr("Running the prompt…") : play ? tr("Playing…") : tr("Generating…"), false);
    }
    updateButtons();
}

void GenerationPanel::reset()
{
    m_runner->reset();
    // Back to the prompt in the views: the stack of the prompt the generation started from.
    if (m_promptView && m_current) m_window.showStack(m_promptView);
    m_promptView.reset();
    m_current.reset();
    m_generated.clear();
    m_followEnd = true;
    m_table->clear();
    m_table->setRowCount(0);
    m_table->setColumnCount(0);
    m_text->clear();
    m_speed->clear();
    m_prompt->setText(tr("Step or Play generates after the Model panel's input."));
    showStatus(QString(), false);
    updateButtons();
}

void GenerationPanel::modelOpened()
{
    reset();
    const auto model = m_window.runner()->model();
    if (model && !model->info().causal)
        showStatus(tr("%1 is a masked language model: it fills in [MASK] tokens and cannot generate.")
                       .arg(QString::fromStdString(model->name)), false);
}

void GenerationPanel::updateButtons()
{
    const bool busy = m_runner->sessionBusy();
    const bool begun = m_runner->hasGeneration();
    m_step->setEnabled(!busy);
    m_play->setText(m_runner->playing() ? tr("Pause") : tr("Play"));
    m_play->setEnabled(!busy || m_runner->playing());
    // A generation keeps the sampling it started with: Reset to change it.
    const bool sample = m_mode->currentIndex() == 1;
    m_mode->setEnabled(!begun);
    m_temperature->setEnabled(!begun && sample);
    m_topKSample->setEnabled(!begun && sample);
    m_seed->setEnabled(!begun && sample);
    m_report->setEnabled(!begun);
}

void GenerationPanel::showStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

QStringList GenerationPanel::generatedTexts() const
{
    QStringList texts;
    if (!m_current) return texts;
    for (std::size_t i = static_cast<std::size_t>(m_current->promptLength); i < m_current->labels.size(); ++i)
        texts << runningText(m_current->labels[i]);
    return texts;
}

void GenerationPanel::showUpdate(const std::shared_ptr<const GenerationUpdate>& u)
{
    m_current = u;
    if (u->kind == Kind::Prompt) {
        m_promptView = u->view;
        m_generated.clear();
        m_table->setRowCount(0);
        m_table->setColumnCount(kFirstCandidateColumn + u->settings.topK);
        QStringList headers{tr("Step"), tr("Token"), tr("p")};
        for (int k = 1; k <= u->settings.topK; ++k) headers << tr("Top %1").arg(k);
        m_table->setHorizontalHeaderLabels(headers);
        const hf::SamplingOptions& s = u->settings.sampling;
        const QString how = s.temperature > 0.0
                                ? tr("sampled at temperature %1, %2, seed %3")
                                      .arg(s.temperature, 0, 'g', 3)
                                      .arg(s.top_k > 0 ? tr("top-%1").arg(s.top_k) : tr("whole vocabulary"))
                                      .arg(s.seed)
                                : tr("greedy");
        m_prompt->setText(tr("%1 prompt tokens, %2; the positions end at %3.")
                              .arg(u->promptLength).arg(how).arg(u->capacity));
    } else if (u->kind == Kind::Token) {
        m_generated.push_back(u->token.id);
        appendStepRow(*u);
    }
    if (u->kind != Kind::Stack) showText();
    const int made = static_cast<int>(m_generated.size());
    m_speed->setText(made == 0 ? tr("%1 / %2 positions").arg(u->ids.size()).arg(u->capacity)
                               : tr("%1 new · %2 tokens/s · %3 / %4 positions")
                                     .arg(made)
                                     .arg(u->tokensPerSecond, 0, 'f', u->tokensPerSecond >= 100 ? 0 : 1)
                                     .arg(u->ids.size())
                                     .arg(u->capacity));
    if (u->view) {
        m_window.showStack(u->view);
        m_window.setWindowTitle(tr("%1 — Model runner (generating)").arg(QString::fromStdString(u->model->name)));
    }
    emit updateShown();
}

void GenerationPanel::appendStepRow(const GenerationUpdate& u)
{
    const hf::GeneratedToken& t = u.token;
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const QColor shade = tokenShade(this, row);
    auto* stepItem = cell(QString::number(row + 1), Qt::AlignRight | Qt::AlignVCenter);
    stepItem->setToolTip(tr("position %1").arg(t.position));
    m_table->setItem(row, 0, stepItem);
    auto* chosen = cell(chipText(u.labels.back()));
    chosen->setData(Qt::UserRole, t.id);
    chosen->setBackground(shade);
    chosen->setToolTip(tr("id %1 at position %2").arg(t.id).arg(t.position));
    m_table->setItem(row, 1, chosen);
    auto* p = cell(percent(t.probability), Qt::AlignRight | Qt::AlignVCenter);
    p->setData(Qt::UserRole, static_cast<double>(t.probability));
    m_table->setItem(row, 2, p);
    bool listed = false;
    for (std::size_t k = 0; k < t.top.size(); ++k) {
        const hf::TopToken& c = t.top[k];
        auto* item = cell(QStringLiteral("%1  %2").arg(chipText(u.topLabels[k]), percent(c.probability)));
        item->setData(Qt::UserRole, c.id);
        item->setData(Qt::UserRole + 1, static_cast<double>(c.probability));
        const bool isChosen = c.id == t.id;
        item->setData(kChosenRole, isChosen);
        item->setToolTip(tr("id %1, probability %2").arg(c.id).arg(static_cast<double>(c.probability), 0, 'g', 4));
        if (isChosen) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setBackground(shade);
            listed = true;
        }
        m_table->setItem(row, kFirstCandidateColumn + static_cast<int>(k), item);
    }
    if (!listed) chosen->setToolTip(chosen->toolTip() + tr(" — sampled from outside the top %1").arg(t.top.size()));
    if (m_followEnd) m_table->scrollToBottom();
}

void GenerationPanel::showText()
{
    const GenerationUpdate& u = *m_current;
    const QColor ink = palette().color(QPalette::Text);
    QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
    for (std::size_t i = 0; i < u.labels.size(); ++i) {
        const QString text = runningText(u.labels[i]).toHtmlEscaped();
        const int generated = static_cast<int>(i) - u.promptLength;
        if (generated < 0) {
            html += text;
            continue;
        }
        const bool newest = i + 1 == u.labels.size();
        html += QStringLiteral("<span style=\"background-color: %1; color: %2;%3\">%4</span>")
                    .arg(tokenShade(this, generated).name(), ink.name(),
                         newest ? QStringLiteral(" font-weight: bold;") : QString(), text);
    }
    html += QStringLiteral("</div>");
    m_text->setHtml(html);
    m_text->moveCursor(QTextCursor::End);
    m_text->ensureCursorVisible();
}

namespace {

// Shows the dock as a tab beside another panel already docked on the right (the other
// intervention panels), so that the steps table gets the column's whole height.
void showGenerationDock(ModelWindow& window, QDockWidget* dock)
{
    if (!dock->isVisible() && !dock->isFloating()) {
        for (QDockWidget* other : window.findChildren<QDockWidget*>()) {
            if (other == dock || !other->isVisible() || other->isFloating() ||
                window.dockWidgetArea(other) != Qt::RightDockWidgetArea)
                continue;
            window.tabifyDockWidget(other, dock);
            break;
        }
    }
    dock->show();
    dock->raise();
}

}  // namespace

void installGenerationPanel(ModelWindow& window)
{
    auto* panel = new GenerationPanel(window);
    auto* dock = new QDockWidget(QObject::tr("Generate"), &window);
    dock->setObjectName(QStringLiteral("generationDock"));
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    panel->setMinimumWidth(360);
    window.addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    auto* action = new QAction(QObject::tr("&Generate…"), &window);
    action->setObjectName(QStringLiteral("generateAction"));
    action->setToolTip(QObject::tr("Generate after the input one token at a time, with each step's candidates"));
    QObject::connect(action, &QAction::triggered, dock, [dock, &window] { showGenerationDock(window, dock); });
    window.interveneMenu()->addAction(action);
    // Closing the window cancels a step under way (the runner's destructor); a hidden or tabbed-away
    // dock keeps playing, as the Model panel's run does.
}

// "steps=N [temperature=X] [top-k=K] [seed=S]": plays N tokens (greedy unless a temperature is
// given) after the window's input and returns the dock once they and the views are drawn.
QWidget* prepareGenerationShot(ModelWindow& window, const QString& setup)
{
    auto* panel = window.findChild<GenerationPanel*>();
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("generationDock"));
    if (!panel || !dock) throw std::invalid_argument("the model window has no generation panel");
    const char* syntax = "expected steps=N [temperature=X] [top-k=K] [seed=S]";
    int steps = 8;
    hf::SamplingOptions sampling;
    for (const QString& part : setup.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        const QString key = part.left(eq), value = eq < 0 ? QString() : part.mid(eq + 1);
        bool ok = eq > 0;
        if (key == QLatin1String("steps")) steps = value.toInt(&ok), ok = ok && steps >= 1;
        else if (key == QLatin1String("temperature")) sampling.temperature = value.toDouble(&ok), ok = ok && sampling.temperature > 0.0;
        else if (key == QLatin1String("top-k")) sampling.top_k = value.toInt(&ok), ok = ok && sampling.top_k >= 0;
        else if (key == QLatin1String("seed")) sampling.seed = value.toUInt(&ok);
        else ok = false;
        if (!ok)
            throw std::invalid_argument("--setup: bad generation setting '" + part.toStdString() + "' (" + syntax + ")");
    }
    if (sampling.temperature == 0.0 && (sampling.top_k > 0 || sampling.seed != 0))
        throw std::invalid_argument(std::string("--setup: top-k and seed need a temperature (") + syntax + ")");
    showGenerationDock(window, dock);
    panel->reset();
    panel->setSampling(sampling);
    panel->setMaxNewTokens(steps);
    QString refusal;
    const auto watch = QObject::connect(panel, &GenerationPanel::stopped, panel,
                                        [&refusal](GenerationRunner::StopReason reason, const QString& message) {
                                            if (reason == GenerationRunner::StopReason::Failed) refusal = message;
                                        });
    panel->play();
    const bool done = panel->waitForIdle(600000);
    QObject::disconnect(watch);
    if (!done) throw std::runtime_error("the generation did not finish");
    if (!refusal.isEmpty()) throw std::invalid_argument(refusal.toStdString());
    if (!window.waitForIdle()) throw std::runtime_error("the views did not finish");
    // Floating, the dock is a window of its own: the screenshot's size is its size (docked, the
    // main window's layout may give it back its docked size before the picture is taken).
    dock->setFloating(true);
    panel->setFocus();  // no spin box drawn as focused in the picture
    return dock;
}

}  // namespace attnviz::model_view
