// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --lab [--train TASK [--steps N] [--seed S] [--compare]] [--metric M]
// [--panel window|curves|heads] --out F.png [--size WxH] [--palette light|dark]`: renders the
// Transformer lab offscreen to a PNG. With --train the run goes on its worker thread to the end
// before the grab (the task's documented configuration, --steps shortening it), so the curves,
// the grid and the strongest induction head's heatmap are real.
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/screenshot_options.hpp"

#include "transformer_lab/lab_curves.hpp"
#include "transformer_lab/lab_heads_view.hpp"
#include "transformer_lab/lab_runner.hpp"
#include "transformer_lab/lab_settings_form.hpp"
#include "transformer_lab/lab_window.hpp"

#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QApplication>
#include <QEventLoop>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <stdexcept>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --lab"),
            QStringLiteral("attnviz screenshot --lab [--train TASK [--steps N] [--seed S] [--compare]] [--metric M]\n"
                           "                          [--panel P] --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Renders the Transformer lab offscreen and writes it as PNG.\n"),
            QStringLiteral("Exit status: 0 on success, 2 on bad arguments, 1 when training or writing fails.\n")};
}

struct Request {
    QString train, panel = QStringLiteral("window"), metric = QStringLiteral("induction");
    long long steps = 0;
    int seed = -1;
    bool compare = false;
    shell::ShotOutput shot{{}, {1600, 1000}};
};

int shoot(const Request& r)
{
    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(r.shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(r.shot));

    // Throwaway settings: a screenshot must neither read the user's settings nor change them.
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    transformer_lab::TransformerLabWindow::Options options;
    options.prompts = false;
    options.settings = &settings;
    transformer_lab::TransformerLabWindow window(options);
    window.resize(r.shot.size);
    window.show();
    QApplication::processEvents();

    const QStringList metrics{QStringLiteral("previous-token"), QStringLiteral("induction"), QStringLiteral("first-token"),
                              QStringLiteral("entropy")};
    window.curves()->setMetric(static_cast<transformer_lab::LabCurves::Metric>(metrics.indexOf(r.metric)));

    if (!r.train.isEmpty()) {
        transformer_lab::LabJob job{transformer::default_config(r.train.toStdString()), r.compare};
        if (r.steps > 0) job.config.steps = r.steps;
        if (r.seed >= 0) job.config.seed = static_cast<std::uint64_t>(r.seed);
        window.form()->setJob(job);
        bool finished = false;
        QString failure;
        QEventLoop loop;
        QObject::connect(window.runner(), &transformer_lab::LabRunner::finished, &loop, [&] {
            finished = true;
            loop.quit();
        });
        QObject::connect(window.runner(), &transformer_lab::LabRunner::failed, &loop, [&](const QString& m) {
            finished = true;
            failure = m;
            loop.quit();
        });
        if (!window.startTraining(job)) throw std::runtime_error("training did not start");
        if (!finished) loop.exec();  // the run's end quits it; nothing else can
        if (!failure.isEmpty()) throw std::runtime_error(("training failed: " + failure).toStdString());
    }

    QApplication::processEvents();
    QApplication::processEvents();
    window.curves()->replotNow();
    window.headsView()->heatmap()->renderNow();
    QApplication::processEvents();

    QWidget* target = &window;
    if (r.panel == "curves") target = window.curves();
    else if (r.panel == "heads") target = window.headsView();
    return shell::saveShot(QStringLiteral("screenshot"), target, r.shot);
}

}  // namespace

int run_lab_screenshot(const QStringList& args)
{
    Request r;
    bool labMode = false;  // --lab chose this mode; run_screenshot looked at it already
    shell::OptionParser parser(usage());
    parser.flag(QStringLiteral("--lab"), &labMode, QStringLiteral("this mode: the Transformer lab"))
        .choice(QStringLiteral("--train"), QStringLiteral("TASK"),
                {QStringLiteral("induction"), QStringLiteral("copy"), QStringLiteral("reverse"), QStringLiteral("sort")},
                &r.train, QStringLiteral("first train on this task (its documented configuration) to the end"),
                QStringLiteral("task"))
        .integer(QStringLiteral("--steps"), QStringLiteral("N"), &r.steps, {1, transformer::LabLimits::kMaxSteps},
                 QStringLiteral("optimiser steps for --train (default: the task's)"))
        .integer(QStringLiteral("--seed"), QStringLiteral("S"), &r.seed, {0, 1000000000},
                 QStringLiteral("seed for --train (default: the task's)"))
        .flag(QStringLiteral("--compare"), &r.compare,
              QStringLiteral("with --train, then train the one-layer model and draw it too"))
        .choice(QStringLiteral("--metric"), QStringLiteral("M"),
                {QStringLiteral("previous-token"), QStringLiteral("induction"), QStringLiteral("first-token"),
                 QStringLiteral("entropy")},
                &r.metric, QStringLiteral("the per-head metric drawn under the loss (default induction)"),
                QStringLiteral("metric"))
        .choice(QStringLiteral("--panel"), QStringLiteral("P"),
                {QStringLiteral("window"), QStringLiteral("curves"), QStringLiteral("heads")}, &r.panel,
                QStringLiteral("window (default), curves or heads: what to grab"), QStringLiteral("panel"));
    shell::addShotOptions(parser, r.shot);
    parser.noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (r.train.isEmpty() && (r.steps > 0 || r.seed >= 0 || r.compare))
            throw std::invalid_argument("--steps, --seed and --compare need --train");
        return shoot(r);
    });
}

}  // namespace attnviz::cli
