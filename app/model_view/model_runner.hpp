// SPDX-License-Identifier: GPL-3.0-or-later
// Opens Hugging Face checkpoints and runs their forwards off the GUI thread, for the model
// window. Each request runs on a QtConcurrent worker: opening maps the weights and reads the
// tokenizer; a run tokenizes, runs the forward (core hf::Model::run, the one `attnviz run`
// calls), and prepares what the inspector's views show (the attention stack and its thumbnails).
// Results come back through queued signals as immutable shared snapshots. The latest request
// wins: a new run cancels the one still running (through the core's cancel flag), and results
// of older requests are dropped.
#pragma once

#include "model_view/run_input.hpp"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace attnviz::inspector {
struct LoadedFile;
}

namespace attnviz::model_view {

// What one run asks for.
struct RunRequest {
    bool fromText = true;  // else `ids` holds "464,3797,…"
    QString text, ids;
    int topK = 5;
    // Interventions (issue 13), passed to hf::RunOptions as they are (the core checks them):
    std::vector<hf::HeadAblation> ablate;             // heads switched off (zero or mean)
    std::vector<hf::AttentionOverride> overrides;     // attention rows replaced
    bool logitLens = false;                           // RunResult::logit_lens at every position
    std::optional<hf::HeadCapture> capture;           // one head's Q, K, V (RunResult::captured)
    // A plain run's result over the same ids, kept with keepLayerInputs: the core starts an
    // intervention's forward at the first layer it changes and copies what comes before
    // (hf::RunOptions::resume). Ignored when the ids differ.
    std::shared_ptr<const hf::RunResult> resumeFrom;
    bool keepLayerInputs = false;                     // hf::RunOptions::keep_layer_inputs
    // True when the request changes the model's computation (ablation or override): the window
    // shows it as an intervention beside the plain run it started from.
    bool intervenes() const { return !ablate.empty() || !overrides.empty(); }
};

// What one run produced: immutable, shared by every panel.
struct RunOutcome {
    int request = 0;
    std::shared_ptr<const OpenedModel> model;  // the model that ran
    RunRequest asked;                          // what was asked (interventions included)
    RunInput input;                            // ids, pieces, labels, [MASK] positions
    hf::RunResult result;                      // attentions (shared), top K, forward time
    std::shared_ptr<const inspector::LoadedFile> view;  // the stack for the inspector's views
    double seconds = 0.0;                      // the whole request: tokenizing to thumbnails
};

class ModelRunner : public QObject {
    Q_OBJECT

public:
    explicit ModelRunner(QObject* parent = nullptr);
    ~ModelRunner() override;  // cancels the running forward and waits for the workers

    // Opens a folder (or its config.json) on a worker; opened or openFailed tells the outcome.
    // The model open until then stays open (and stays, when the new one is refused).
    int open(const QString& folder);
    // Runs on the open model; cancels the run before it. Returns the request's id, or 0 when no
    // model is open (failed is emitted).
    int run(const RunRequest& request);
    void cancel();  // the running request ends with `cancelled`
    // Uses a model another runner opened (the panels' own runners share the window's model):
    // cancels this runner's run and emits opened(model). Null is refused (ignored).
    void adopt(std::shared_ptr<const OpenedModel> model);

    std::shared_ptr<const OpenedModel> model() const { return model_; }
    bool busy() const { return running_ > 0; }
    bool runBusy() const { return runsRunning_ > 0; }
    // Tests: called on the worker after each layer, before the forward looks at the cancel flag
    // again (so a test can cancel at a known point). Applies to the runs started after it.
    void setLayerHookForTests(std::function<void(int layersDone)> hook) { layerHook_ = std::move(hook); }

    // Processes events until every worker has reported (tests, screenshots).
    bool waitForIdle(int timeoutMs = 60000);

signals:
    void opened(std::shared_ptr<const attnviz::model_view::OpenedModel> model);
    void openFailed(const QString& folder, const QString& message);
    void started(int request, int layers);
    void progress(int request, int layersDone, int layers);
    void finished(std::shared_ptr<const attnviz::model_view::RunOutcome> outcome);
    // Bad input (too long, no tokenizer, an id out of the vocabulary) or a failure: one line.
    void failed(int request, const QString& message);
    void cancelled(int request);

private:
    std::shared_ptr<const OpenedModel> model_;
    std::shared_ptr<std::atomic<bool>> cancel_;  // the latest run's flag
    int latestOpen_ = 0, latestRun_ = 0, nextRequest_ = 0;
    int running_ = 0, runsRunning_ = 0;
    QList<QFuture<void>> futures_;
    std::function<void(int)> layerHook_;
};

}  // namespace attnviz::model_view
