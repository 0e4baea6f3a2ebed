// SPDX-License-Identifier: GPL-3.0-or-later
// Aggregates (mean/max over heads, mean over layers, rollout) and per-head statistics, computed
// by the core on a worker thread; results come back by queued signals. Rollout of 12 layers at
// 512 tokens takes a few hundred milliseconds: far more than a frame.
#pragma once

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/inspect/head_statistics.hpp"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace attnviz::inspector {

enum class AggregateKind { MeanOverHeads, MaxOverHeads, MeanOverLayers, Rollout };

QString aggregateName(AggregateKind kind);

struct AggregateRequest {
    AggregateKind kind = AggregateKind::MeanOverHeads;
    int layer = 0;  // the layer (mean/max over heads) or the last layer of the rollout
};

class AnalysisRunner : public QObject {
    Q_OBJECT

public:
    explicit AnalysisRunner(QObject* parent = nullptr);
    ~AnalysisRunner() override;  // waits for running work: it reads the stack

    void setStack(std::shared_ptr<const inspect::AttentionStack> stack);
    // Each returns a request id echoed by the signal. A newer request of the same kind makes the
    // older result stale (not delivered).
    int requestAggregate(AggregateRequest request);
    int requestStatistics();
    bool busy() const { return m_running > 0; }
    // Processes events until nothing runs (tests, screenshots). False after `timeoutMs`.
    bool waitForIdle(int timeoutMs = 60000);

signals:
    // `values`: the (n_q × n_k) aggregate as a float view; `title` describes it.
    void aggregateReady(int request, const attnviz::inspect::HeadView& values, const QString& title);
    void aggregateFailed(int request, const QString& message);
    void statisticsReady(int request, const std::vector<attnviz::inspect::HeadStatistics>& stats);

private:
    template <typename Work, typename Deliver>
    void run(Work work, Deliver deliver);

    std::shared_ptr<const inspect::AttentionStack> m_stack;
    int m_latestAggregate = 0, m_latestStatistics = 0, m_next = 0;
    int m_running = 0;
    QList<QFuture<void>> m_futures;
};

}  // namespace attnviz::inspector
