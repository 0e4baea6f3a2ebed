// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lesson_actions.hpp"

#include "gui/file_controller.hpp"
#include "gui/main_window.hpp"
#include "inspector/inspector_window.hpp"
#include "playground/playground_document.hpp"
#include "seq2seq_view/model_files.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "seq2seq_view/train_settings_form.hpp"
#include "seq2seq_view/translate_panel.hpp"
#include "shell/window_launcher.hpp"

#include "attnviz/core/attention.hpp"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>

namespace attnviz::lessons {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

QString LessonActions::perform(const std::vector<Action>& actions)
{
    for (const Action& a : actions)
        if (QString problem = perform(a); !problem.isEmpty())
            return QStringLiteral("line %1: %2: %3").arg(a.line).arg(q(a.toString()), problem);
    return {};
}

QString LessonActions::perform(const Action& a)
{
    playground::PlaygroundDocument* doc = window_->document();
    const std::vector<std::string>& w = a.args;
    auto integer = [&](std::size_t i) { return std::stoi(w.at(i)); };
    auto number = [&](std::size_t i) { return std::stod(w.at(i)); };
    const QString refused = QObject::tr("refused (the status bar says why)");
    auto model = [&]() { return window_->windows()->showModelWindow(); };
    if (QString problem; performWindowStep(a, &problem)) return problem;

    if (a.verb == "preset") return window_->fileController()->loadPreset(q(w[0])) ? QString() : QObject::tr("cannot load it");
    if (a.verb == "variant") return doc->setVariant(*variant_from_id(w[0])) ? QString() : refused;
    if (a.verb == "temperature") return doc->setTemperature(number(0)) ? QString() : refused;
    if (a.verb == "causal") return doc->setCausal(w[0] == "on") ? QString() : refused;
    if (a.verb == "valid_len") {
        std::vector<Index> lengths;
        if (w[0] != "none")
            for (std::size_t i = 0; i < w.size(); ++i) lengths.push_back(integer(i));
        return doc->setValidLengths(lengths) ? QString() : refused;
    }
    if (a.verb == "mask_cell") {
        if (integer(0) >= doc->resultQueryRows() || integer(1) >= doc->keyCount())
            return QObject::tr("the weights have %1 × %2 cells").arg(doc->resultQueryRows()).arg(doc->keyCount());
        return doc->toggleMaskCell(integer(0), integer(1)) ? QString() : refused;
    }
    if (a.verb == "cell") {
        widgets::MatrixTableModel* m = w[0] == "Q" ? doc->queriesModel() : w[0] == "K" ? doc->keysModel()
                                     : w[0] == "V" ? doc->valuesModel() : doc->parameterModel(q(w[0]));
        if (!m) return QObject::tr("the variant %1 has no %2").arg(q(std::string(variant_id(doc->variant()))), q(w[0]));
        const int r = integer(1), c = integer(2);
        if (r >= m->matrix().rows() || c >= m->matrix().cols())
            return QObject::tr("%1 is %2 × %3").arg(q(w[0])).arg(m->matrix().rows()).arg(m->matrix().cols());
        return m->setValue(r, c, number(3)) ? QString() : refused;
    }
    if (a.verb == "hidden") return doc->setHidden(integer(0)) ? QString() : refused;
    if (a.verb == "heads") return doc->setNumHeads(integer(0)) ? QString() : refused;
    if (a.verb == "seed") return doc->setSeed(std::uint64_t(integer(0))) ? QString() : refused;
    if (a.verb == "window") {
        if (w[0] == "seq2seq") model();
        else if (w[0] == "inspector") window_->windows()->showInspector();
        else {
            window_->show();
            window_->raise();
        }
        return {};
    }
    if (a.verb == "tab") {
        if (w[0] == "train") model()->showTrainTab();
        else model()->showTranslateTab();
        return {};
    }
    if (a.verb == "dataset") {
        QComboBox* combo = model()->trainPanel()->form()->datasetCombo();
        const int index = combo->findData(q(w[0]));
        if (index < 0) return QObject::tr("the form has no dataset %1").arg(q(w[0]));
        combo->setCurrentIndex(index);  // as a click: the dataset's own defaults come with it
        return {};
    }
    if (a.verb == "epochs" || a.verb == "examples") {
        seq2seq_view::TrainSettingsForm* form = model()->trainPanel()->form();
        seq2seq_view::TrainJob job = form->job();
        (a.verb == "epochs" ? job.options.epochs : job.examples) = integer(0);
        form->setJob(job);
        return {};
    }
    if (a.verb == "press") {
        if (w[0] == "playground.regenerate") return doc->regenerateParameters() ? QString() : refused;
        if (w[0] == "playground.clear_mask") return doc->clearMaskMatrix() ? QString() : refused;
        seq2seq_view::Seq2SeqWindow* s = model();
        if (w[0] == "seq2seq.builtin_model") {
            // The shipped toy-fr model again: a lesson starts from it, not from an earlier run.
            const seq2seq_view::ModelLoadResult r = seq2seq_view::loadDefaultSeq2SeqModel();
            if (!r.model) return r.error;
            s->setModel(r.model, QObject::tr("built-in toy-fr"));
        } else if (w[0] == "seq2seq.train") {
            s->showTrainTab();
            if (!s->trainPanel()->trainButton()->isEnabled()) return QObject::tr("a training run is going on");
            s->trainPanel()->trainButton()->click();
        } else if (w[0] == "seq2seq.stop") {
            s->trainPanel()->stopButton()->click();
        } else if (w[0] == "seq2seq.translate") {
            s->showTranslateTab();
            s->translatePanel()->translateCurrent();
        } else if (w[0] == "seq2seq.whatif_reset") {
            s->translatePanel()->resetWhatIf();
        }
        return {};
    }
    if (a.verb == "translate") {
        seq2seq_view::Seq2SeqWindow* s = model();
        s->showTranslateTab();
        return s->translatePanel()->translate(q(w[0])) ? QString() : s->translatePanel()->messageLabel()->text();
    }
    if (a.verb == "step" || a.verb == "whatif") {
        seq2seq_view::Seq2SeqWindow* s = model();
        s->showTranslateTab();
        seq2seq_view::TranslatePanel* t = s->translatePanel();
        if (!t->hasTranslation()) return QObject::tr("translate a sentence first");
        if (a.verb == "step") {
            const int steps = int(t->translation().steps.size());
            if (integer(0) < 1 || integer(0) > steps) return QObject::tr("the translation has steps 1 to %1").arg(steps);
            t->setStep(integer(0) - 1);
        } else {
            const int sources = int(t->translation().source_tokens.size());
            if (integer(0) >= sources) return QObject::tr("the sentence has source tokens 0 to %1").arg(sources - 1);
            t->editAttention(integer(0), number(1));
        }
        return {};
    }
    return QObject::tr("no such step");  // the parser knows every verb this file does
}

}  // namespace attnviz::lessons
