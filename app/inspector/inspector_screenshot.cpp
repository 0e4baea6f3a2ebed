// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --open FILE [--panel window|model|head|heatmap|stats] [--layer L]
// [--head H] [--batch B] [--rollout] --out F.png [--size WxH] [--palette light|dark]`:
// renders the attention-file inspector offscreen to a PNG, once the file and every
// computation it started (statistics, aggregates) are done.
#include "cli/cli_output.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/screenshot_options.hpp"

#include "gui/app_palette.hpp"
#include "inspector/head_view_panel.hpp"
#include "inspector/heatmap_panel.hpp"
#include "inspector/inspector_window.hpp"

#include "attnviz/core/inspect/load_attention.hpp"

#include <QApplication>
#include <QPixmap>
#include <QRegularExpression>

#include <cstdio>
#include <optional>
#include <stdexcept>

namespace attnviz::cli {

namespace {

constexpr const char* kCmd = "screenshot";

constexpr const char* kHelp =
    "Usage: attnviz screenshot --open FILE [--panel window|model|head|heatmap|stats]\n"
    "                          [--layer L] [--head H] [--batch B] [--rollout]\n"
    "                          --out F.png [--size WxH] [--palette light|dark]\n"
    "\n"
    "Opens an attention file (.npy, .safetensors or JSON) in the inspector window offscreen and\n"
    "writes the window, or one of its panels, as PNG.\n"
    "\n"
    "Options:\n"
    "  --open FILE    the attention file (required)\n"
    "  --panel NAME   window (default), model, head, heatmap or stats\n"
    "  --layer L      the layer shown by the head view and the heatmap (default 0)\n"
    "  --head H       the head in the heatmap; the only head drawn in the head view\n"
    "                 (default: head 0 / the first three heads)\n"
    "  --batch B      the batch entry of a [layers, batch, heads, n_q, n_k] file (default 0)\n"
    "  --rollout      the heatmap shows attention rollout through layer L (default: all)\n"
    "  --out F.png    the image to write (required)\n"
    "  --size WxH     image size in pixels (default 1280x800)\n"
    "  --palette P    light (default) or dark\n"
    "  -h, --help     show this text\n"
    "\n"
    "Exit status: 0 on success, 2 on bad arguments or a bad file, 1 when the image cannot be\n"
    "written.\n";

struct Request {
    QString file, panel = QStringLiteral("window");
    ShotOutput shot{{}, {1280, 800}};
    std::optional<int> layer, head;
    int batch = 0;
    bool rollout = false;
};

QString parse(const QStringList& args, Request& r)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&](QString& into) -> bool {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        auto number = [&](const char* name, int& into) -> QString {
            QString text;
            if (!value(text)) return QString::fromLatin1(name) + " needs a value";
            bool ok = false;
            into = text.toInt(&ok);
            if (!ok || into < 0)
                return QString::fromLatin1(name) + ": expected a non-negative integer, got \"" + text + '"';
            return {};
        };
        QString problem;
        int n = 0;
        QString shotProblem;
        if (takeShotOption(args, i, r.shot, &shotProblem)) {
            if (!shotProblem.isEmpty()) return shotProblem;
            continue;
        }
        if (a == "--open") { if (!value(r.file)) return a + " needs a file"; }
        else if (a == "--panel") {
            if (!value(r.panel)) return a + " needs a name";
            if (!QStringList{"window", "model", "head", "heatmap", "stats"}.contains(r.panel))
                return "unknown panel \"" + r.panel + "\" (known: window, model, head, heatmap, stats)";
        }
        else if (a == "--layer") { if (!(problem = number("--layer", n)).isEmpty()) return problem; r.layer = n; }
        else if (a == "--head") { if (!(problem = number("--head", n)).isEmpty()) return problem; r.head = n; }
        else if (a == "--batch") { if (!(problem = number("--batch", r.batch)).isEmpty()) return problem; }
        else if (a == "--rollout") { r.rollout = true; } else return "unknown option \"" + a + "\" (see attnviz screenshot --help)";
    }
    if (r.file.isEmpty()) return "--open FILE is required";
    if (r.shot.out.isEmpty()) return "--out F.png is required";
    if (r.rollout && r.head) return "--rollout averages the heads: --head does not apply";
    return {};
}

}  // namespace

int run_inspector_screenshot(const QStringList& args)
{
    if (args.contains("--help") || args.contains("-h")) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    Request r;
    if (const QString problem = parse(args, r); !problem.isEmpty()) return report_bad_input(kCmd, problem.toStdString());

    // The file and the ranges are checked before Qt starts, so bad input gives exactly one line
    // on standard error (Qt prints its own notices once an application exists).
    Index layers = 0, heads = 0;
    try {
        inspect::LoadOptions check;
        check.batch = r.batch;
        const inspect::AttentionStack stack = inspect::load_attention(r.file.toStdString(), check);
        layers = stack.layers();
        heads = stack.heads();
    } catch (const std::invalid_argument& e) {
        return report_bad_input(kCmd, e.what());
    } catch (const std::exception& e) {
        return report_failure(kCmd, e.what());
    }
    if (r.layer && *r.layer >= layers)
        return report_bad_input(kCmd, (r.file + ": layer " + QString::number(*r.layer) + " out of range (expected 0.." +
                                       QString::number(layers - 1) + ")").toStdString());
    if (r.head && *r.head >= heads)
        return report_bad_input(kCmd, (r.file + ": head " + QString::number(*r.head) + " out of range (expected 0.." +
                                       QString::number(heads - 1) + ")").toStdString());
    const int layer = r.layer.value_or(r.rollout ? static_cast<int>(layers) - 1 : 0);

    const std::unique_ptr<QApplication> app = makeScreenshotApplication(r.shot.dark);

    using Panel = gui::InspectorWindow::Panel;
    gui::InspectorWindow::Options options;
    options.prompts = false;
    gui::InspectorWindow window(options);
    window.resize(r.shot.size);
    window.show();
    QString error;
    if (!window.openFile(r.file, r.batch, false, &error)) return report_bad_input(kCmd, error.toStdString());

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
    if (!window.waitForIdle()) return report_failure(kCmd, "the computation did not finish");
    QApplication::processEvents();

    QWidget* target = &window;
    if (r.panel != "window") {
        // One panel at the requested size: resizing lays its children out at once.
        target = window.panelWidget(panel);
        target->resize(r.shot.size);
    }
    const QPixmap pixmap = target->grab();
    if (!pixmap.save(r.shot.out, "PNG")) return report_failure(kCmd, ("cannot write " + r.shot.out).toStdString());
    return kExitOk;
}

}  // namespace attnviz::cli
