// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --model DIR (--text T | --ids 1,2,…) [--panel window|runner|model|head|
// heatmap|stats|generation|ablation|logit-lens|override] [--setup S] [--layer L] [--head H]
// --out F.png [--size WxH] [--palette light|dark]`:
// opens a Hugging Face checkpoint in the model window offscreen, runs the input, and writes the
// window (or one panel) as PNG once the run and everything it started are done.
#include "cli/commands.hpp"
#include "model_view/intervention_panels.hpp"
#include "model_view/model_run_panel.hpp"
#include "model_view/model_window.hpp"
#include "model_view/run_input.hpp"
#include "shell/command.hpp"
#include "shell/screenshot_options.hpp"

#include "inspector/head_view_panel.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QSettings>
#include <QTemporaryDir>

#include <optional>
#include <stdexcept>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --model DIR"),
            QStringLiteral("attnviz screenshot --model DIR (--text T | --ids 1,2,...)\n"
                           "                          [--panel window|runner|model|head|heatmap|stats|\n"
                           "                                   generation|ablation|logit-lens|override]\n"
                           "                          [--setup S]\n"
                           "                          [--layer L] [--head H]\n"
                           "                          --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Opens a Hugging Face checkpoint folder in the model window offscreen, runs the text (or\n"
                           "the token ids), and writes the window, or one of its panels, as PNG. `runner` is the\n"
                           "model panel (facts, input, tokens, top K); model, head, heatmap and stats are the\n"
                           "inspector's views; generation, ablation, logit-lens and override are the intervention\n"
                           "panels, put in the state --setup describes first:\n"
                           "  generation  --setup \"steps=N [temperature=X] [top-k=K] [seed=S]\"   (default steps=8)\n"
                           "  ablation    --setup \"L.H,L.H,... [mean]\"   the heads switched off (default: 0.0)\n"
                           "  logit-lens  --setup \"position=P\"   the position whose column is selected (default: last)\n"
                           "  override    --setup \"layer=L head=H query=Q row=w0,w1,...\"   a rewritten row\n"
                           "With --panel window, --setup \"PANEL SETUP\" (e.g. \"generation steps=24\") prepares that panel\n"
                           "and writes the whole window with it.\n"),
            QStringLiteral("Exit status: 0 on success, 2 on bad arguments, a bad folder or a refused input, 1 when\n"
                           "the image cannot be written.\n")};
}

struct Request {
    QString model, text, ids, panel = QStringLiteral("window"), setup;
    bool fromText = false;
    shell::ShotOutput shot{{}, {1400, 820}};
    std::optional<int> layer, head;
};

// The intervention panels prepare themselves (intervention_panels.hpp); null for the others.
QWidget* interventionShot(model_view::ModelWindow& window, const QString& panel, const QString& setup)
{
    if (panel == "generation") return model_view::prepareGenerationShot(window, setup);
    if (panel == "ablation") return model_view::prepareAblationShot(window, setup);
    if (panel == "logit-lens") return model_view::prepareLogitLensShot(window, setup);
    if (panel == "override") return model_view::prepareOverrideShot(window, setup);
    return nullptr;
}

int shoot(const Request& r)
{
    // The folder, the input and the ranges are checked before Qt starts, so bad input gives
    // exactly one line on standard error.
    int layers = 0, heads = 0;
    {
        const model_view::OpenedModel m = model_view::open_model(r.model.toStdString());
        if (r.fromText) model_view::input_from_text(m, r.text.toStdString());
        else model_view::input_from_ids(m, model_view::parse_ids(r.ids.toStdString()));
        layers = m.info().layers;
        heads = m.info().heads;
    }
    if (r.layer && *r.layer >= layers)
        throw std::invalid_argument("--layer " + std::to_string(*r.layer) + " out of range (expected 0.." +
                                    std::to_string(layers - 1) + ")");
    if (r.head && *r.head >= heads)
        throw std::invalid_argument("--head " + std::to_string(*r.head) + " out of range (expected 0.." +
                                    std::to_string(heads - 1) + ")");

    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(r.shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(r.shot));

    using Panel = gui::InspectorWindow::Panel;
    model_view::ModelWindow::Options options;
    options.prompts = false;
    // A screenshot leaves the user's settings alone: the last folder goes to a scratch file.
    const QTemporaryDir scratch;
    QSettings settings(scratch.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    options.settings = &settings;
    model_view::ModelWindow window(options);
    window.resize(r.shot.size);
    window.show();
    QString error;
    if (!window.openModel(r.model, &error)) throw std::invalid_argument(error.toStdString());
    if (!window.runInput(r.fromText ? r.text : r.ids, !r.fromText, &error))
        throw std::invalid_argument(error.toStdString());

    const int layer = r.layer.value_or(0);
    window.headViewPanel()->setLayer(layer);
    if (r.head) window.headViewPanel()->setHeadsShown({*r.head});
    if (r.layer || r.head) window.showHead(layer, r.head.value_or(0));
    Panel panel = Panel::Model;
    if (r.panel == "head") panel = Panel::Head;
    else if (r.panel == "heatmap") panel = Panel::Heatmap;
    else if (r.panel == "stats") panel = Panel::Stats;
    else if (r.panel == "window" && (r.layer || r.head)) panel = Panel::Heatmap;
    window.showPanel(panel);
    if (!window.waitForIdle()) throw std::runtime_error("the computation did not finish");
    QApplication::processEvents();

    QWidget* target = &window;
    if (r.panel == "window" && !r.setup.isEmpty()) {
        // The whole window with an intervention panel prepared: --setup "PANEL SETUP".
        const QString name = r.setup.section(QLatin1Char(' '), 0, 0);
        const QString setup = r.setup.section(QLatin1Char(' '), 1);
        QWidget* shot = interventionShot(window, name, setup);
        if (!shot)
            throw std::invalid_argument("--setup with --panel window names a panel first: generation, ablation, "
                                        "logit-lens or override (got '" + name.toStdString() + "')");
        if (auto* dock = qobject_cast<QDockWidget*>(shot)) dock->setFloating(false);  // back in the window
        if (!window.waitForIdle()) throw std::runtime_error("the computation did not finish");
    } else if (QWidget* shot = interventionShot(window, r.panel, r.setup)) {
        target = shot;
        target->resize(r.shot.size);
    } else if (r.panel == "runner") {
        target = window.runDock();
        target->resize(r.shot.size);
    } else if (r.panel != "window") {
        target = window.panelWidget(panel);
        target->resize(r.shot.size);
    }
    QApplication::processEvents();
    return shell::saveShot(QStringLiteral("screenshot"), target, r.shot);
}

}  // namespace

int run_model_screenshot(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--model"), QStringLiteral("DIR"), &r.model,
                QStringLiteral("the checkpoint folder, or its config.json (required)"))
        .required()
        .text(QStringLiteral("--text"), QStringLiteral("T"), &r.text, QStringLiteral("the text to run"))
        .text(QStringLiteral("--ids"), QStringLiteral("1,2,..."), &r.ids, QStringLiteral("the token ids to run"))
        .choice(QStringLiteral("--panel"), QStringLiteral("NAME"),
                {QStringLiteral("window"), QStringLiteral("runner"), QStringLiteral("model"), QStringLiteral("head"),
                 QStringLiteral("heatmap"), QStringLiteral("stats"), QStringLiteral("generation"),
                 QStringLiteral("ablation"), QStringLiteral("logit-lens"), QStringLiteral("override")},
                &r.panel,
                QStringLiteral("window (default), runner, model, head, heatmap, stats, generation, ablation, "
                               "logit-lens or override"),
                QStringLiteral("panel"))
        .text(QStringLiteral("--setup"), QStringLiteral("S"), &r.setup,
              QStringLiteral("the intervention panel's state to show (see above)"))
        .integer(QStringLiteral("--layer"), QStringLiteral("L"), &r.layer, {0},
                 QStringLiteral("the layer of the head view and the heatmap (default 0)"))
        .integer(QStringLiteral("--head"), QStringLiteral("H"), &r.head, {0},
                 QStringLiteral("the head in the heatmap; the only head drawn in the head view"));
    shell::addShotOptions(parser, r.shot);
    parser.noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        const bool text = parsed.wasGiven(QStringLiteral("--text"));
        if (text == parsed.wasGiven(QStringLiteral("--ids")))
            throw std::invalid_argument("give one of --text and --ids (see attnviz screenshot --model DIR --help)");
        r.fromText = text;
        return shoot(r);
    });
}

}  // namespace attnviz::cli
