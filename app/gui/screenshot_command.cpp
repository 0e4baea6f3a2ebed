// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot [--session F | --preset NAME] [--variant V] [--panel NAME] --out F.png
// [--size WxH]`: renders the real main window (or one panel) offscreen to a PNG, so the docs
// and the tests show the GUI as users see it.
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/screenshot_options.hpp"

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
#include <QScrollArea>
#include <QSettings>
#include <QTemporaryDir>

#include <stdexcept>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot"),
            QStringLiteral("attnviz screenshot [--session F | --preset NAME] [--variant V] [--panel NAME]\n"
                           "                          --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Renders the main window offscreen, after the first result arrived, and writes it as PNG.\n"),
            QStringLiteral("The other windows:\n"
                           "  attnviz screenshot --seq2seq ...   the seq2seq model window (see --seq2seq --help)\n"
                           "  attnviz screenshot --open FILE ... the attention-file inspector (see --open F --help)\n"
                           "  attnviz screenshot --lesson NAME . a lesson beside its window (see --lesson x --help)\n"
                           "  attnviz screenshot --lab ...       the Transformer lab (see --lab --help)\n"
                           "  attnviz screenshot --model DIR ... the model window (see --model DIR --help)\n"
                           "\n"
                           "Exit status: 0 on success, 2 on bad arguments or input, 1 when the image cannot be written.\n")};
}

QStringList variantIds()
{
    QStringList ids;
    for (const Variant v : kAllVariants) ids << QString::fromLatin1(variant_id(v));
    return ids;
}

// Whether `args` hold the option `name` (as `name` or `name=value`) before a `--`.
bool holds(const QStringList& args, const QString& name)
{
    for (const QString& a : args) {
        if (a == QLatin1String("--")) return false;
        if (a == name || a.startsWith(name + QLatin1Char('='))) return true;
    }
    return false;
}

// Opens the main window offscreen on the session or preset, waits for the first result and grabs
// it (or one panel). Throws std::invalid_argument for a bad session or panel.
int shoot(const QString& session, const QString& preset, const QString& variant, const QString& panel,
          const shell::ShotOutput& shot)
{
    // A session file is read before any window exists: a broken one is bad input.
    if (!session.isEmpty()) {
        const playground::SessionReadResult read = playground::readSessionFile(session);
        if (!read.ok()) throw std::invalid_argument(read.error.toStdString());
    }
    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(shot));

    // Throwaway settings: a screenshot must neither read the user's layout nor change it.
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    playground::AppSettings(&settings).setPalette(shot.dark() ? playground::AppSettings::Palette::Dark
                                                              : playground::AppSettings::Palette::Light);
    gui::MainWindow::Options options;
    options.prompts = false;
    options.persistLayout = false;
    options.autosave = false;
    options.settings = &settings;
    gui::MainWindow window(options);
    // Opened as File > Open does, so the title and status bar name the file.
    if (!session.isEmpty()) {
        window.fileController()->openPath(session);
    } else if (!preset.isEmpty()) {
        window.fileController()->loadPreset(preset);
    }
    if (!variant.isEmpty()) window.document()->setVariant(*variant_from_id(variant.toStdString()));

    window.resize(shot.size);
    window.show();
    QApplication::processEvents();
    window.applyDefaultDockSizes();
    QApplication::processEvents();
    if (!window.controller()->waitForIdle()) throw std::runtime_error("the computation did not finish");
    QApplication::processEvents();  // deliver the result and lay out
    window.heatmap()->replotNow();

    QWidget* target = &window;
    if (panel != "window") {
        const QString aliases[][2] = {{"controls", "controlsDock"}, {"editors", "editorsDock"}};
        QString objectName = panel;
        for (const auto& a : aliases)
            if (panel == a[0]) objectName = a[1];
        target = window.findChild<QWidget*>(objectName);
        if (!target) target = window.findChild<QWidget*>(panel);
        if (!target) {
            QStringList known{"window", "heatmap", "controls", "editors"};
            for (auto* d : window.findChildren<QDockWidget*>()) {
                QWidget* inner = d->widget();
                if (auto* scroll = qobject_cast<QScrollArea*>(inner)) inner = scroll->widget();
                if (inner && !inner->objectName().isEmpty()) known << inner->objectName();
                known << d->objectName();
            }
            known.removeDuplicates();
            throw std::invalid_argument(("unknown panel \"" + panel + "\" (known: " + known.join(", ") + ')')
                                            .toStdString());
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
    return shell::saveShot(QStringLiteral("screenshot"), target, shot);
}

}  // namespace

int run_screenshot(const QStringList& args)
{
    // The other windows have screenshot modes of their own (with their own --help).
    if (holds(args, QStringLiteral("--open"))) return run_inspector_screenshot(args);
    if (holds(args, QStringLiteral("--lesson"))) return run_lesson_screenshot(args);
    // --seq2seq first: the seq2seq window takes `--model FILE` (its trained model) too.
    if (holds(args, QStringLiteral("--seq2seq"))) return run_seq2seq_screenshot(args);
    if (holds(args, QStringLiteral("--model"))) return run_model_screenshot(args);
    if (holds(args, QStringLiteral("--lab"))) return run_lab_screenshot(args);

    QString session, preset, variant, panel = QStringLiteral("window");
    shell::ShotOutput shot{{}, {1600, 1000}};
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--session"), QStringLiteral("F"), &session,
                QStringLiteral("open this session file (default: the tf-tutorial preset)"))
        .choice(QStringLiteral("--preset"), QStringLiteral("NAME"), preset_names(), &preset,
                QStringLiteral("open a built-in preset"), QStringLiteral("preset"))
        .choice(QStringLiteral("--variant"), QStringLiteral("V"), variantIds(), &variant,
                QStringLiteral("switch to this variant (scaled_dot, additive, multi_head, ...)"), QStringLiteral("variant"))
        .text(QStringLiteral("--panel"), QStringLiteral("NAME"), &panel,
              QStringLiteral("grab one part: window (default), heatmap, controls, editors,\n"
                             "formula, stepInspector, queryFocus, compare (or any dock's name)"));
    shell::addShotOptions(parser, shot);
    parser.noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (!session.isEmpty() && !preset.isEmpty()) throw std::invalid_argument("give --session or --preset, not both");
        // Checked before Qt starts: a FIFO would block the read, a directory cannot be read.
        if (!session.isEmpty()) shell::require_regular_file(session);
        return shoot(session, preset, variant, panel, shot);
    });
}

}  // namespace attnviz::cli
