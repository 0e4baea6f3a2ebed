// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot [--session F | --preset NAME] [--variant V] [--panel NAME] --out F.png
// [--size WxH]`: renders the real main window (or one panel) offscreen to a PNG, so the docs
// and the tests show the GUI as users see it.
#include "cli/cli_output.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/screenshot_options.hpp"

#include "gui/file_controller.hpp"
#include "gui/main_window.hpp"
#include "playground/app_settings.hpp"
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "playground/session_files.hpp"
#include "presets.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QPixmap>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QTemporaryDir>

#include <cstdio>

namespace attnviz::cli {

namespace {

constexpr const char* kCmd = "screenshot";

constexpr const char* kHelp =
    "Usage: attnviz screenshot [--session F | --preset NAME] [--variant V] [--panel NAME]\n"
    "                          --out F.png [--size WxH] [--palette light|dark]\n"
    "\n"
    "Renders the main window offscreen, after the first result arrived, and writes it as PNG.\n"
    "\n"
    "Options:\n"
    "  --session F     open this session file (default: the tf-tutorial preset)\n"
    "  --preset NAME   open a built-in preset\n"
    "  --variant V     switch to this variant (scaled_dot, additive, multi_head, ...)\n"
    "  --panel NAME    grab one part: window (default), heatmap, controls, editors,\n"
    "                  formula, stepInspector, queryFocus, compare (or any dock's name)\n"
    "  --out F.png     the image to write (required)\n"
    "  --size WxH      window size in pixels (default 1600x1000)\n"
    "  --palette P     light (default) or dark\n"
    "  -h, --help      show this text\n"
    "\n"
    "The other windows:\n"
    "  attnviz screenshot --seq2seq ...   the seq2seq model window (see --seq2seq --help)\n"
    "  attnviz screenshot --open FILE ... the attention-file inspector (see --open F --help)\n"
    "\n"
    "Exit status: 0 on success, 2 on bad arguments or input, 1 when the image cannot be written.\n";

struct Request {
    QString session, preset, variant, panel = QStringLiteral("window");
    ShotOutput shot{{}, {1600, 1000}};
};

// Empty on success, else the one-line problem.
QString parse(const QStringList& args, Request& r)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&](QString& into) -> bool {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        QString shotProblem;
        if (takeShotOption(args, i, r.shot, &shotProblem)) {
            if (!shotProblem.isEmpty()) return shotProblem;
            continue;
        }
        if (a == "--session") { if (!value(r.session)) return a + " needs a file"; }
        else if (a == "--preset") { if (!value(r.preset)) return a + " needs a name"; }
        else if (a == "--variant") { if (!value(r.variant)) return a + " needs a variant id"; }
        else if (a == "--panel") { if (!value(r.panel)) return a + " needs a name"; } else return "unknown option \"" + a + "\" (see attnviz screenshot --help)";
    }
    if (r.shot.out.isEmpty()) return "--out F.png is required";
    if (!r.session.isEmpty() && !r.preset.isEmpty()) return "give --session or --preset, not both";
    if (!r.preset.isEmpty() && !preset_names().contains(r.preset))
        return "unknown preset \"" + r.preset + "\" (known: " + preset_names().join(", ") + ')';
    if (!r.variant.isEmpty() && !variant_from_id(r.variant.toStdString()))
        return "unknown variant \"" + r.variant + '"';
    return {};
}

}  // namespace

int run_screenshot(const QStringList& args)
{
    // The other windows have screenshot modes of their own (with their own --help).
    if (args.contains("--open")) return run_inspector_screenshot(args);
    if (args.contains("--seq2seq")) return run_seq2seq_screenshot(args);
    if (args.contains("--help") || args.contains("-h")) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    Request r;
    if (const QString problem = parse(args, r); !problem.isEmpty())
        return report_bad_input(kCmd, problem.toStdString());

    const std::unique_ptr<QApplication> app = makeScreenshotApplication(r.shot.dark);

    // A session file is checked before any window exists: a broken one is bad input.
    if (!r.session.isEmpty()) {
        const playground::SessionReadResult read = playground::readSessionFile(r.session);
        if (!read.ok()) return report_bad_input(kCmd, read.error.toStdString());
    }

    // Throwaway settings: a screenshot must neither read the user's layout nor change it.
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    playground::AppSettings(&settings).setPalette(r.shot.dark ? playground::AppSettings::Palette::Dark
                                                                       : playground::AppSettings::Palette::Light);
    gui::MainWindow::Options options;
    options.prompts = false;
    options.persistLayout = false;
    options.autosave = false;
    options.settings = &settings;
    gui::MainWindow window(options);
    // Opened as File > Open does, so the title and status bar name the file.
    if (!r.session.isEmpty()) {
        window.fileController()->openPath(r.session);
    } else if (!r.preset.isEmpty()) {
        window.fileController()->loadPreset(r.preset);
    }
    if (!r.variant.isEmpty()) window.document()->setVariant(*variant_from_id(r.variant.toStdString()));

    window.resize(r.shot.size);
    window.show();
    QApplication::processEvents();
    window.applyDefaultDockSizes();
    QApplication::processEvents();
    if (!window.controller()->waitForIdle()) return report_failure(kCmd, "the computation did not finish");
    QApplication::processEvents();  // deliver the result and lay out
    window.heatmap()->replotNow();

    QWidget* target = &window;
    if (r.panel != "window") {
        const QString aliases[][2] = {{"controls", "controlsDock"}, {"editors", "editorsDock"}};
        QString objectName = r.panel;
        for (const auto& a : aliases)
            if (r.panel == a[0]) objectName = a[1];
        target = window.findChild<QWidget*>(objectName);
        if (!target) target = window.findChild<QWidget*>(r.panel);
        if (!target) {
            QStringList known{"window", "heatmap", "controls", "editors"};
            for (auto* d : window.findChildren<QDockWidget*>()) {
                QWidget* inner = d->widget();
                if (auto* scroll = qobject_cast<QScrollArea*>(inner)) inner = scroll->widget();
                if (inner && !inner->objectName().isEmpty()) known << inner->objectName();
                known << d->objectName();
            }
            known.removeDuplicates();
            return report_bad_input(kCmd, ("unknown panel \"" + r.panel + "\" (known: " +
                                           known.join(", ") + ')').toStdString());
        }
    }
    // A panel in a background tab has no layout yet: bring its dock to the front first.
    for (QWidget* w = target; w; w = w->parentWidget())
        if (auto* dock = qobject_cast<QDockWidget*>(w)) {
            dock->show();
            dock->raise();
            QApplication::processEvents();
            window.controller()->waitForIdle();
            QApplication::processEvents();
            break;
        }
    const QPixmap pixmap = target->grab();
    if (!pixmap.save(r.shot.out, "PNG"))
        return report_failure(kCmd, ("cannot write " + r.shot.out).toStdString());
    return kExitOk;
}

}  // namespace attnviz::cli
