// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/generation_runner.hpp"

#include "inspector/inspector_loader.hpp"
#include "model_view/model_run_panel.hpp"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QtConcurrent>

#include <stdexcept>

namespace attnviz::model_view {

// Touched on the worker only (the pool has one thread, so jobs never overlap); the GUI thread
// only creates it and drops its pointer.
struct GenerationSession {
    int id = 0;
    std::shared_ptr<const OpenedModel> model;
    GenerationPrompt prompt;
    GenerationSettings settings;                // fixed when the generation starts
    std::unique_ptr<hf::Generation> generation;  // made by the first job
    std::vector<std::string> labels;             // (length) the sequence's labels
    int promptLength = 0;
};

namespace {

using Update = GenerationUpdate;
using Kind = GenerationUpdate::Kind;

// What the session holds now, as an update; with `withStack` the whole attention stack is built
// (L·H·n² floats copied, thumbnails drawn), which is why playing skips some.
std::shared_ptr<const Update> snapshot(const GenerationSession& s, Kind kind, const hf::GeneratedToken* token,
                                       bool withStack)
{
    const hf::Generation& g = *s.generation;
    auto u = std::make_shared<Update>();
    u->session = s.id;
    u->model = s.model;
    u->settings = s.settings;
    u->promptLength = s.promptLength;
    u->capacity = g.capacity();
    u->ids.assign(g.ids().begin(), g.ids().end());
    u->labels = s.labels;
    u->kind = kind;
    if (token) {
        u->token = *token;
        for (const hf::TopToken& t : token->top) u->topLabels.push_back(token_label(*s.model, t.id));
    }
    u->next = g.next();
    u->tokensPerSecond = g.generated().empty() ? 0.0 : g.tokens_per_second();
    u->decodeSeconds = g.decode_seconds();
    if (withStack) {
        // The views label keys and queries with the tokens' text; a token of whitespace only
        // shows as its chip does ("␣"), as in ModelRunner.
        std::vector<std::string> labels = s.labels;
        for (std::string& l : labels)
            if (QString::fromStdString(l).trimmed().isEmpty()) l = chipText(l).toStdString();
        auto stack = hf::to_attention_stack(g.as_result(), std::move(labels), s.model->name);
        u->view = inspector::stackAsFile(std::move(stack), QString::fromStdString(s.model->name));
    }
    return u;
}

QString limitMessage(const hf::Generation& g, int maxNewTokens, GenerationRunner::StopReason* reason)
{
    const int made = static_cast<int>(g.generated().size());
    if (made >= maxNewTokens) {
        *reason = GenerationRunner::StopReason::MaxTokens;
        return QObject::tr("Generated the %1 new tokens asked for (raise Max new tokens to go on)").arg(maxNewTokens);
    }
    if (g.length() >= g.capacity()) {
        *reason = GenerationRunner::StopReason::Capacity;
        return QObject::tr("The sequence reached the model's limit of %1 positions").arg(g.capacity());
    }
    return {};
}

}  // namespace

GenerationRunner::GenerationRunner(QObject* parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);  // keep the thread: a step's work stays in one thread's caches
}

GenerationRunner::~GenerationRunner()
{
    if (m_cancel) m_cancel->store(true);
    m_pool.waitForDone();
}

bool GenerationRunner::step(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt,
                            const GenerationSettings& settings)
{
    return start(std::move(model), prompt, settings, false);
}

bool GenerationRunner::play(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt,
                            const GenerationSettings& settings)
{
    return start(std::move(model), prompt, settings, true);
}

void GenerationRunner::pause()
{
    if (m_cancel) m_cancel->store(true);
}

void GenerationRunner::reset()
{
    if (m_cancel) m_cancel->store(true);
    m_session.reset();  // a job still running keeps its own pointer; its results are dropped
    m_sessionId = 0;
    m_sessionBusy = false;
    m_playing = false;
}

bool GenerationRunner::start(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt,
                             const GenerationSettings& settings, bool play)
{
    if (m_sessionBusy) return false;
    if (!m_session) {
        if (!model) {
            emit failed(0, tr("Open a model folder first"));
            return true;
        }
        m_session = std::make_shared<GenerationSession>();
        m_session->id = m_sessionId = ++m_sessionCounter;
        m_session->model = std::move(model);
        m_session->prompt = prompt;
        m_session->settings = settings;
    }
    const int maxNewTokens = std::max(0, settings.maxNewTokens);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_sessionBusy = true;
    m_playing = play;
    ++m_jobs;
    QPointer<GenerationRunner> self(this);
    (void)QtConcurrent::run(&m_pool, [self, session = m_session, flag = m_cancel, maxNewTokens, play,
                                       hook = m_stepHook] {
        GenerationSession& s = *session;
        const int id = s.id;
        auto post = [self, id](std::shared_ptr<const Update> u) {
            QMetaObject::invokeMethod(self, [self, u] {
                if (self && u->session == self->m_sessionId) emit self->updated(u);
            }, Qt::QueuedConnection);
        };
        StopReason reason = StopReason::Step;
        QString message;
        bool stackStale = false;  // the last update sent had no stack
        try {
            if (!s.generation) {
                const RunInput in = s.prompt.fromText
                                        ? input_from_text(*s.model, s.prompt.input.toStdString())
                                        : input_from_ids(*s.model, parse_ids(s.prompt.input.toStdString()));
                s.generation = std::make_unique<hf::Generation>(s.model->model, in.ids, s.settings.sampling,
                                                                std::max(1, s.settings.topK));
                s.labels = in.labels;
                s.promptLength = static_cast<int>(in.ids.size());
                post(snapshot(s, Kind::Prompt, nullptr, true));
            }
            hf::Generation& g = *s.generation;
            QElapsedTimer sinceStack;
            sinceStack.start();
            while (true) {
                if (flag->load()) throw hf::Cancelled();
                message = limitMessage(g, maxNewTokens, &reason);
                if (!message.isEmpty()) break;
                const hf::GeneratedToken& t = g.step(flag.get());
                s.labels.push_back(token_label(*s.model, t.id));
                if (hook) hook(static_cast<int>(g.generated().size()));
                StopReason next = reason;
                const bool more = play && !flag->load() && limitMessage(g, maxNewTokens, &next).isEmpty();
                const bool withStack = !more || sinceStack.elapsed() >= kStackIntervalMs;
                post(snapshot(s, Kind::Token, &t, withStack));
                stackStale = !withStack;
                if (withStack) sinceStack.restart();
                if (!play) {
                    reason = StopReason::Step;
                    break;
                }
            }
        } catch (const hf::Cancelled&) {
            reason = StopReason::Paused;
            message = tr("Paused");
        } catch (const std::exception& e) {
            reason = StopReason::Failed;
            message = QString::fromStdString(e.what());
        }
        // Always end on the current state's stack (a Pause may come after a skipped one).
        if (stackStale && s.generation) {
            try {
                post(snapshot(s, Kind::Stack, nullptr, true));
            } catch (const std::exception& e) {
                reason = StopReason::Failed;
                message = QString::fromStdString(e.what());
            }
        }
        const bool begun = s.generation != nullptr;
        QMetaObject::invokeMethod(self, [self, id, reason, message, begun] {
            if (!self) return;
            --self->m_jobs;
            if (id != self->m_sessionId) return;  // reset meanwhile: nobody is waiting for it
            self->m_sessionBusy = false;
            self->m_playing = false;
            if (!begun) {
                // The prompt was refused (a masked LM, too long): the next Step starts afresh
                // from whatever the input is then.
                self->m_session.reset();
                self->m_sessionId = 0;
            }
            if (reason == StopReason::Failed) emit self->failed(id, message);
            emit self->stopped(id, reason, message);
        }, Qt::QueuedConnection);
    });
    return true;
}

bool GenerationRunner::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_jobs > 0) {
        if (deadline.hasExpired()) return false;
        QApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    QApplication::processEvents();  // the updates posted just before the last report
    return true;
}

}  // namespace attnviz::model_view
