// SPDX-License-Identifier: GPL-3.0-or-later
// The Transformer lab window (issue 15) through its controls, on the offscreen platform, with a
// tiny configuration that trains in well under a second: train (curves, grid, timeline filled on
// the GUI thread), the one-layer comparison, pause/resume, stop, closing while training, scrubbing
// back, opening a head with its token labels, saving a Hugging Face folder, and the form refusing
// bad values. No sleeps: signal spies and QTRY_*.
#include "transformer_lab/lab_curves.hpp"
#include "transformer_lab/lab_heads_view.hpp"
#include "transformer_lab/lab_runner.hpp"
#include "transformer_lab/lab_settings_form.hpp"
#include "transformer_lab/lab_timeline.hpp"
#include "transformer_lab/lab_window.hpp"

#include "model_view/model_window.hpp"
#include "shell/window_launcher.hpp"

#include "attnviz/core/transformer/hf_save.hpp"
#include "attnviz/widgets/inspector/thumbnail_grid_widget.hpp"
#include "attnviz/widgets/inspector/zoomable_heatmap_widget.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <qcustomplot.h>

#include <memory>

using namespace attnviz;
using transformer_lab::LabRun;
using transformer_lab::TransformerLabWindow;

namespace {

// Two layers of two heads on the induction task, small enough to train 40 steps in a blink.
transformer_lab::LabJob tinyJob(long long steps, bool compare = false)
{
    transformer_lab::LabJob job{transformer::default_config("induction"), compare};
    transformer::LabConfig& c = job.config;
    c.layers = 2;
    c.heads = 2;
    c.embd = 16;
    c.ctx = 12;
    c.vocab = 8;
    c.batch = 4;
    c.steps = steps;
    c.warmup = 2;
    c.lr = 1e-2;
    c.snapshot_every = 10;
    return job;
}

}  // namespace

class TestTransformerLab : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;

    std::unique_ptr<TransformerLabWindow> makeWindow()
    {
        TransformerLabWindow::Options o;
        o.prompts = false;
        o.settings = settings_.get();
        auto w = std::make_unique<TransformerLabWindow>(o);
        w->resize(1400, 900);
        w->show();
        return w;
    }

    // Trains `job` through the form and the Train button, to the end.
    static bool trainToEnd(TransformerLabWindow& w, const transformer_lab::LabJob& job)
    {
        QSignalSpy done(w.runner(), &transformer_lab::LabRunner::finished);
        w.form()->setJob(job);
        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        if (!w.isTraining()) return false;
        return done.wait(120000);
    }

private slots:
    void initTestCase() { settings_ = std::make_unique<QSettings>(dir_.filePath("s.ini"), QSettings::IniFormat); }

    void trainFillsCurvesGridAndTimeline()
    {
        auto w = makeWindow();
        QSignalSpy snapshots(w->runner(), &transformer_lab::LabRunner::snapshotReady);
        const QThread* gui = QThread::currentThread();
        QThread* snapshotThread = nullptr;
        connect(w->runner(), &transformer_lab::LabRunner::snapshotReady, this,
                [&] { snapshotThread = QThread::currentThread(); });
        QVERIFY(trainToEnd(*w, tinyJob(40)));
        QCOMPARE(snapshotThread, gui);  // the snapshots arrive on the GUI thread (queued copies)
        QCOMPARE(snapshots.size(), 5);  // steps 0, 10, 20, 30, 40
        transformer_lab::LabCurves* c = w->curves();
        QCOMPARE(c->pointCount(LabRun::Main), 5);
        QCOMPARE(c->pointCount(LabRun::OneLayer), 0);
        QCOMPARE(c->headLineCount(), 4);
        QCOMPARE(c->headGraph(1, 1)->dataCount(), 5);
        QCOMPARE(c->lossGraph(LabRun::Main)->dataCount(), 5);
        QCOMPARE(w->timeline()->count(), 5);
        QCOMPARE(w->timeline()->currentIndex(), 4);  // followed the newest
        QCOMPARE(w->headsView()->grid()->thumbnailCount(), 4);
        QCOMPARE(w->headsView()->grid()->layerCount(), 2);
        QCOMPARE(w->progressBar()->value(), 40);
        QCOMPARE(w->progressBar()->maximum(), 40);
        QVERIFY(c->markerVisible());
        QCOMPARE(c->markerStep(), 40.0);
        QVERIFY(w->resultLabel()->text().startsWith(QStringLiteral("Finished 40 steps")));
        QVERIFY(w->resultLabel()->text().contains(QStringLiteral("induction head")));
        QVERIFY(w->lastOutcome().has_value());
        QVERIFY(w->lastOutcome()->main.model != nullptr);
        QVERIFY(!w->lastOutcome()->oneLayer.has_value());
        // The strongest induction head was opened for the student.
        QVERIFY(w->headsView()->openLayer() >= 0);
        QVERIFY(w->headsView()->heatmap()->hasData());
        QVERIFY(w->trainButton()->isEnabled());
        QVERIFY(w->saveButton()->isEnabled());
        QVERIFY(!w->isTraining());
        // Switching the metric redraws every point of the history.
        c->metricCombo()->setCurrentIndex(c->metricCombo()->findData(int(transformer_lab::LabCurves::Metric::Entropy)));
        QCOMPARE(c->metric(), transformer_lab::LabCurves::Metric::Entropy);
        QCOMPARE(c->headGraph(0, 0)->dataCount(), 5);
        const auto& first = *w->timeline()->frames().front().snapshot;
        // Exact: the curve holds the core's number.
        QCOMPARE(c->headGraph(0, 1)->data()->at(0)->value, first.metrics[1].entropy);
    }

    void oneLayerComparisonIsDrawnOnTheSamePlots()
    {
        auto w = makeWindow();
        QSignalSpy started(w->runner(), &transformer_lab::LabRunner::runStarted);
        QVERIFY(trainToEnd(*w, tinyJob(20, /*compare=*/true)));
        QCOMPARE(started.size(), 2);
        QCOMPARE(started.at(1).at(0).value<LabRun>(), LabRun::OneLayer);
        QCOMPARE(w->curves()->pointCount(LabRun::Main), 3);
        QCOMPARE(w->curves()->pointCount(LabRun::OneLayer), 3);
        QCOMPARE(w->timeline()->count(), 3);  // the comparison draws curves only
        QCOMPARE(w->headsView()->grid()->layerCount(), 2);
        QVERIFY(w->lastOutcome()->oneLayer.has_value());
        QCOMPARE(w->lastOutcome()->oneLayer->config.layers, 1);
        QCOMPARE(w->progressBar()->value(), 40);
        QVERIFY(w->resultLabel()->text().contains(QStringLiteral("One layer")));
    }

    void pauseResumeAndStop()
    {
        auto w = makeWindow();
        QSignalSpy steps(w->runner(), &transformer_lab::LabRunner::stepDone);
        QSignalSpy done(w->runner(), &transformer_lab::LabRunner::finished);
        w->form()->setJob(tinyJob(5'000'000));
        QTest::mouseClick(w->trainButton(), Qt::LeftButton);
        QVERIFY(w->isTraining());
        QVERIFY(!w->trainButton()->isEnabled());
        QVERIFY(!w->form()->isEnabled());
        QVERIFY(steps.wait(60000));
        QTest::mouseClick(w->pauseButton(), Qt::LeftButton);
        QVERIFY(w->runner()->isPaused());
        QCOMPARE(w->pauseButton()->text(), QStringLiteral("&Resume"));
        QCOMPARE(w->statusLabel()->text(), QStringLiteral("Paused."));
        // Reports posted before the pause took effect may still be queued: drain them, then no
        // further step may arrive while paused (progress is reported every 50 ms while running).
        while (steps.wait(300)) {
        }
        const int settled = steps.size();
        QVERIFY(!steps.wait(500));
        QCOMPARE(steps.size(), settled);
        QTest::mouseClick(w->pauseButton(), Qt::LeftButton);  // resume
        QVERIFY(!w->runner()->isPaused());
        QCOMPARE(w->pauseButton()->text(), QStringLiteral("&Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() > settled, 60000);
        QTest::mouseClick(w->stopButton(), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        const auto& o = w->lastOutcome()->main;
        QVERIFY(o.stopped);
        QVERIFY(o.steps > 0 && o.steps < 5'000'000);
        QVERIFY(o.model != nullptr);  // the model trained so far is kept, and can be saved
        QVERIFY(w->resultLabel()->text().startsWith(QStringLiteral("Stopped after")));
        QVERIFY(!w->isTraining());
        QVERIFY(w->saveButton()->isEnabled());
        QVERIFY(w->form()->isEnabled());
    }

    void closingWhileTrainingStopsTheThread()
    {
        auto w = makeWindow();
        QSignalSpy steps(w->runner(), &transformer_lab::LabRunner::stepDone);
        QVERIFY(w->startTraining(tinyJob(5'000'000)));
        QVERIFY(steps.wait(60000));
        QTest::mouseClick(w->pauseButton(), Qt::LeftButton);  // even a paused run ends
        QVERIFY(w->close());
        QVERIFY(w->runner()->waitForThread(0));  // the thread has already ended
        w.reset();  // and the window goes without waiting for anything
    }

    void scrubbingShowsAnEarlierSnapshot()
    {
        auto w = makeWindow();
        QVERIFY(trainToEnd(*w, tinyJob(40)));
        transformer_lab::LabTimeline* tl = w->timeline();
        widgets::ThumbnailGridWidget* grid = w->headsView()->grid();
        const auto& frames = tl->frames();
        QCOMPARE(grid->thumbnailCount(), 4);
        QCOMPARE(grid->thumbnail(1, 0), frames.back().thumbnails[2]);
        QVERIFY(frames.front().thumbnails[2] != frames.back().thumbnails[2]);
        tl->slider()->setValue(0);
        QCOMPARE(tl->currentIndex(), 0);
        QCOMPARE(grid->thumbnail(1, 0), frames.front().thumbnails[2]);  // the grid shows step 0
        QVERIFY(w->headsView()->frame().snapshot != nullptr);
        QCOMPARE(w->headsView()->frame().snapshot->step, 0LL);
        QVERIFY(tl->label()->text().startsWith(QStringLiteral("step 0, loss")));
        QCOMPARE(w->curves()->markerStep(), 0.0);
        // The open head's heatmap follows: it views step 0's floats.
        const int l = w->headsView()->openLayer(), h = w->headsView()->openHeadIndex();
        const auto& s0 = *frames.front().snapshot;
        const int n = s0.n;
        const float* expected = s0.attention.data() + static_cast<std::size_t>((l * s0.heads + h) * n * n);
        QVERIFY(w->headsView()->heatmap()->hasData());
        QCOMPARE(w->headsView()->heatmap()->values()->matrix()(n - 1, 0), expected[(n - 1) * n]);
        tl->slider()->setValue(2);
        QCOMPARE(w->headsView()->frame().snapshot->step, 20LL);
        QCOMPARE(w->curves()->markerStep(), 20.0);
    }

    void clickingAThumbnailOpensItsHeatmapWithTokens()
    {
        auto w = makeWindow();
        QVERIFY(trainToEnd(*w, tinyJob(20)));
        transformer_lab::LabHeadsView* hv = w->headsView();
        QSignalSpy opened(hv, &transformer_lab::LabHeadsView::headOpened);
        QTRY_VERIFY(hv->grid()->cellRect(1, 1).width() > 4);  // laid out
        const int other = hv->openLayer() == 0 && hv->openHeadIndex() == 1 ? 0 : 1;
        QTest::mouseClick(hv->grid(), Qt::LeftButton, {}, hv->grid()->cellRect(0, other).center());
        QCOMPARE(opened.size(), 1);
        QCOMPARE(hv->openLayer(), 0);
        QCOMPARE(hv->openHeadIndex(), other);
        widgets::ZoomableHeatmapWidget* hm = hv->heatmap();
        QVERIFY(hm->hasData());
        QVERIFY(hv->frame().snapshot != nullptr);
        const auto& s = *hv->frame().snapshot;
        QCOMPARE(hm->values()->rows(), Eigen::Index(s.n));
        QCOMPARE(hm->values()->cols(), Eigen::Index(s.n));
        // The probe's tokens label queries and keys: "t3", …
        QCOMPARE(hm->describeCell(2, 1).contains(QString::fromStdString("“" + s.token_text[2] + "”")), true);
        QCOMPARE(hm->describeCell(2, 1).contains(QString::fromStdString("“" + s.token_text[1] + "”")), true);
        QVERIFY(QString::fromStdString(s.token_text[0]).startsWith(QLatin1Char('t')));
        QVERIFY(hm->title().startsWith(QStringLiteral("Layer 0, head %1 at step 20").arg(other)));
        // The curves draw the open head thicker.
        QVERIFY(w->curves()->headGraph(0, other)->pen().widthF() > w->curves()->headGraph(1, 1)->pen().widthF() ||
                (hv->openLayer() == 1 && other == 1));
    }

    void saveWritesAHuggingFaceFolder()
    {
        auto w = makeWindow();
        QString error;
        QVERIFY(!w->saveModel(dir_.filePath("none"), &error));  // nothing trained yet
        QVERIFY(error.contains(QStringLiteral("train one first")));
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("train one first")));
        QVERIFY(trainToEnd(*w, tinyJob(20)));
        const QString out = dir_.filePath("lab-model");
        QVERIFY2(w->saveModel(out, &error), qPrintable(error));
        for (const char* f : {"config.json", "model.safetensors", "tokenizer.json"})
            QVERIFY2(QFile::exists(out + QLatin1Char('/') + QLatin1String(f)), f);
        QFile config(out + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(config.readAll().contains("\"gpt2\""));
        // What was saved is the trained model: it reloads with the same weights.
        const auto loaded = transformer::load_hf_checkpoint(out.toStdString());
        auto& saved = *w->lastOutcome()->main.model;
        QVERIFY(loaded.model->wte.weight.value == saved.wte.weight.value);
        QCOMPARE(loaded.vocabulary, w->lastOutcome()->main.vocabulary);
        // A folder that cannot be made: the error is shown in the window.
        QFile blocker(dir_.filePath("a-file"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QVERIFY(!w->saveModel(dir_.filePath("a-file/model"), &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(w->statusBar()->currentMessage(), error);
    }

    void openInModelRunnerHandsOverTheSavedFolder()
    {
        // Without a runner to hand over to, there is no button.
        QVERIFY(makeWindow()->runnerButton() == nullptr);
        TransformerLabWindow::Options o;
        o.prompts = false;
        o.settings = settings_.get();
        QStringList handed;
        o.openInModelRunner = [&](const QString& folder) { handed << folder; };
        TransformerLabWindow w(o);
        w.show();
        QVERIFY(w.runnerButton() != nullptr);
        QVERIFY(!w.runnerButton()->isEnabled());  // nothing trained yet
        QVERIFY(trainToEnd(w, tinyJob(20)));
        QVERIFY(w.runnerButton()->isEnabled());
        QTest::mouseClick(w.runnerButton(), Qt::LeftButton);
        QCOMPARE(handed.size(), 1);
        QVERIFY(QFile::exists(handed[0] + QStringLiteral("/model.safetensors")));
        // The checkpoint-runner window opens it and runs the probe's first tokens through it.
        model_view::ModelWindow::Options mo;
        mo.prompts = false;
        mo.settings = settings_.get();
        model_view::ModelWindow runner(mo);
        QString error;
        QVERIFY2(runner.openModel(handed[0], &error), qPrintable(error));
        QVERIFY2(runner.runInput(QStringLiteral("1 2 3 1 2"), /*ids=*/true, &error), qPrintable(error));
        QVERIFY(runner.lastOutcome() != nullptr);
    }

    void launcherOpensOneLabThatHandsItsModelToTheRunner()
    {
        gui::WindowLauncher::Options lo;
        lo.prompts = false;
        lo.settings = settings_.get();
        gui::WindowLauncher launcher(lo);
        QVERIFY(launcher.transformerLab() == nullptr);
        QPointer<TransformerLabWindow> lab = launcher.showTransformerLab();
        QVERIFY(lab != nullptr);
        QCOMPARE(launcher.showTransformerLab(), lab.data());  // one lab window
        QVERIFY(lab->isVisible());
        QVERIFY(lab->runnerButton() != nullptr);
        QVERIFY(trainToEnd(*lab, tinyJob(20)));
        QTest::mouseClick(lab->runnerButton(), Qt::LeftButton);
        QVERIFY(launcher.modelRunner() != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(launcher.modelRunner()->modelFolder().contains(QStringLiteral("lab-model-1")), 30000);
        QPointer<model_view::ModelWindow> runner = launcher.modelRunner();
        QVERIFY(lab->close());
        QVERIFY(runner->close());
        // Both delete themselves on close.
        QTRY_VERIFY(lab.isNull() && runner.isNull());
        QVERIFY(launcher.transformerLab() == nullptr);
    }

    void timelineThinsEvenlyWithinItsBudget()
    {
        transformer_lab::LabTimeline tl;
        auto frameAt = [](long long step) {
            auto s = std::make_shared<transformer::LabSnapshot>();
            s->step = step;
            s->layers = s->heads = 1;
            s->n = 16;
            s->attention.assign(16 * 16, 1.0f / 16);
            return transformer_lab::makeFrame(LabRun::Main, std::move(s));
        };
        const transformer_lab::LabFrame one = frameAt(0);
        tl.addFrame(one);
        const std::size_t perFrame = tl.bytes();
        tl.setMemoryBudget(10 * perFrame);
        for (long long step = 1; step < 100; ++step) tl.addFrame(frameAt(step));
        QVERIFY(tl.bytes() <= 10 * perFrame);
        QVERIFY(tl.count() >= 5 && tl.count() <= 10);
        QCOMPARE(tl.frames().front().snapshot->step, 0LL);  // the start and the newest stay
        QCOMPARE(tl.frames().back().snapshot->step, 99LL);
        QCOMPARE(tl.currentIndex(), tl.count() - 1);  // still following the newest
        // A frame scrubbed to stays through thinning.
        tl.setIndex(1);
        const long long kept = tl.currentFrame()->snapshot->step;
        for (long long step = 100; step < 200; ++step) tl.addFrame(frameAt(step));
        QCOMPARE(tl.currentFrame()->snapshot->step, kept);
        QVERIFY(tl.bytes() <= 10 * perFrame);
    }

    void trainsOnATextFileWithItsCharactersAsLabels()
    {
        auto w = makeWindow();
        const QString path = dir_.filePath("text.txt");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("the cat sat on the mat. the dog sat on the log.\n");
        f.close();
        transformer_lab::LabJob job = tinyJob(10);
        job.config.task = "text";
        job.config.text_file = path.toStdString();
        w->form()->setJob(job);
        QCOMPARE(w->form()->validate(), QString());
        QVERIFY(trainToEnd(*w, w->form()->job()));
        QVERIFY(w->lastOutcome().has_value());
        const auto& s = *w->headsView()->frame().snapshot;
        // Characters label the heatmap; the space is made visible.
        const QStringList labels = transformer_lab::tokenLabels(s);
        QCOMPARE(labels.size(), s.n);
        for (const QString& l : labels) QCOMPARE(l.size(), 1);
        QVERIFY(!labels.contains(QStringLiteral(" ")));
        QVERIFY(w->headsView()->heatmap()->hasData());  // the last layer's first head opened
        QCOMPARE(w->headsView()->openLayer(), 1);
        QVERIFY(!w->resultLabel()->text().contains(QStringLiteral("induction head")));
    }

    void formRefusesBadValues()
    {
        auto w = makeWindow();
        transformer_lab::LabSettingsForm* f = w->form();
        // The spin boxes hold the core's limits (the command line's).
        f->layersSpin()->setValue(1000);
        QCOMPARE(f->layersSpin()->value(), transformer::LabLimits::kMaxLayers);
        f->ctxSpin()->setValue(100000);
        QCOMPARE(f->ctxSpin()->value(), transformer::LabLimits::kMaxCtx);
        // What the spins cannot express, the core's check refuses, and Train does not start.
        transformer_lab::LabJob job = tinyJob(20);
        job.config.embd = 18;
        job.config.heads = 4;
        f->setJob(job);
        QVERIFY(f->validate().contains(QStringLiteral("divisible")));
        QTest::mouseClick(w->trainButton(), Qt::LeftButton);
        QVERIFY(!w->isTraining());
        QVERIFY(w->statusLabel()->text().startsWith(QStringLiteral("Cannot train:")));
        // The text task without a file.
        f->taskCombo()->setCurrentIndex(f->taskCombo()->findData(QStringLiteral("text")));
        QCOMPARE(f->job().config.task, std::string("text"));
        QVERIFY(f->validate().contains(QStringLiteral("text file")));
        // Choosing a task loads its documented defaults.
        f->taskCombo()->setCurrentIndex(f->taskCombo()->findData(QStringLiteral("induction")));
        const transformer::LabConfig d = transformer::default_config("induction");
        QCOMPARE(f->job().config.layers, d.layers);
        QCOMPARE(f->job().config.embd, d.embd);
        QCOMPARE(f->job().config.steps, d.steps);
        QCOMPARE(f->validate(), QString());
    }
};

QTEST_MAIN(TestTransformerLab)
#include "test_transformer_lab.moc"
