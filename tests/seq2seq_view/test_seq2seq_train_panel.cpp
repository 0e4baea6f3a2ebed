// SPDX-License-Identifier: GPL-3.0-or-later
// The seq2seq window's Train tab: a small real training run on the worker thread, its live
// progress, loss curve and alignment snapshots, pause/resume, stop, and the hand-over of the
// trained model to the Translate tab.
#include "seq2seq_view/seq2seq_window.hpp"
#include "seq2seq_view/snapshot_timeline.hpp"
#include "seq2seq_view/train_panel.hpp"
#include "seq2seq_view/train_runner.hpp"
#include "seq2seq_view/train_settings_form.hpp"
#include "seq2seq_view/translate_panel.hpp"

#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"
#include "attnviz/widgets/seq2seq_loss_curve_widget.hpp"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <memory>

using namespace attnviz;
using attnviz::seq2seq_view::Seq2SeqWindow;

namespace {

// reverse, small: a few hundred pairs, a small model, trains in well under a second per epoch.
seq2seq_view::TrainJob smallJob(int epochs)
{
    seq2seq_view::TrainJob job = seq2seq_view::defaultTrainJob(QStringLiteral("reverse"));
    job.examples = 300;
    job.config.embed = 16;
    job.config.hidden = 16;
    job.config.layers = 1;
    job.options.epochs = epochs;
    job.snapshotEvery = 1;
    return job;
}

}  // namespace

class TestSeq2SeqTrainPanel : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<QSettings> settings_;

    std::unique_ptr<Seq2SeqWindow> makeWindow()
    {
        Seq2SeqWindow::Options o;
        o.prompts = false;
        o.settings = settings_.get();
        auto w = std::make_unique<Seq2SeqWindow>(o);
        w->resize(1366, 768);
        w->show();
        w->showTrainTab();
        return w;
    }

    // Starts a long job and clicks Pause as soon as the first epoch is reported (the trainer
    // then stops between batches); returns once the runner is paused and the button reads Resume.
    void startPausedAfterFirstEpoch(seq2seq_view::TrainPanel* t, QSignalSpy& epochs)
    {
        connect(t->runner(), &seq2seq_view::TrainRunner::epochFinished, this, [t, &epochs] {
            if (epochs.size() == 1) QTest::mouseClick(t->pauseButton(), Qt::LeftButton);
        });
        QVERIFY(t->startTraining(smallJob(3000)));
        QVERIFY(epochs.wait(60000));
        QTRY_VERIFY(t->runner()->isPaused());
        QCOMPARE(t->pauseButton()->text(), QStringLiteral("&Resume"));
    }

private slots:
    void initTestCase() { settings_ = std::make_unique<QSettings>(dir_.filePath("s.ini"), QSettings::IniFormat); }

    void trainsShowsProgressAndHandsTheModelOver()
    {
        auto w = makeWindow();
        seq2seq_view::TrainPanel* t = w->trainPanel();
        const auto before = w->model();
        QSignalSpy epochs(t->runner(), &seq2seq_view::TrainRunner::epochFinished);
        QSignalSpy snapshots(t->runner(), &seq2seq_view::TrainRunner::snapshotReady);
        QSignalSpy done(t->runner(), &seq2seq_view::TrainRunner::finished);
        QSignalSpy trained(t, &seq2seq_view::TrainPanel::modelTrained);
        const QThread* gui = QThread::currentThread();
        QThread* epochThread = nullptr;
        connect(t->runner(), &seq2seq_view::TrainRunner::epochFinished, this, [&] { epochThread = QThread::currentThread(); });
        QVERIFY(t->startTraining(smallJob(4)));
        QVERIFY(t->isTraining());
        QVERIFY(!t->trainButton()->isEnabled());
        QVERIFY(done.wait(120000));
        QCOMPARE(epochThread, gui);  // the signals arrive on the GUI thread (queued)
        QCOMPARE(epochs.size(), 4);
        QCOMPARE(t->lossCurve()->pointCount(), 4);
        QCOMPARE(t->progressBar()->value(), 4);
        QCOMPARE(t->progressBar()->maximum(), 4);
        QCOMPARE(snapshots.size(), 4);
        seq2seq_view::SnapshotTimeline* tl = t->timeline();
        QCOMPARE(tl->count(), 4);
        QCOMPARE(tl->currentIndex(), 3);
        // The slider scrubs the snapshots.
        tl->slider()->setValue(1);
        QCOMPARE(tl->currentIndex(), 1);
        QVERIFY(tl->label()->text().startsWith(QStringLiteral("epoch 2, loss")));
        // Exact: the heatmap draws the snapshot's own matrix.
        QCOMPARE(*tl->heatmap()->data().values, tl->snapshots()[1].weights);
        QVERIFY(t->resultLabel()->text().contains(QStringLiteral("BLEU")));
        QVERIFY(t->lastOutcome().bleu.has_value());
        QCOMPARE(t->lastOutcome().result.epochs_done, 4);
        QVERIFY(t->trainButton()->isEnabled());
        // The trained model is now the window's, and the Translate tab uses it.
        QCOMPARE(trained.size(), 1);
        QVERIFY(w->model() != before);
        QCOMPARE(w->model(), t->lastOutcome().model);
        QVERIFY(w->translatePanel()->translate(QStringLiteral("a b c")));
        const auto& m = *w->model();
        QCOMPARE(w->translatePanel()->translation().output,
                 seq2seq::translate_greedy(m.model, m.src_vocab, m.tgt_vocab, "a b c", m.num_steps).output);
    }

    void pauseResumeAndStop()
    {
        auto w = makeWindow();
        seq2seq_view::TrainPanel* t = w->trainPanel();
        QSignalSpy epochs(t->runner(), &seq2seq_view::TrainRunner::epochFinished);
        QSignalSpy done(t->runner(), &seq2seq_view::TrainRunner::finished);
        startPausedAfterFirstEpoch(t, epochs);
        if (QTest::currentTestFailed()) return;
        // Epochs finished before the pause took effect may still be queued: drain them, then
        // no further epoch may arrive while paused.
        while (epochs.wait(400)) {
        }
        const int settled = epochs.size();
        QVERIFY(!epochs.wait(600));
        QCOMPARE(epochs.size(), settled);
        QVERIFY(settled < 3000);
        QTest::mouseClick(t->pauseButton(), Qt::LeftButton);  // resume
        QVERIFY(!t->runner()->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(epochs.size() > settled, 60000);
        QTest::mouseClick(t->stopButton(), Qt::LeftButton);
        QVERIFY(done.wait(60000));
        const auto& r = t->lastOutcome().result;
        QVERIFY(r.stopped);
        QVERIFY(r.epochs_done < 3000);
        QVERIFY(t->resultLabel()->text().contains(QStringLiteral("Stopped")));
        QVERIFY(!t->isTraining());
    }

    // Stop while paused: the runner says it is no longer paused (the button reads Pause again,
    // not Resume, for a run that is ending), and a pause asked once stopping is ignored; the
    // same rules as the Transformer lab's, from the shared shell::TrainingRunnerBase.
    void stopWhilePausedEndsThePause()
    {
        auto w = makeWindow();
        seq2seq_view::TrainPanel* t = w->trainPanel();
        QSignalSpy epochs(t->runner(), &seq2seq_view::TrainRunner::epochFinished);
        QSignalSpy done(t->runner(), &seq2seq_view::TrainRunner::finished);
        QSignalSpy paused(t->runner(), &seq2seq_view::TrainRunner::pausedChanged);
        startPausedAfterFirstEpoch(t, epochs);
        if (QTest::currentTestFailed()) return;
        QTest::mouseClick(t->stopButton(), Qt::LeftButton);
        QVERIFY(!t->runner()->isPaused());
        QVERIFY(!paused.isEmpty());
        QCOMPARE(paused.last().at(0).toBool(), false);
        const int said = static_cast<int>(paused.size());
        t->runner()->pause();  // stopping: ignored
        QCOMPARE(static_cast<int>(paused.size()), said);
        QVERIFY(!t->runner()->isPaused());
        QVERIFY(done.wait(60000));
        QVERIFY(t->lastOutcome().result.stopped);
        QCOMPARE(t->pauseButton()->text(), QStringLiteral("&Pause"));
    }

    void badFileFailsWithAMessage()
    {
        auto w = makeWindow();
        seq2seq_view::TrainPanel* t = w->trainPanel();
        const auto before = w->model();
        QSignalSpy failed(t->runner(), &seq2seq_view::TrainRunner::failed);
        seq2seq_view::TrainJob job = smallJob(2);
        job.dataset = QStringLiteral("file");
        job.file = dir_.filePath("no-such-file.txt");
        QVERIFY(t->startTraining(job));
        QVERIFY(failed.wait(60000));
        QVERIFY(t->statusLabel()->text().contains(QStringLiteral("no-such-file.txt")));
        QCOMPARE(w->model(), before);
        QVERIFY(t->trainButton()->isEnabled());
    }

    void destroyingTheWindowStopsTraining()
    {
        auto w = makeWindow();
        QSignalSpy epochs(w->trainPanel()->runner(), &seq2seq_view::TrainRunner::epochFinished);
        QVERIFY(w->trainPanel()->startTraining(smallJob(100000)));
        QVERIFY(epochs.wait(60000));
        w.reset();  // must stop the worker and join it, not crash or hang
    }
};

QTEST_MAIN(TestSeq2SeqTrainPanel)
#include "test_seq2seq_train_panel.moc"
