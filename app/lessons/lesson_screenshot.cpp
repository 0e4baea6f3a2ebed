// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz screenshot --lesson NAME [--task N] --out F.png [--size WxH] [--palette light|dark]`:
// renders a lesson beside its window, offscreen. The lesson's Setup runs first; with --task N
// its "Show me" runs too (in a cumulative lesson, those of tasks 1..N, each waited for), so the
// picture shows the tick. A lesson of the playground is grabbed with the playground and its
// Lessons dock; a lesson whose Setup opens another window (seq2seq, the lab, the model runner) is drawn as the Lessons
// panel beside that window, in one image of --size.
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/screenshot_options.hpp"

#include "gui/main_window.hpp"
#include "lessons/lesson_library.hpp"
#include "lessons/lessons_panel.hpp"
#include "playground/app_settings.hpp"
#include "playground/recompute_controller.hpp"
#include "model_view/model_window.hpp"
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "shell/window_launcher.hpp"
#include "transformer_lab/lab_window.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"

#include <QApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QPainter>
#include <QPixmap>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <stdexcept>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("screenshot"), QStringLiteral("attnviz screenshot --lesson"),
            QStringLiteral("attnviz screenshot --lesson NAME [--task N] --out F.png [--size WxH] [--palette light|dark]"),
            QStringLiteral("Renders a lesson (a shipped one by name, or a .lesson file) beside its window, after its\n"
                           "Setup and, with --task N, after the Show me of task N.\n"),
            QStringLiteral("Exit status: 0 on success, 2 on bad arguments or input, 1 when the image cannot be written.\n")};
}

// Runs the event loop until `done` or the deadline; the worker threads (recompute, training)
// deliver their results through it.
template <class Pred>
bool waitFor(Pred done, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired()) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return done();
}

int shoot(const QString& name, int task, const shell::ShotOutput& shot)
{
    // The lesson is read before any window exists: a bad name or file is bad input.
    lessons::Lesson lesson;
    bool found = false;
    if (name.endsWith(QLatin1String(".lesson"))) {
        lesson = lessons::loadLessonFile(name);  // LessonError is an invalid_argument: exit 2
        found = true;
    } else {
        QStringList known;
        for (lessons::Lesson& l : lessons::shippedLessons()) {
            known << QString::fromStdString(l.id);
            if (QString::fromStdString(l.id) == name) lesson = std::move(l), found = true;
        }
        if (!found)
            throw std::invalid_argument(("unknown lesson \"" + name + "\" (known: " + known.join(QStringLiteral(", ")) +
                                         ", or a .lesson file)").toStdString());
    }
    if (task > int(lesson.tasks.size()))
        throw std::invalid_argument("--task " + std::to_string(task) + ": the lesson has " +
                                    std::to_string(lesson.tasks.size()) + " task(s)");

    const std::unique_ptr<QApplication> app = shell::makeScreenshotApplication(shot.dark());
    const shell::MemoryDemand demand(shell::screenshotDemand(shot));
    // Throwaway settings: a screenshot neither reads the user's progress nor changes it.
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
    auto* dock = window.findChild<lessons::LessonsDock*>();
    lessons::LessonsPanel* panel = dock->panel();
    panel->addLesson(lesson);  // a shipped lesson replaces itself: same id, same place
    window.resize(shot.size);
    window.show();
    dock->showDock();
    QApplication::processEvents();
    window.applyDefaultDockSizes();
    window.resizeDocks({dock}, {std::clamp(shot.size.width() / 4, 340, 460)}, Qt::Horizontal);

    auto settle = [&] {
        if (!window.controller()->waitForIdle()) throw std::runtime_error("the computation did not finish");
        QApplication::processEvents();
        QApplication::processEvents();
    };
    settle();
    if (const QString problem = panel->runSetup(); !problem.isEmpty()) throw std::invalid_argument(problem.toStdString());
    settle();
    const int firstTask = lesson.cumulative ? 1 : task;
    for (int t = std::max(1, firstTask); t <= task; ++t) {
        if (const QString problem = panel->runShowMe(t - 1); !problem.isEmpty())
            throw std::invalid_argument(problem.toStdString());
        // Training runs on its thread: wait for it (a few seconds; the lab's default run about
        // 40 s) and for the tick.
        waitFor([&] {
            auto* model = window.windows()->modelWindow();
            auto* lab = window.windows()->transformerLab();
            return (!model || !model->trainPanel()->isTraining()) && (!lab || !lab->isTraining()) &&
                   panel->isTicked(t - 1);
        }, 600000);
        settle();
    }
    window.heatmap()->replotNow();

    // The window the lesson drives: the lab, the model runner or the seq2seq window; the
    // playground when the last step shown put a head there.
    QWidget* other = window.windows()->transformerLab();
    if (!other) other = window.windows()->modelRunner();
    if (!other) other = window.windows()->modelWindow();
    const std::vector<lessons::Action>* last = task > 0 ? &lesson.tasks[std::size_t(task - 1)].show : &lesson.setup;
    if (!last->empty() && last->back().verb == "head_to_playground") other = nullptr;
    if (!other) return shell::saveShot(QStringLiteral("screenshot"), &window, shot);
    // The lesson beside the window it drives: the dock's panel on the left, the window right.
    const int side = std::clamp(shot.size.width() / 4, 340, 460);
    dock->setFloating(true);
    dock->resize(side, shot.size.height());
    other->resize(shot.size.width() - side, shot.size.height());
    other->show();
    QApplication::processEvents();
    settle();
    QPixmap image(shot.size);
    image.fill(window.palette().window().color());
    {
        QPainter painter(&image);
        painter.drawPixmap(0, 0, dock->grab());
        painter.drawPixmap(side, 0, other->grab());
    }
    if (image.isNull() || !image.save(shot.out, "PNG"))
        return shell::report_failure(QStringLiteral("screenshot"), ("cannot write " + shot.out).toStdString());
    return shell::kExitOk;
}

}  // namespace

int run_lesson_screenshot(const QStringList& args)
{
    QString name;
    int task = 0;
    shell::ShotOutput shot{{}, {1600, 1000}};
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--lesson"), QStringLiteral("NAME"), &name,
                QStringLiteral("a shipped lesson (dot-product, masks, ...) or a .lesson file (required)"))
        .required();
    parser.integer(QStringLiteral("--task"), QStringLiteral("N"), &task, shell::IntRange{0, 4},
                   QStringLiteral("run the Show me of task N (from 1) before the grab (default 0: none)"));
    shell::addShotOptions(parser, shot);
    parser.noPositionals();
    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) { return shoot(name, task, shot); });
}

}  // namespace attnviz::cli
