// SPDX-License-Identifier: GPL-3.0-or-later
// Recomputes the document's attention after every edit, without a button.
//
// Small problems are computed synchronously on the GUI thread: below ~2e6 multiply-adds a
// thread hop costs more than the arithmetic, and the result is on screen in the same frame.
// Larger ones run on a private one-thread pool. Every request gets a generation number; the
// latest request wins:
//   * at most one job runs; a request made while it runs waits in a single queued slot, and a
//     newer request replaces the queued one (intermediate states are never computed);
//   * a result whose generation is not the latest requested is dropped, so nothing stale
//     arrives after a newer result (a synchronous compute also outdates a running job).
// Errors (shape mismatches, bad parameters) arrive as computeFailed(message), never as a crash.
#pragma once

#include "playground/result_snapshot.hpp"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <optional>

namespace attnviz::playground {

class PlaygroundDocument;

class RecomputeController : public QObject {
    Q_OBJECT

public:
    static constexpr double kDefaultSyncCostLimit = 2e6;

    // Follows `document` (may be null: then only compute() feeds it). Edits made in one pass of
    // the event loop are coalesced into one request, so a command that touches several
    // matrices computes once, on the consistent final state.
    explicit RecomputeController(PlaygroundDocument* document, QObject* parent = nullptr);
    // Waits for a running job (it holds only its own copies, but its result must not outlive
    // us).
    ~RecomputeController() override;

    // n_q · n_k · max(d_q, d_k, d_v, h): the size of the largest product a variant computes.
    static double problemCost(const Session& session);
    // Problems costing less run on the GUI thread. 0 sends everything to the worker (tests).
    void setSyncCostLimit(double limit) { syncCostLimit_ = limit; }
    double syncCostLimit() const { return syncCostLimit_; }

    // Schedules a recompute of the document's current state (what an edit does).
    void requestRecompute();
    // Computes `session` now (small) or queues it for the worker (large).
    void compute(Session session);

    // The newest snapshot delivered, or null.
    ResultSnapshotPtr latestResult() const { return latest_; }
    // The newest generation requested; a snapshot with it is the current state's.
    std::uint64_t latestGeneration() const { return generation_; }

    // True while a request is scheduled, queued or running.
    bool isBusy() const { return scheduled_ || running_ || queued_.has_value(); }
    // Runs the event loop until idle (for tests and shutdown); false on timeout.
    bool waitForIdle(int timeoutMs = 30000);

signals:
    // The latest request's result. Receivers may connect queued: the pointer is registered.
    void resultReady(attnviz::playground::ResultSnapshotPtr snapshot);
    // The latest request could not be computed; the message names the tensor and sizes,
    // e.g. "values: expected 4 rows (one per key), got 3".
    void computeFailed(const QString& message);
    void busyChanged(bool busy);

private:
    struct Job {
        std::uint64_t generation = 0;
        Session session;
    };
    struct JobResult {
        std::uint64_t generation = 0;
        ResultSnapshotPtr snapshot;  // null on failure
        QString error;
    };

    static JobResult run(Job job, bool onWorker);
    void runScheduled();
    void start(Job job);
    void onJobFinished();
    void deliver(const JobResult& r);
    void updateBusy();

    QPointer<PlaygroundDocument> document_;
    QThreadPool pool_;
    QFutureWatcher<JobResult> watcher_;
    std::optional<Job> queued_;
    ResultSnapshotPtr latest_;
    std::uint64_t generation_ = 0;
    double syncCostLimit_ = kDefaultSyncCostLimit;
    bool scheduled_ = false;
    bool running_ = false;
    bool wasBusy_ = false;
};

}  // namespace attnviz::playground
