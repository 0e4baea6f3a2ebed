// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --seq2seq [--model F] [--sentence S] [--step N] [--beam K]
// [--train dates|toy-fr|reverse --epochs N] [--panel window|translate|train] --out F.png
// [--size WxH] [--palette light|dark]`: renders the seq2seq model window offscreen to a PNG.
// With --train the run goes on its worker thread to the end before the grab, so the Train tab
// shows a real loss curve and real alignment snapshots.
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/limits.hpp"
#include "shell/screenshot_options.hpp"

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

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --seq2seq"),
            QStringLiteral("attnviz screenshot --seq2seq [--model F] [--sentence S] [--step N] [--beam K]\n"
                           "                          [--train dates|toy-fr|reverse [--epochs N]] [--panel P]\n"
                           "                          --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Renders the seq2seq model window offscreen and writes it as PNG.\n"),
            QStringLiteral("Exit status: 0 on success, 2 on bad arguments or input, 1 when training or writing fails.\n")};
}

struct Request {
    QString model, sentence, train, panel = QStringLiteral("window");
    shell::ShotOutput shot{{}, {1600, 1000}};
    int step = 1, beam = 1, epochs = 0;
};

QStringList generatedDatasets()
{
    QStringList names;
    for (const std::string& n : seq2seq::generated_dataset_names()) names << QString::fromStdString(n);
    return names;
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

// Loads the model (or trains one), opens the window offscreen on the sentence and grabs it.
int shoot(Request& r)
{
    // The model is read before any GUI exists: a bad one is bad input, reported on one line.
    seq2seq_view::Seq2SeqModelPtr model;
    if (!r.model.isEmpty()) {
        // A FIFO would block the read for ever; the embedded models (":/…") are not files.
        if (!r.model.startsWith(QLatin1String(":/"))) shell::require_regular_file(r.model);
        const seq2seq_view::ModelLoadResult loaded = seq2seq_view::loadSeq2SeqModel(r.model);
        if (!loaded.model) throw std::invalid_argument(loaded.error.toStdString());
        model = loaded.model;
    }

    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(r.shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(r.shot));

    // Throwaway settings: a screenshot must neither read the user's settings nor change them.
    QTemporaryDir tmp;
    QSettings settings(tmp.filePath("settings.ini"), QSettings::IniFormat);
    seq2seq_view::Seq2SeqWindow::Options options;
    options.prompts = false;
    options.settings = &settings;
    options.initialSentence.clear();
    seq2seq_view::Seq2SeqWindow window(options);
    window.resize(r.shot.size);
    if (model) window.setModel(model, r.model);
    window.show();
    QApplication::processEvents();

    seq2seq_view::TrainPanel* train = window.trainPanel();
    if (!r.train.isEmpty()) {
        seq2seq_view::TrainJob job = seq2seq_view::defaultTrainJob(r.train);
        if (r.epochs > 0) job.options.epochs = r.epochs;
        job.snapshotEvery = seq2seq_view::defaultSnapshotEvery(job.options.epochs);
        train->form()->setJob(job);
        if (r.sentence.isEmpty()) r.sentence = job.probe;
        window.showTrainTab();
        bool finished = false;
        QString failure;
        QObject::connect(train->runner(), &seq2seq_view::TrainRunner::finished, &window, [&] { finished = true; });
        QObject::connect(train->runner(), &seq2seq_view::TrainRunner::failed, &window, [&](const QString& m) {
            finished = true;
            failure = m;
        });
        if (!train->startTraining(job)) throw std::runtime_error("training did not start");
        waitFor([&] { return finished; }, 30 * 60 * 1000);
        if (!finished) throw std::runtime_error("training did not finish within 30 minutes");
        if (!failure.isEmpty()) throw std::runtime_error(("training failed: " + failure).toStdString());
    }

    seq2seq_view::TranslatePanel* translate = window.translatePanel();
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
    return shell::saveShot(QStringLiteral("screenshot"), target, r.shot);
}

}  // namespace

int run_seq2seq_screenshot(const QStringList& args)
{
    Request r;
    bool seq2seqMode = false;  // --seq2seq chose this mode; run_screenshot looked at it already
    shell::OptionParser parser(usage());
    parser.flag(QStringLiteral("--seq2seq"), &seq2seqMode, QStringLiteral("this mode: the seq2seq model window"))
        .text(QStringLiteral("--model"), QStringLiteral("F"), &r.model,
              QStringLiteral("a .safetensors model (default: the built-in toy-fr model)"))
        .text(QStringLiteral("--sentence"), QStringLiteral("S"), &r.sentence,
              QStringLiteral("the sentence to translate (default: a toy-fr example; with --train,\n"
                             "the dataset's probe sentence)"))
        .integer(QStringLiteral("--step"), QStringLiteral("N"), &r.step, {1, shell::kMaxDecoderSteps},
                 QStringLiteral("the decoder step to show, 1-based (default 1; at most %1)").arg(shell::kMaxDecoderSteps))
        .integer(QStringLiteral("--beam"), QStringLiteral("K"), &r.beam, {1, 8},
                 QStringLiteral("beam width 1..8 (default 1, greedy)"))
        .choice(QStringLiteral("--train"), QStringLiteral("D"), generatedDatasets(), &r.train,
                QStringLiteral("first train on a generated dataset (dates, toy-fr, reverse) to the end;\n"
                               "the trained model is then the one that translates"),
                QStringLiteral("dataset"))
        .integer(QStringLiteral("--epochs"), QStringLiteral("N"), &r.epochs, {1, 100000},
                 QStringLiteral("epochs for --train (default: the dataset's, as attnviz train)"))
        .choice(QStringLiteral("--panel"), QStringLiteral("P"),
                {QStringLiteral("window"), QStringLiteral("translate"), QStringLiteral("train")}, &r.panel,
                QStringLiteral("window (default), translate or train: which tab to show (window shows\n"
                               "the Train tab after --train, else the Translate tab)"),
                QStringLiteral("panel"));
    shell::addShotOptions(parser, r.shot);
    parser.noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (r.epochs > 0 && r.train.isEmpty()) throw std::invalid_argument("--epochs needs --train");
        return shoot(r);
    });
}

}  // namespace attnviz::cli
