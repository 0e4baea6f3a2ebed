// SPDX-License-Identifier: GPL-3.0-or-later
// The Translate tab: a source sentence in, the model's output out, and a step slider (with
// Play) that walks the decoder's steps in a StepView. Edits of a step's attention re-decode
// through a WhatIfSession. Decoding a sentence takes well under a millisecond for these models,
// so it runs on the GUI thread; training never does.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"
#include "seq2seq_view/whatif_session.hpp"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace attnviz::seq2seq_view {

class StepView;

class TranslatePanel : public QWidget {
    Q_OBJECT

public:
    explicit TranslatePanel(QWidget* parent = nullptr);

    // The model to translate with; the shown translation is cleared (it was another model's).
    void setModel(Seq2SeqModelPtr model);
    const Seq2SeqModelPtr& model() const { return model_; }

    // Puts `sentence` in the line edit and translates it. False, with a message shown, for an
    // empty sentence, one longer than the model reads, or no model.
    bool translate(const QString& sentence);
    bool translateCurrent();  // the line edit's sentence (Enter, the button)

    void setStep(int step);
    int currentStep() const;
    // What-if at the current step: weight `index` set to `value`; re-decodes.
    void editAttention(int index, double value);
    void resetWhatIf();

    bool hasTranslation() const { return session_.active(); }
    // What is shown: the what-if translation when edited, else the model's.
    const seq2seq::Translation& translation() const { return session_.current(); }
    const WhatIfSession& session() const { return session_; }

    QLineEdit* sentenceEdit() const { return sentence_; }
    QSpinBox* beamSpin() const { return beam_; }
    QPushButton* translateButton() const { return go_; }
    QSlider* stepSlider() const { return slider_; }
    QPushButton* playButton() const { return play_; }
    QLabel* messageLabel() const { return message_; }
    QLabel* unknownLabel() const { return unknown_; }
    QLabel* outputLabel() const { return output_; }
    StepView* stepView() const { return steps_; }

private:
    void show(const seq2seq::Translation& t, int step);
    void showMessage(const QString& text);
    void updateOutputText();
    void setPlaying(bool on);

    Seq2SeqModelPtr model_;
    WhatIfSession session_;
    QLineEdit* sentence_;
    QSpinBox* beam_;
    QPushButton* go_;
    QLabel *message_, *unknown_, *output_, *stepLabel_;
    QSlider* slider_;
    QPushButton* play_;
    QTimer* timer_;
    StepView* steps_;
};

}  // namespace attnviz::seq2seq_view
