// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/model_runner.hpp"

#include "inspector/inspector_loader.hpp"
#include "model_view/model_run_panel.hpp"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QtConcurrent>

#include <stdexcept>

namespace attnviz::model_view {

ModelRunner::ModelRunner(QObject* parent) : QObject(parent) {}

ModelRunner::~ModelRunner()
{
    cancel();
    for (QFuture<void>& f : futures_) f.waitForFinished();
}

int ModelRunner::open(const QString& folder)
{
    const int request = ++nextRequest_;
    latestOpen_ = request;
    ++running_;
    QPointer<ModelRunner> self(this);
    futures_.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    futures_ << QtConcurrent::run([self, request, folder] {
        std::shared_ptr<const OpenedModel> model;
        QString error;
        try {
            model = std::make_shared<const OpenedModel>(open_model(folder.toStdString()));
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        if (!self) return;
        QMetaObject::invokeMethod(self, [self, request, folder, model, error] {
            if (!self) return;
            --self->running_;
            if (request != self->latestOpen_) return;  // another folder was asked for meanwhile
            if (!model) {
                emit self->openFailed(folder, error);
                return;
            }
            self->cancel();  // a run on the previous model is of no use now
            self->model_ = model;
            emit self->opened(model);
        }, Qt::QueuedConnection);
    });
    return request;
}

int ModelRunner::run(const RunRequest& request)
{
    const int id = ++nextRequest_;
    if (!model_) {
        emit failed(id, tr("Open a model folder first"));
        return id;
    }
    cancel();  // the latest request wins
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    latestRun_ = id;
    ++running_;
    ++runsRunning_;
    emit started(id, model_->info().layers);
    QPointer<ModelRunner> self(this);
    futures_.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    futures_ << QtConcurrent::run([self, id, request, model = model_, flag = cancel_, hook = layerHook_] {
        QElapsedTimer clock;
        clock.start();
        auto outcome = std::make_shared<RunOutcome>();
        QString error;
        bool wasCancelled = false;
        try {
            outcome->request = id;
            outcome->asked = request;
            outcome->model = model;
            outcome->input = request.fromText ? input_from_text(*model, request.text.toStdString())
                                              : input_from_ids(*model, parse_ids(request.ids.toStdString()));
            hf::RunOptions options;
            options.top_k = request.topK;
            options.cancel = flag.get();
            options.ablate = request.ablate;
            options.override_rows = request.overrides;
            options.logit_lens = request.logitLens && model->info().has_lm_head;
            options.capture_head = request.capture;
            options.keep_layer_inputs = request.keepLayerInputs;
            options.resume = request.resumeFrom;
            if (!model->info().causal && !outcome->input.mask_positions.empty())
                options.lm_positions = outcome->input.mask_positions;
            const int layers = model->info().layers;
            options.progress = [self, id, layers, &hook](int done) {
                QMetaObject::invokeMethod(self, [self, id, done, layers] {
                    if (self && id == self->latestRun_) emit self->progress(id, done, layers);
                }, Qt::QueuedConnection);
                if (hook) hook(done);
            };
            outcome->result = model->model->run(outcome->input.ids, options);
            if (flag->load()) throw hf::Cancelled();
            // The views label keys and queries with the tokens' text; a token of whitespace only
            // (a space, a newline) would be an empty label, so it shows as its chip does ("␣").
            std::vector<std::string> labels = outcome->input.labels;
            for (std::string& l : labels)
                if (QString::fromStdString(l).trimmed().isEmpty()) l = chipText(l).toStdString();
            auto stack = hf::to_attention_stack(outcome->result, std::move(labels), model->name);
            outcome->view = inspector::stackAsFile(std::move(stack), QString::fromStdString(model->name));
            outcome->seconds = clock.nsecsElapsed() / 1e9;
        } catch (const hf::Cancelled&) {
            wasCancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        if (!self) return;
        std::shared_ptr<const RunOutcome> done = error.isEmpty() && !wasCancelled ? outcome : nullptr;
        QMetaObject::invokeMethod(self, [self, id, done, error, wasCancelled] {
            if (!self) return;
            --self->running_;
            --self->runsRunning_;
            if (wasCancelled) {
                // A run replaced by a newer one is dropped silently; only the latest says so.
                if (id == self->latestRun_) emit self->cancelled(id);
                return;
            }
            if (id != self->latestRun_) return;
            if (done) emit self->finished(done);
            else emit self->failed(id, error);
        }, Qt::QueuedConnection);
    });
    return id;
}

void ModelRunner::adopt(std::shared_ptr<const OpenedModel> model)
{
    if (!model) return;
    cancel();
    latestOpen_ = ++nextRequest_;  // an open still running on a worker no longer applies
    model_ = std::move(model);
    emit opened(model_);
}

void ModelRunner::cancel()
{
    if (cancel_) cancel_->store(true);
}

bool ModelRunner::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (running_ > 0) {
        if (deadline.hasExpired()) return false;
        QApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

}  // namespace attnviz::model_view
