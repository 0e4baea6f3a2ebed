// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --open FILE [--panel window|model|head|heatmap|stats] [--layer L]
// [--head H] [--batch B] [--rollout] --out F.png [--size WxH] [--palette light|dark]`:
// renders the attention-file inspector offscreen to a PNG, once the file and every
// computation it started (statistics, aggregates) are done.
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/screenshot_options.hpp"

#include "inspector/head_view_panel.hpp"
#include "inspector/heatmap_panel.hpp"
#include "inspector/inspector_window.hpp"

#include "attnviz/core/inspect/load_attention.hpp"

#include <QApplication>

#include <optional>
#include <stdexcept>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --open F"),
            QStringLiteral("attnviz screenshot --open FILE [--panel window|model|head|heatmap|stats]\n"
                           "                          [--layer L] [--head H] [--batch B] [--rollout]\n"
                           "                          --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Opens an attention file (.npy, .safetensors or JSON) in the inspector window offscreen and\n"
                           "writes the window, or one of its panels, as PNG.\n"),
            QStringLiteral("Exit status: 0 on success, 2 on bad arguments or a bad file, 1 when the image cannot be\n"
                           "written.\n")};
}

struct Request {
    QString file, panel = QStringLiteral("window");
    shell::ShotOutput shot{{}, {1280, 800}};
    std::optional<int> layer, head;
    int batch = 0;
    bool rollout = false;
};

// Checks the file and the ranges, opens the inspector offscreen and grabs it (or one panel).
int shoot(const Request& r)
{
    // The file and the ranges are checked before Qt starts, so bad input gives exactly one line
    // on standard error (Qt prints its own notices once an application exists).
    Index layers = 0, heads = 0;
    {
        inspect::LoadOptions check;
        check.batch = r.batch;
        const inspect::AttentionStack stack = inspect::load_attention(r.file.toStdString(), check);
        layers = stack.layers();
        heads = stack.heads();
    }
    if (r.layer && *r.layer >= layers)
        throw std::invalid_argument((r.file + ": layer " + QString::number(*r.layer) + " out of range (expected 0.." +
                                     QString::number(layers - 1) + ")").toStdString());
    if (r.head && *r.head >= heads)
        throw std::invalid_argument((r.file + ": head " + QString::number(*r.head) + " out of range (expected 0.." +
                                     QString::number(heads - 1) + ")").toStdString());
    const int layer = r.layer.value_or(r.rollout ? static_cast<int>(layers) - 1 : 0);

    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(r.shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(r.shot));

    using Panel = gui::InspectorWindow::Panel;
    gui::InspectorWindow::Options options;
    options.prompts = false;
    gui::InspectorWindow window(options);
    window.resize(r.shot.size);
    window.show();
    QString error;
    if (!window.openFile(r.file, r.batch, false, &error)) throw std::invalid_argument(error.toStdString());

    window.headViewPanel()->setLayer(layer);
    if (r.head) window.headViewPanel()->setHeadsShown({*r.head});
    if (r.rollout) window.heatmapPanel()->showSource(inspector::HeatmapPanel::Source::Rollout, layer);
    else window.showHead(layer, r.head.value_or(0));

    Panel panel = Panel::Model;
    if (r.panel == "head") panel = Panel::Head;
    else if (r.panel == "heatmap") panel = Panel::Heatmap;
    else if (r.panel == "stats") panel = Panel::Stats;
    else if (r.panel == "window") panel = r.rollout || r.head || r.layer ? Panel::Heatmap : Panel::Model;
    window.showPanel(panel);
    if (!window.waitForIdle()) throw std::runtime_error("the computation did not finish");
    QApplication::processEvents();

    QWidget* target = &window;
    if (r.panel != "window") {
        // One panel at the requested size: resizing lays its children out at once.
        target = window.panelWidget(panel);
        target->resize(r.shot.size);
    }
    return shell::saveShot(QStringLiteral("screenshot"), target, r.shot);
}

}  // namespace

int run_inspector_screenshot(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--open"), QStringLiteral("FILE"), &r.file, QStringLiteral("the attention file (required)"))
        .required()
        .choice(QStringLiteral("--panel"), QStringLiteral("NAME"),
                {QStringLiteral("window"), QStringLiteral("model"), QStringLiteral("head"), QStringLiteral("heatmap"),
                 QStringLiteral("stats")},
                &r.panel, QStringLiteral("window (default), model, head, heatmap or stats"), QStringLiteral("panel"))
        .integer(QStringLiteral("--layer"), QStringLiteral("L"), &r.layer, {0},
                 QStringLiteral("the layer shown by the head view and the heatmap (default 0)"))
        .integer(QStringLiteral("--head"), QStringLiteral("H"), &r.head, {0},
                 QStringLiteral("the head in the heatmap; the only head drawn in the head view\n"
                                "(default: head 0 / the first three heads)"))
        .integer(QStringLiteral("--batch"), QStringLiteral("B"), &r.batch, {0},
                 QStringLiteral("the batch entry of a [layers, batch, heads, n_q, n_k] file (default 0)"))
        .flag(QStringLiteral("--rollout"), &r.rollout,
              QStringLiteral("the heatmap shows attention rollout through layer L (default: all)"));
    shell::addShotOptions(parser, r.shot);
    parser.noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (r.rollout && r.head) throw std::invalid_argument("--rollout averages the heads: --head does not apply");
        // A FIFO would block the open for ever; a directory cannot be read.
        shell::require_regular_file(r.file);
        return shoot(r);
    });
}

}  // namespace attnviz::cli
