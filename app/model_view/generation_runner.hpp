// SPDX-License-Identifier: GPL-3.0-or-later
// Generation, one token at a time, off the GUI thread (issue 13 item 1), for the model window's
// "Generate" dock. The runner owns a core hf::Generation (key/value cache, sampling) on a
// one-thread pool, so steps never overlap and the generation is only ever touched there.
//
// Step feeds one token; Play feeds tokens until the generation holds `maxNewTokens` of them,
// the sequence reaches the model's positions, or Pause. Each step comes back through a queued
// signal as an immutable GenerationUpdate: the token, its probability and the model's top K,
// the tokens per second, and the whole sequence's attention stack ready for the inspector's
// views (layers × heads × n × n, built on the worker). While playing fast, intermediate stacks
// are skipped (at most one every kStackIntervalMs); the last state's stack is always sent.
//
// Pause, Reset, a new model and the runner's destruction cancel the step under way through the
// core's cancel flag (the generation stays as it was before that step). Results of a generation
// that was reset meanwhile are dropped.
#pragma once

#include "model_view/run_input.hpp"

#include "attnviz/core/hf/generate.hpp"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::inspector {
struct LoadedFile;
}

namespace attnviz::model_view {

struct GenerationSession;  // generation_runner.cpp: the generation and its labels, worker-only

// Where a generation starts: the run panel's text or ids, as run_input reads them.
struct GenerationPrompt {
    bool fromText = true;
    QString input;  // the text, or "464,3797,…"
};

struct GenerationSettings {
    hf::SamplingOptions sampling;  // temperature 0: greedy
    int maxNewTokens = 32;         // Play (and Step) stop once the generation holds this many
    int topK = 5;                  // candidates reported at each step (hf::Generation's report_top)
};

// One message from the worker: the state after the prompt (token empty) or after a step.
// Immutable once sent; shared by pointer.
struct GenerationUpdate {
    int session = 0;                            // the generation it belongs to (Reset starts a new one)
    std::shared_ptr<const OpenedModel> model;
    GenerationSettings settings;                // what the generation was started with
    int promptLength = 0;
    int capacity = 0;                           // the longest sequence (the model's positions)
    std::vector<int> ids;                       // (n) prompt then generated ids
    std::vector<std::string> labels;            // (n) readable text of each id (" the")
    enum class Kind {
        Prompt,  // the generation started: the prompt's state (token empty)
        Token,   // a step: `token` is new
        Stack,   // only the stack of the state already reported (sent after skipped stacks)
    };
    Kind kind = Kind::Prompt;
    hf::GeneratedToken token;                   // Kind::Token: the step's token, probability, top K, attention row
    std::vector<std::string> topLabels;         // labels of token.top, in order
    std::vector<hf::TopToken> next;             // what the next step draws from (top K)
    double tokensPerSecond = 0.0;               // the generation's decode speed so far
    double decodeSeconds = 0.0;
    // The whole (layers × heads × n × n) stack over `ids`, thumbnails drawn; null when skipped
    // while playing (a later update brings it).
    std::shared_ptr<const inspector::LoadedFile> view;
};

class GenerationRunner : public QObject {
    Q_OBJECT

public:
    static constexpr int kStackIntervalMs = 100;  // at most ~10 stacks a second while playing

    explicit GenerationRunner(QObject* parent = nullptr);
    ~GenerationRunner() override;  // cancels the step under way and waits for the worker

    // One token. Without a generation (first call, or after reset()) the worker first starts
    // one on `model` from `prompt` with `settings` (sending the prompt's update), then steps;
    // with one, `prompt` and the sampling settings are ignored (a generation keeps its own), and
    // settings.maxNewTokens is the limit. Returns false (and emits nothing) while a job of this
    // generation is still queued or running (a reset generation's job does not count).
    bool step(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt, const GenerationSettings& settings);
    // Tokens until the limit, the positions or pause(); `stopped` tells why it ended.
    bool play(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt, const GenerationSettings& settings);
    // Ends Play (and cancels the step under way); `stopped(..., paused)` follows.
    void pause();
    // Forgets the generation (cancelling any step); the next step starts again from a prompt.
    void reset();

    bool busy() const { return m_jobs > 0; }
    bool playing() const { return m_playing; }
    bool sessionBusy() const { return m_sessionBusy; }
    bool hasGeneration() const { return m_session != nullptr; }
    int session() const { return m_sessionId; }  // 0: none yet
    // Processes events until the worker has reported everything (tests, screenshots).
    bool waitForIdle(int timeoutMs = 60000);
    // Tests: called on the worker after each step with the number of tokens generated, before
    // the job looks at its cancel flag again (so a test can pause at a known point). Applies to
    // jobs started after it.
    void setStepHookForTests(std::function<void(int generated)> hook) { m_stepHook = std::move(hook); }

    enum class StopReason { Step, MaxTokens, Capacity, Paused, Failed };

signals:
    void updated(std::shared_ptr<const attnviz::model_view::GenerationUpdate> update);
    // A refusal (a masked LM, a bad prompt, the position limit) or a failure: one line.
    void failed(int session, const QString& message);
    // A Step or Play job ended (after its last update); `message` says why in words.
    void stopped(int session, attnviz::model_view::GenerationRunner::StopReason reason, const QString& message);

private:
    bool start(std::shared_ptr<const OpenedModel> model, const GenerationPrompt& prompt,
               const GenerationSettings& settings, bool play);

    QThreadPool m_pool;  // one thread: steps are serialised
    std::shared_ptr<GenerationSession> m_session;
    int m_sessionId = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;  // the running job's flag
    int m_jobs = 0;               // jobs not yet reported back, of any session
    int m_sessionCounter = 0;
    bool m_sessionBusy = false;   // a job of the current session is queued or running
    bool m_playing = false;
    std::function<void(int)> m_stepHook;
};

}  // namespace attnviz::model_view
