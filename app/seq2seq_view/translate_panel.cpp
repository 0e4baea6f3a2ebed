// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/translate_panel.hpp"

#include "seq2seq_view/step_view.hpp"
#include "seq2seq_view/whatif_panel.hpp"

#include "lessons/publish.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <exception>

namespace attnviz::seq2seq_view {

namespace {
constexpr int kPlayIntervalMs = 700;
}

TranslatePanel::TranslatePanel(QWidget* parent) : QWidget(parent)
{
    sentence_ = new QLineEdit;
    sentence_->setPlaceholderText(tr("A sentence to translate, e.g. the black cat sees a red car ."));
    sentence_->setToolTip(tr("The source sentence; press Enter to translate. Words are separated by spaces "
                             "and lowercased, as the d2l book does"));
    sentence_->setClearButtonEnabled(true);
    beam_ = new QSpinBox;
    beam_->setRange(1, 8);
    beam_->setPrefix(tr("beam "));
    beam_->setToolTip(tr("1 = greedy decoding (the book's); 2–8 = beam search with that many hypotheses, "
                         "ranked by log P / L^0.75"));
    go_ = new QPushButton(tr("T&ranslate"));
    go_->setToolTip(tr("Translate the sentence with the current model"));
    message_ = new QLabel;
    message_->setWordWrap(true);
    message_->setTextFormat(Qt::PlainText);
    message_->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; font-weight: bold; }"));
    message_->setToolTip(tr("Why the sentence could not be translated"));
    message_->hide();
    unknown_ = new QLabel;
    unknown_->setWordWrap(true);
    unknown_->setTextFormat(Qt::PlainText);  // "<unk>" is text, not a tag
    unknown_->setStyleSheet(QStringLiteral("QLabel { color: #b35900; }"));
    unknown_->setToolTip(tr("Words the model never saw in training are read as <unk>"));
    unknown_->hide();
    output_ = new QLabel;
    output_->setTextFormat(Qt::RichText);
    output_->setWordWrap(true);
    output_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    output_->setToolTip(tr("The translation; the token of the current step is highlighted"));
    QFont big = output_->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    output_->setFont(big);
    play_ = new QPushButton(tr("&Play"));
    play_->setToolTip(tr("Step through the decoder's steps automatically, or pause"));
    slider_ = new QSlider(Qt::Horizontal);
    slider_->setRange(0, 0);
    slider_->setPageStep(1);
    slider_->setToolTip(tr("The decoder step shown below (one per output token, <eos> included)"));
    stepLabel_ = new QLabel;
    stepLabel_->setMinimumWidth(stepLabel_->fontMetrics().horizontalAdvance(QStringLiteral("step 00 / 00")));
    stepLabel_->setToolTip(slider_->toolTip());
    timer_ = new QTimer(this);
    timer_->setInterval(kPlayIntervalMs);
    steps_ = new StepView;

    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(new QLabel(tr("Source:")));
    inputRow->addWidget(sentence_, 1);
    inputRow->addWidget(beam_);
    inputRow->addWidget(go_);
    auto* stepRow = new QHBoxLayout;
    stepRow->addWidget(play_);
    stepRow->addWidget(slider_, 1);
    stepRow->addWidget(stepLabel_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(inputRow);
    layout->addWidget(message_);
    layout->addWidget(unknown_);
    layout->addWidget(output_);
    layout->addLayout(stepRow);
    layout->addWidget(steps_, 1);

    connect(sentence_, &QLineEdit::returnPressed, this, &TranslatePanel::translateCurrent);
    connect(go_, &QPushButton::clicked, this, &TranslatePanel::translateCurrent);
    connect(slider_, &QSlider::valueChanged, this, &TranslatePanel::setStep);
    connect(play_, &QPushButton::clicked, this, [this] { setPlaying(!timer_->isActive()); });
    connect(timer_, &QTimer::timeout, this, [this] {
        if (slider_->value() >= slider_->maximum()) return setPlaying(false);
        slider_->setValue(slider_->value() + 1);
    });
    connect(steps_->whatIf(), &WhatIfPanel::weightEdited, this, &TranslatePanel::editAttention);
    connect(steps_->whatIf(), &WhatIfPanel::resetRequested, this, &TranslatePanel::resetWhatIf);
    show(seq2seq::Translation{}, 0);
}

void TranslatePanel::setModel(Seq2SeqModelPtr model)
{
    model_ = std::move(model);
    session_ = WhatIfSession{};
    setPlaying(false);
    show(seq2seq::Translation{}, 0);
    unknown_->hide();
    message_->hide();
}

bool TranslatePanel::translate(const QString& sentence)
{
    sentence_->setText(sentence);
    return translateCurrent();
}

bool TranslatePanel::translateCurrent()
{
    setPlaying(false);
    unknown_->hide();
    if (!model_) {
        showMessage(tr("No model: open one (File → Open model…) or train one."));
        return false;
    }
    if (sentence_->text().trimmed().isEmpty()) {
        showMessage(tr("Type a sentence to translate."));
        return false;
    }
    const std::string input = modelInput(*model_, sentence_->text());
    try {
        // <eos> is appended, so the model reads at most num_steps − 1 tokens of the sentence.
        const std::size_t n = seq2seq::source_tokens(input).size();
        if (static_cast<int>(n) + 1 > model_->num_steps) {
            showMessage(tr("The sentence has %1 tokens; this model reads at most %2 (its %3 steps include "
                           "<eos>). Shorten it.")
                            .arg(n).arg(model_->num_steps - 1).arg(model_->num_steps));
            return false;
        }
        const seq2seq::Translation t =
            beam_->value() > 1
                ? seq2seq::translate_beam(model_->model, model_->src_vocab, model_->tgt_vocab, input, model_->num_steps,
                                          beam_->value())
                : seq2seq::translate_greedy(model_->model, model_->src_vocab, model_->tgt_vocab, input, model_->num_steps);
        session_.start(model_, input, t);
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()));
        return false;
    }
    message_->hide();
    const seq2seq::Translation& t = session_.current();
    QStringList unknown;
    for (std::size_t i = 0; i < t.unknown.size(); ++i)
        if (t.unknown[i]) unknown << QStringLiteral("“%1”").arg(QString::fromStdString(t.source_input[i]));
    unknown.removeDuplicates();
    if (!unknown.isEmpty()) {
        unknown_->setText(tr("Not in the model's vocabulary, read as <unk>: %1").arg(unknown.join(QStringLiteral(", "))));
        unknown_->show();
    }
    show(t, 0);
    return true;
}

void TranslatePanel::showMessage(const QString& text)
{
    message_->setText(text);
    message_->show();
}

void TranslatePanel::show(const seq2seq::Translation& t, int step)
{
    const int steps = static_cast<int>(t.steps.size());
    {
        const QSignalBlocker block(slider_);
        slider_->setRange(0, std::max(0, steps - 1));
        slider_->setValue(std::clamp(step, 0, std::max(0, steps - 1)));
        slider_->setEnabled(steps > 1);
    }
    play_->setEnabled(steps > 1);
    if (steps == 0) steps_->clear();
    else steps_->setTranslation(t, slider_->value());
    const auto& ov = session_.attentionOverride();
    steps_->whatIf()->setNote(ov ? tr("Edited at step %1: the output from “%2” on is re-decoded with your attention row "
                                      "(greedy; used at every later step too).")
                                       .arg(ov->step + 1)
                                       .arg(ov->step < steps ? QString::fromStdString(t.steps[static_cast<std::size_t>(ov->step)].text)
                                                             : QString())
                                 : QString());
    updateOutputText();
}

void TranslatePanel::updateOutputText()
{
    lessons::publishSeq2seqTranslation(session_, slider_->value());  // every change of the translation or step
    if (!session_.active()) {
        output_->setText(tr("<i>No translation yet.</i>"));
        stepLabel_->clear();
        return;
    }
    const seq2seq::Translation& t = session_.current();
    const int cur = slider_->value();
    const int from = session_.attentionOverride() ? session_.attentionOverride()->step : -1;
    const bool characters = model_ && isCharacterModel(*model_);
    QStringList parts;
    for (int i = 0; i < static_cast<int>(t.steps.size()); ++i) {
        QString text = QString::fromStdString(t.steps[static_cast<std::size_t>(i)].text).toHtmlEscaped();
        if (characters && text == QStringLiteral("\u2581")) text = QStringLiteral("&nbsp;");
        QString style;
        if (i == cur) style += QStringLiteral("background-color:#ffe08a;color:#000;font-weight:bold;");
        if (from >= 0 && i >= from) style += QStringLiteral("text-decoration:underline;");
        parts << (style.isEmpty() ? text : QStringLiteral("<span style=\"%1\">%2</span>").arg(style, text));
    }
    output_->setText(tr("Output: %1").arg(parts.join(characters ? QString() : QStringLiteral(" "))));
    stepLabel_->setText(tr("step %1 / %2").arg(cur + 1).arg(t.steps.size()));
}

void TranslatePanel::setStep(int step)
{
    if (!session_.active()) return;
    if (slider_->value() != step) {
        slider_->setValue(step);  // comes back here through valueChanged
        return;
    }
    steps_->setStep(step);
    updateOutputText();
}

int TranslatePanel::currentStep() const { return session_.active() ? slider_->value() : -1; }

void TranslatePanel::editAttention(int index, double value)
{
    if (!session_.active()) return;
    const int step = slider_->value();
    try {
        session_.editWeight(step, index, value);
    } catch (const std::exception& e) {
        showMessage(QString::fromUtf8(e.what()));
        return;
    }
    setPlaying(false);
    show(session_.current(), step);
}

void TranslatePanel::resetWhatIf()
{
    if (!session_.edited()) return;
    const int step = slider_->value();
    session_.reset();
    show(session_.current(), step);
}

void TranslatePanel::setPlaying(bool on)
{
    if (on) {
        if (slider_->value() >= slider_->maximum()) slider_->setValue(0);
        timer_->start();
    } else {
        timer_->stop();
    }
    play_->setText(on ? tr("&Pause") : tr("&Play"));
}

}  // namespace attnviz::seq2seq_view
