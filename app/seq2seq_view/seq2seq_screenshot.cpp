// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --seq2seq [--model F] [--sentence S] [--step N] [--beam K]
// [--train dates|toy-fr|reverse --epochs N] [--panel window|translate|train] --out F.png
// [--size WxH] [--palette light|dark]`: renders the seq2seq model window offscreen to a PNG.
// With --train the run goes on its worker thread to the end before the grab, so the Train tab
// shows a real loss curve and real alignment snapshots.
#include "cli/cli_output.hpp"
#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/screenshot_options.hpp"

#include "gui/app_palette.hpp"
#include "seq2seq_view/model_files.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/snapshot_timeline.hpp"
#include "seq2seq_view/step_view.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "seq2seq_view/train_runner.hpp"
#include "seq2seq_view/train_settings_form.hpp"
#include "seq2seq_view/translate_panel.hpp"

#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/seq2seq_loss_curve_widget.hpp"

#include <QApplication>
#include <QEventLoop>
#include <QLabel>
#include <QPixmap>
#include <QRegularExpression>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace attnviz::cli {

namespace {

constexpr const char* kCmd = "screenshot";

constexpr const char* kHelp =
    "Usage: attnviz screenshot --seq2seq [--model F] [--sentence S] [--step N] [--beam K]\n"
    "                          [--train dates|toy-fr|reverse [--epochs N]] [--panel P]\n"
    "                          --out F.png [--size WxH] [--palette light|dark]\n"
    "\n"
    "Renders the seq2seq model window offscreen and writes it as PNG.\n"
    "\n"
    "Options:\n"
    "  --model F       a .safetensors model (default: the built-in toy-fr model)\n"
    "  --sentence S    the sentence to translate (default: a toy-fr example; with --train,\n"
    "                  the dataset's probe sentence)\n"
    "  --step N        the decoder step to show, 1-based (default 1)\n"
    "  --beam K        beam width 1..8 (default 1, greedy)\n"
    "  --train D       first train on a generated dataset (dates, toy-fr, reverse) to the end;\n"
    "                  the trained model is then the one that translates\n"
    "  --epochs N      epochs for --train (default: the dataset's, as attnviz train)\n"
    "  --panel P       window (default), translate or train: which tab to show (window shows\n"
    "                  the Train tab after --train, else the Translate tab)\n"
    "  --out F.png     the image to write (required)\n"
    "  --size WxH      window size in pixels (default 1600x1000)\n"
    "  --palette P     light (default) or dark\n"
    "  -h, --help      show this text\n"
    "\n"
    "Exit status: 0 on success, 2 on bad arguments or input, 1 when training or writing fails.\n";

struct Request {
    QString model, sentence, train, panel = QStringLiteral("window");
    ShotOutput shot{{}, {1600, 1000}};
    int step = 1, beam = 1, epochs = 0;
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
        auto integer = [&](int& into, int lo, int hi) -> bool {
            QString v;
            bool ok = false;
            if (!value(v)) return false;
            into = v.toInt(&ok);
            return ok && into >= lo && into <= hi;
        };
        QString shotProblem;
        if (takeShotOption(args, i, r.shot, &shotProblem)) {
            if (!shotProblem.isEmpty()) return shotProblem;
            continue;
        }
        if (a == "--seq2seq") continue;
        if (a == "--model") { if (!value(r.model)) return a + " needs a file"; }
        else if (a == "--sentence") { if (!value(r.sentence)) return a + " needs a sentence"; }
        else if (a == "--step") { if (!integer(r.step, 1, 1000)) return a + " needs a step number ≥ 1"; }
        else if (a == "--beam") { if (!integer(r.beam, 1, 8)) return a + " needs 1..8"; }
        else if (a == "--epochs") { if (!integer(r.epochs, 1, 100000)) return a + " needs a positive number"; }
        else if (a == "--train") {
            if (!value(r.train) || !seq2seq::is_generated_dataset(r.train.toStdString()))
                return "--train needs dates, toy-fr or reverse";
        } else if (a == "--panel") {
            if (!value(r.panel) || (r.panel != "window" && r.panel != "translate" && r.panel != "train"))
                return "--panel needs window, translate or train";
        } else return "unknown option \"" + a + "\" (see attnviz screenshot --seq2seq --help)";
    }
    if (r.shot.out.isEmpty()) return "--out F.png is required";
    if (r.epochs > 0 && r.train.isEmpty()) return "--epochs needs --train";
    return {};
}

// Runs the event loop until `done` or `ms` pass.
template <class Pred>
bool waitFor(Pred done, int ms)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) loop.quit();
    });
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    poll.start(20);
    if (!done()) loop.exec();
    return done();
}

}  // namespace

int run_seq2seq_screenshot(const QStringList& args)
{
    if (args.contains("--help") || args.contains("-h")) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    Request r;
    if (const QString problem = parse(args, r); !problem.isEmpty()) return report_bad_input(kCmd, problem.toStdString());

    // The model is read before any GUI exists: a bad one is bad input, reported on one line.
    gui::Seq2SeqModelPtr model;
    if (!r.model.isEmpty()) {
        const gui::ModelLoadResult loaded = gui::loadSeq2SeqModel(r.model);
        if (!loaded.model) return report_bad_input(kCmd, loaded.error.toStdString());
        model = loaded.model;
    }

    const std::unique_ptr<QApplication> app = makeScreenshotApplication(r.shot.dark);

    // Throwaway settings: a screenshot must neither read the user's settings nor change them.
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    gui::Seq2SeqWindow::Options options;
    options.prompts = false;
    options.settings = &settings;
    options.initialSentence.clear();
    gui::Seq2SeqWindow window(options);
    window.resize(r.shot.size);
    if (model) window.setModel(model, r.model);
    window.show();
    QApplication::processEvents();

    gui::TrainPanel* train = window.trainPanel();
    if (!r.train.isEmpty()) {
        gui::TrainJob job = gui::defaultTrainJob(r.train);
        if (r.epochs > 0) job.options.epochs = r.epochs;
        job.snapshotEvery = gui::defaultSnapshotEvery(job.options.epochs);
        train->form()->setJob(job);
        if (r.sentence.isEmpty()) r.sentence = job.probe;
        window.showTrainTab();
        bool finished = false;
        QString failure;
        QObject::connect(train->runner(), &gui::TrainRunner::finished, &window, [&] { finished = true; });
        QObject::connect(train->runner(), &gui::TrainRunner::failed, &window, [&](const QString& m) {
            finished = true;
            failure = m;
        });
        if (!train->startTraining(job)) return report_failure(kCmd, "training did not start");
        waitFor([&] { return finished; }, 30 * 60 * 1000);
        if (!finished) return report_failure(kCmd, "training did not finish within 30 minutes");
        if (!failure.isEmpty()) return report_failure(kCmd, ("training failed: " + failure).toStdString());
    }

    gui::TranslatePanel* translate = window.translatePanel();
    translate->beamSpin()->setValue(r.beam);
    const QString sentence = r.sentence.isEmpty() ? QStringLiteral("the black cat sees a red car .") : r.sentence;
    if (translate->translate(sentence)) translate->setStep(r.step - 1);
    // A sentence that cannot be translated is still a screenshot: the window shows why.

    const bool showTrain = r.panel == "train" || (r.panel == "window" && !r.train.isEmpty());
    if (showTrain) window.showTrainTab();
    else window.showTranslateTab();
    QApplication::processEvents();
    QApplication::processEvents();
    for (auto* h : window.findChildren<widgets::HeatmapWidget*>()) h->replotNow();
    train->lossCurve()->replotNow();
    QApplication::processEvents();

    QWidget* target = &window;
    if (r.panel == "translate") target = translate;
    else if (r.panel == "train") target = train;
    const QPixmap pixmap = target->grab();
    if (!pixmap.save(r.shot.out, "PNG")) return report_failure(kCmd, ("cannot write " + r.shot.out).toStdString());
    return kExitOk;
}

}  // namespace attnviz::cli
