// SPDX-License-Identifier: GPL-3.0-or-later
// The Setup / "Show me" steps of the Transformer lab and the model window (lessons 9 and 10):
// the same calls their controls make (the form's fields, the Train button, the timeline's
// slider, the grid's click; the model window's run), and the model a lesson ships.
#include "lessons/builtin_models.hpp"
#include "lessons/lesson_actions.hpp"

#include "gui/main_window.hpp"
#include "model_view/head_session.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"
#include "playground/playground_document.hpp"
#include "shell/window_launcher.hpp"
#include "transformer_lab/lab_heads_view.hpp"
#include "transformer_lab/lab_runner.hpp"
#include "transformer_lab/lab_settings_form.hpp"
#include "transformer_lab/lab_timeline.hpp"
#include "transformer_lab/lab_window.hpp"

#include "attnviz/core/hf/interventions.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QEventLoop>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>

namespace attnviz::lessons {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// Runs `request` on the model window's runner and waits until the window shows it (or refuses).
QString runAndWait(model_view::ModelWindow* w, const model_view::RunRequest& request)
{
    QEventLoop loop;
    QString problem;
    bool shown = false;
    int id = -1;
    const auto a = QObject::connect(w, &model_view::ModelWindow::runShown, &loop, [&] { shown = true, loop.quit(); });
    const auto b = QObject::connect(w->runner(), &model_view::ModelRunner::failed, &loop, [&](int r, const QString& m) {
        if (r == id || id < 0) problem = m, loop.quit();
    });
    const auto c = QObject::connect(w->runner(), &model_view::ModelRunner::cancelled, &loop, [&](int r) {
        if (r == id) problem = QObject::tr("cancelled"), loop.quit();
    });
    id = w->runner()->run(request);
    if (id != 0 && problem.isEmpty()) loop.exec();
    QObject::disconnect(a);
    QObject::disconnect(b);
    QObject::disconnect(c);
    if (!shown && problem.isEmpty()) problem = QObject::tr("the model window did not run it");
    return problem;
}

// The model window's own "Open Head in Playground" (its head exporter, a Q_INVOKABLE
// exportHead(int, int)): it captures the head on its runner, writes the session and asks the
// playground to open it. Waits for that request (the playground has opened it by then).
QString exportThroughWindow(gui::MainWindow* main, QObject* exporter, int layer, int head)
{
    QEventLoop loop;
    bool opened = false;
    // Connected after MainWindow's own handler, so the session is open when this one runs.
    const auto c = QObject::connect(main->windows(), &gui::WindowLauncher::sessionOpenRequested, &loop,
                                    [&] { opened = true, loop.quit(); });
    bool started = false;
    if (!QMetaObject::invokeMethod(exporter, "exportHead", Qt::DirectConnection, Q_RETURN_ARG(bool, started),
                                   Q_ARG(int, layer), Q_ARG(int, head)))
        started = false;
    if (started) {
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);  // a capture of a tiny model takes milliseconds
        loop.exec();
    }
    QObject::disconnect(c);
    if (opened) return {};
    return started ? QObject::tr("the head did not reach the playground (the model window's status bar says why)")
                   : QObject::tr("the model window refused (run an input first; the head must be in the model)");
}

}  // namespace

bool LessonActions::performWindowStep(const Action& a, QString* problem)
{
    const std::vector<std::string>& w = a.args;
    auto integer = [&](std::size_t i) { return std::stoi(w.at(i)); };
    auto lab = [&]() { return window_->windows()->showTransformerLab(); };
    auto model = [&]() { return window_->windows()->showModelRunner(); };
    auto done = [&](QString p = {}) {
        *problem = std::move(p);
        return true;
    };

    if (a.verb == "window" && (w[0] == "lab" || w[0] == "model")) {
        if (w[0] == "lab") lab();
        else model();
        return done();
    }
    // ---- the Transformer lab ----
    if (a.verb == "lab_task") {
        transformer_lab::LabSettingsForm* form = lab()->form();
        if (form->taskCombo()->findData(q(w[0])) < 0) return done(QObject::tr("the lab has no task %1").arg(q(w[0])));
        if (!form->isEnabled()) return done(QObject::tr("a training run is going on"));
        // Every default of the task, the seed too (choosing it in the form keeps the seed): a
        // lesson's run is the documented one, whatever the form held before.
        form->setJob(transformer_lab::LabJob{transformer::default_config(w[0]), form->job().compareOneLayer});
        return done();
    }
    if (a.verb == "lab_layers" || a.verb == "lab_heads" || a.verb == "lab_steps") {
        transformer_lab::LabSettingsForm* form = lab()->form();
        if (!form->isEnabled()) return done(QObject::tr("a training run is going on"));
        QSpinBox* spin = a.verb == "lab_layers" ? form->layersSpin() : a.verb == "lab_heads" ? form->headsSpin()
                                                                                          : form->stepsSpin();
        if (integer(0) < spin->minimum() || integer(0) > spin->maximum())
            return done(QObject::tr("the form takes %1 to %2").arg(spin->minimum()).arg(spin->maximum()));
        transformer_lab::LabJob job = form->job();
        if (a.verb == "lab_layers") job.config.layers = integer(0);
        else if (a.verb == "lab_heads") job.config.heads = integer(0);
        else job.config.steps = integer(0);
        form->setJob(job);
        return done(form->validate());
    }
    if (a.verb == "lab_compare") {
        lab()->form()->compareCheck()->setChecked(w[0] == "on");
        return done();
    }
    if (a.verb == "press" && w[0].rfind("lab.", 0) == 0) {
        transformer_lab::TransformerLabWindow* l = lab();
        if (w[0] == "lab.train") {
            if (!l->trainButton()->isEnabled()) return done(QObject::tr("a training run is going on"));
            if (const QString p = l->form()->validate(); !p.isEmpty()) return done(p);
            l->trainButton()->click();
        } else if (w[0] == "lab.pause") {
            if (!l->pauseButton()->isEnabled()) return done(QObject::tr("nothing is training"));
            l->pauseButton()->click();
        } else {
            l->stopButton()->click();
        }
        return done();
    }
    if (a.verb == "lab_scrub") {
        transformer_lab::LabTimeline* t = lab()->timeline();
        int best = -1;
        for (int i = 0; i < t->count(); ++i)
            if (t->frames()[std::size_t(i)].snapshot->step <= integer(0)) best = i;
        if (best < 0) return done(QObject::tr("the timeline has no snapshot at or before step %1 yet").arg(integer(0)));
        t->setIndex(best);
        return done();
    }
    if (a.verb == "lab_head") {
        if (!lab()->headsView()->openHead(integer(0), integer(1)))
            return done(QObject::tr("the grid has no head %1.%2 yet (train first)").arg(integer(0)).arg(integer(1)));
        return done();
    }
    // ---- the model window ----
    if (a.verb == "open_model") {
        QString folder = q(w[0]), error;
        if (folder.startsWith(QLatin1String("builtin:"))) {
            folder = installBuiltinModel(folder.mid(8), &error);
            if (folder.isEmpty()) return done(error);
        }
        model_view::ModelWindow* m = model();
        return done(m->openModel(folder, &error) ? QString() : error);
    }
    if (a.verb == "model_input") {
        QString error;
        return done(model()->runInput(q(w[0]), false, &error) ? QString() : error);
    }
    if (a.verb == "head_to_playground")
        if (QObject* exporter = model()->findChild<QObject*>(QStringLiteral("headExporter")))
            return done(exportThroughWindow(window_, exporter, integer(0), integer(1)));
    if (a.verb == "ablate" || a.verb == "head_to_playground") {
        model_view::ModelWindow* m = model();
        const auto plain = m->plainOutcome();
        if (!plain) return done(QObject::tr("run an input in the model window first"));
        model_view::RunRequest request = plain->asked;
        request.ablate.clear();
        request.overrides.clear();
        request.capture.reset();
        try {
            if (a.verb == "ablate") {
                if (w[0] != "none") request.ablate = hf::parse_ablations(w[0]);
                hf::check_ablations(request.ablate, plain->result.layers, plain->result.heads);
            } else {
                request.capture = hf::HeadCapture{integer(0), integer(1)};
                hf::check_capture(*request.capture, plain->result.layers, plain->result.heads);
            }
        } catch (const std::exception& e) {
            return done(QString::fromUtf8(e.what()));
        }
        if (QString p = runAndWait(m, request); !p.isEmpty()) return done(p);
        if (a.verb == "ablate") return done();
        // "Open head in playground": the head's real Q, K, V as a scaled dot-product session.
        const auto run = m->lastOutcome();
        if (!run || !run->result.captured) return done(QObject::tr("the run captured no head"));
        try {
            const Session session = model_view::head_session(
                *run->result.captured, run->input.labels, model_view::head_source(run->model->info(), run->model->name));
            window_->document()->loadSession(session);
        } catch (const std::exception& e) {
            return done(QString::fromUtf8(e.what()));
        }
        window_->show();
        window_->raise();
        return done();
    }
    return false;
}

}  // namespace attnviz::lessons
