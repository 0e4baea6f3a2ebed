// SPDX-License-Identifier: GPL-3.0-or-later
// What the seq2seq window's TrainRunner and the Transformer lab's LabRunner share: one training
// job at a time on its own QThread, controlled through a thread-safe nn::TrainControl (pause,
// resume, stop), its reports posted to the GUI thread as copies (the trainer's model is never
// shared while it trains), and a failure turned into one readable line. A subclass starts its
// job with startThread(), declares its own progress signals and ends a successful run by
// posting endRun() and its own finished signal.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

class QThread;

namespace attnviz::nn {
class TrainControl;
}

namespace attnviz::shell {

class TrainingRunnerBase : public QObject {
    Q_OBJECT

public:
    ~TrainingRunnerBase() override;

    bool isRunning() const { return running_; }
    bool isPaused() const;
    // Pauses between two steps of the trainer; nothing while no job runs, already paused or
    // stopping.
    void pause();
    void resume();
    // Stops after the current step; also releases a paused trainer (and then says
    // pausedChanged(false), so a Pause button never reads "Resume" for a run that is ending).
    void stop();
    // Blocks the calling (GUI) thread until the job's thread ends; the final signals are still
    // queued afterwards (process events to receive them). For the screenshot modes.
    bool waitForThread(unsigned long ms);

signals:
    // A bad configuration or data, an unreadable file, a diverged loss: one readable line.
    // The current model is untouched.
    void failed(QString message);
    void pausedChanged(bool paused);

protected:
    explicit TrainingRunnerBase(QObject* parent);

    // The job, run on the worker thread with this run's control; an exception it throws
    // becomes failed(what()). False (and nothing starts) while a job runs.
    using Work = std::function<void(nn::TrainControl& control)>;
    bool startThread(Work work);
    // Stops a running job and waits for its thread. Subclasses call it in their own destructor:
    // by the time this base's destructor runs, the subclass's run() would be using a destroyed
    // object.
    void stopAndWait();
    nn::TrainControl* control() const { return control_.get(); }
    // Queues `report` (a callable holding copies) to run on the GUI thread, where `this` lives.
    template <class Report>
    void post(Report report)
    {
        QMetaObject::invokeMethod(this, std::move(report), Qt::QueuedConnection);
    }
    // Called on the GUI thread by the run's last report, just before its finished signal.
    void endRun() { running_ = false; }

private:
    QPointer<QThread> thread_;
    std::shared_ptr<nn::TrainControl> control_;
    bool running_ = false;
};

}  // namespace attnviz::shell
