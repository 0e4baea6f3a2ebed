// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/recompute_controller.hpp"

#include "playground/playground_document.hpp"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <new>

namespace attnviz::playground {

RecomputeController::RecomputeController(PlaygroundDocument* document, QObject* parent)
    : QObject(parent), document_(document)
{
    qRegisterMetaType<ResultSnapshotPtr>("attnviz::playground::ResultSnapshotPtr");
    // One worker: a second concurrent job could only compute a state that is already outdated,
    // and the machine's other cores belong to the GUI and the user's other programs.
    pool_.setMaxThreadCount(1);
    connect(&watcher_, &QFutureWatcher<JobResult>::finished, this, &RecomputeController::onJobFinished);
    if (document) connect(document, &PlaygroundDocument::changed, this, &RecomputeController::requestRecompute);
}

RecomputeController::~RecomputeController()
{
    watcher_.disconnect(this);
    watcher_.waitForFinished();
    pool_.waitForDone();
}

double RecomputeController::problemCost(const Session& s)
{
    const double n_q = static_cast<double>(s.queries.rows());
    const double n_k = static_cast<double>(s.keys.rows());
    const double d = static_cast<double>(std::max({s.queries.cols(), s.keys.cols(), s.values.cols(),
                                                   s.hyper.hidden, Index{1}}));
    return n_q * n_k * d;
}

void RecomputeController::requestRecompute()
{
    if (!document_ || scheduled_) return;
    scheduled_ = true;
    updateBusy();
    // Posted, not immediate: the rest of the current command's signals arrive first.
    QTimer::singleShot(0, this, &RecomputeController::runScheduled);
}

void RecomputeController::runScheduled()
{
    scheduled_ = false;
    if (document_) compute(document_->toSession());
    updateBusy();
}

void RecomputeController::compute(Session session)
{
    Job job{++generation_, std::move(session)};
    if (problemCost(job.session) < syncCostLimit_) {
        queued_.reset();  // older than this one: never worth computing now
        deliver(run(std::move(job), false));
    } else if (running_) {
        queued_ = std::move(job);  // replaces any older queued request
    } else {
        start(std::move(job));
    }
    updateBusy();
}

RecomputeController::JobResult RecomputeController::run(Job job, bool onWorker)
{
    JobResult r;
    r.generation = job.generation;
    QElapsedTimer timer;
    timer.start();
    try {
        auto snap = std::make_shared<ResultSnapshot>();
        snap->outcome = compute_session(job.session);
        snap->elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        deriveForDisplay(*snap);
        snap->session = std::move(job.session);
        snap->generation = job.generation;
        snap->onWorker = onWorker;
        r.snapshot = std::move(snap);
    } catch (const std::bad_alloc&) {
        r.error = tr("Not enough memory to compute attention for these sizes.");
    } catch (const std::exception& e) {
        r.error = QString::fromUtf8(e.what());
    } catch (...) {
        r.error = tr("The computation failed for an unknown reason.");
    }
    return r;
}

void RecomputeController::start(Job job)
{
    running_ = true;
    // The job owns its copy of the session; nothing it touches is shared with the GUI thread.
    watcher_.setFuture(QtConcurrent::run(&pool_, [job = std::move(job)]() mutable {
        return run(std::move(job), true);
    }));
}

void RecomputeController::onJobFinished()
{
    running_ = false;
    const JobResult r = watcher_.future().result();
    deliver(r);
    if (queued_) {
        Job next = std::move(*queued_);
        queued_.reset();
        start(std::move(next));
    }
    updateBusy();
}

void RecomputeController::deliver(const JobResult& r)
{
    if (r.generation != generation_) return;  // outdated by a newer request: drop it
    if (r.snapshot) {
        latest_ = r.snapshot;
        emit resultReady(r.snapshot);
    } else {
        emit computeFailed(r.error);
    }
}

void RecomputeController::updateBusy()
{
    const bool busy = isBusy();
    if (busy == wasBusy_) return;
    wasBusy_ = busy;
    emit busyChanged(busy);
}

bool RecomputeController::waitForIdle(int timeoutMs)
{
    if (!isBusy()) return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &RecomputeController::busyChanged, &loop, [&loop](bool busy) {
        if (!busy) loop.quit();
    });
    timeout.start(timeoutMs);
    loop.exec();
    return !isBusy();
}

}  // namespace attnviz::playground
