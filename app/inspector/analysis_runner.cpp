// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspector/analysis_runner.hpp"

#include "attnviz/core/inspect/aggregate.hpp"
#include "attnviz/core/inspect/downsample.hpp"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPointer>
#include <QtConcurrent>

#include <optional>
#include <stdexcept>

namespace attnviz::inspector {

QString aggregateName(AggregateKind kind)
{
    switch (kind) {
    case AggregateKind::MeanOverHeads: return QObject::tr("Mean over heads");
    case AggregateKind::MaxOverHeads: return QObject::tr("Max over heads");
    case AggregateKind::MeanOverLayers: return QObject::tr("Mean over layers and heads");
    case AggregateKind::Rollout: return QObject::tr("Attention rollout");
    }
    return {};
}

AnalysisRunner::AnalysisRunner(QObject* parent) : QObject(parent) {}

AnalysisRunner::~AnalysisRunner()
{
    for (QFuture<void>& f : m_futures) f.waitForFinished();
}

void AnalysisRunner::setStack(std::shared_ptr<const inspect::AttentionStack> stack)
{
    m_stack = std::move(stack);
    // Results computed on the previous file are stale.
    m_latestAggregate = m_latestStatistics = ++m_next;
}

template <typename Work, typename Deliver>
void AnalysisRunner::run(Work work, Deliver deliver)
{
    ++m_running;
    m_futures.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    QPointer<AnalysisRunner> self(this);
    m_futures << QtConcurrent::run([self, work, deliver] {
        auto result = work();  // only the shared stack is read: safe beside the GUI thread
        QMetaObject::invokeMethod(self.data(), [self, deliver, result = std::move(result)] {
            if (!self) return;
            --self->m_running;
            deliver(result);
        }, Qt::QueuedConnection);
    });
}

int AnalysisRunner::requestAggregate(AggregateRequest request)
{
    const int id = m_latestAggregate = ++m_next;
    struct Result {
        std::optional<inspect::HeadView> values;
        QString title, error;
    };
    auto stack = m_stack;
    run(
        [stack, request]() -> Result {
            Result r;
            if (!stack) return r.error = QObject::tr("No file open"), r;
            try {
                const QString layer = QObject::tr("layer %1").arg(request.layer);
                switch (request.kind) {
                case AggregateKind::MeanOverHeads:
                    r.values = inspect::float_view(inspect::mean_over_heads(*stack, request.layer));
                    r.title = QObject::tr("Mean over heads, %1").arg(layer);
                    break;
                case AggregateKind::MaxOverHeads:
                    r.values = inspect::float_view(inspect::max_over_heads(*stack, request.layer));
                    r.title = QObject::tr("Max over heads, %1").arg(layer);
                    break;
                case AggregateKind::MeanOverLayers:
                    r.values = inspect::float_view(inspect::mean_over_layers(*stack));
                    r.title = QObject::tr("Mean over all layers and heads");
                    break;
                case AggregateKind::Rollout:
                    r.values = inspect::float_view(inspect::attention_rollout(*stack, request.layer));
                    r.title = QObject::tr("Attention rollout through layer %1").arg(request.layer);
                    break;
                }
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [self = QPointer<AnalysisRunner>(this), id](const Result& r) {
            if (!self || id != self->m_latestAggregate) return;
            if (r.values) emit self->aggregateReady(id, *r.values, r.title);
            else emit self->aggregateFailed(id, r.error);
        });
    return id;
}

int AnalysisRunner::requestStatistics()
{
    const int id = m_latestStatistics = ++m_next;
    auto stack = m_stack;
    run(
        [stack] {
            std::vector<inspect::HeadStatistics> stats;
            if (stack) stats = inspect::head_statistics(*stack);
            return stats;
        },
        [self = QPointer<AnalysisRunner>(this), id](const std::vector<inspect::HeadStatistics>& stats) {
            if (!self || id != self->m_latestStatistics) return;
            emit self->statisticsReady(id, stats);
        });
    return id;
}

bool AnalysisRunner::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_running > 0) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        for (QFuture<void>& f : m_futures)
            if (!f.isFinished()) {
                f.waitForFinished();
                break;
            }
    }
    QCoreApplication::processEvents();
    return true;
}

}  // namespace attnviz::inspector
