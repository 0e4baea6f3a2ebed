// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/publish_model.hpp"

#include "lessons/lesson_state.hpp"

#include "model_view/ablation_panel.hpp"
#include "model_view/model_runner.hpp"
#include "model_view/model_window.hpp"

#include <QDockWidget>
#include <QObject>

#include <set>

namespace attnviz::lessons {

namespace {

using Values = std::map<std::string, std::optional<Scalar>>;
using model_view::RunOutcome;

LessonState& state() { return LessonState::instance(); }

// The token after the most recent earlier occurrence of the last token: what an induction head
// predicts ("… A B … A" → B). Nullopt when the last token did not occur before.
std::optional<int> inductionTarget(const std::vector<int>& ids)
{
    if (ids.size() < 2) return std::nullopt;
    for (std::size_t j = ids.size() - 1; j-- > 0;)
        if (ids[j] == ids.back()) return ids[j + 1];
    return std::nullopt;
}

std::optional<int> top1(const RunOutcome& o)
{
    if (o.result.next.empty()) return std::nullopt;
    return o.result.next.front().id;
}

}  // namespace

void connectModelWindow(model_view::ModelWindow* window)
{
    if (!window) return;
    publishModelOpen(true);
    QObject::connect(window, &QObject::destroyed, [] { publishModelOpen(false); });
    QObject::connect(window->runner(), &model_view::ModelRunner::opened, window,
                     [](const std::shared_ptr<const model_view::OpenedModel>& model) {
                         if (model) publishModelLoaded(*model);
                     });
    QObject::connect(window, &model_view::ModelWindow::runShown, window,
                     [window] { publishModelOutcome(window->lastOutcome(), window->plainOutcome()); });
    if (const auto model = window->runner()->model()) publishModelLoaded(*model);

    // The Ablation dock (issue 13): the prediction it compares, ablated or plain again.
    auto* dock = window->findChild<QDockWidget*>(QStringLiteral("ablationDock"));
    if (auto* panel = dock ? qobject_cast<model_view::AblationPanel*>(dock->widget()) : nullptr)
        QObject::connect(panel, &model_view::AblationPanel::ablationShown, window,
                         [window](const std::shared_ptr<const RunOutcome>& outcome) {
                             if (outcome) publishModelOutcome(outcome, window->plainOutcome());
                         });
}

void publishModelOpen(bool open)
{
    if (!open) {
        state().withdraw("model.");
        return;
    }
    state().publish({{"model.open", true}, {"model.loaded", false}, {"model.ablated", false}});
}

void publishModelLoaded(const model_view::OpenedModel& model)
{
    static const char* const kRunValues[] = {"model.tokens", "model.input", "model.top1", "model.top1_probability",
                                              "model.repeat_token", "model.predicts_repeat", "model.ablated_count",
                                              "model.plain_top1", "model.top1_changed"};
    const hf::ModelInfo& info = model.info();
    Values v{{"model.loaded", true},
             {"model.name", model.name},
             {"model.type", info.model_type},
             {"model.layers", double(info.layers)},
             {"model.heads", double(info.heads)},
             {"model.ablated", false}};
    for (const char* n : kRunValues) v[n] = std::nullopt;
    state().publish(v, {{"model.ablated_head", nullptr}, {"model.attention", nullptr}, {"model.top_token", nullptr},
                        {"model.top_probability", nullptr}, {"model.token", nullptr}});
}

void publishModelOutcome(const std::shared_ptr<const RunOutcome>& o, const std::shared_ptr<const RunOutcome>& plain)
{
    if (!o || !o->model) return;
    const model_view::OpenedModel& m = *o->model;
    const std::vector<int>& ids = o->input.ids;
    std::string input;
    for (std::size_t i = 0; i < o->input.labels.size(); ++i) input += (i ? " " : "") + o->input.labels[i];
    // The heads switched off, each once (the core refuses duplicates; a set keeps it simple).
    auto off = std::make_shared<std::set<std::pair<long, long>>>();
    for (const hf::HeadAblation& a : o->asked.ablate) off->insert({a.layer, a.head});

    Values v{{"model.tokens", double(ids.size())},
             {"model.input", input},
             {"model.ablated", !off->empty()},
             {"model.ablated_count", double(off->size())},
             {"model.top1", std::nullopt},
             {"model.top1_probability", std::nullopt},
             {"model.repeat_token", std::nullopt},
             {"model.predicts_repeat", std::nullopt},
             {"model.plain_top1", std::nullopt},
             {"model.top1_changed", std::nullopt}};
    const std::optional<int> best = top1(*o);
    const std::optional<int> target = inductionTarget(ids);
    if (best) {
        v["model.top1"] = model_view::token_label(m, *best);
        v["model.top1_probability"] = double(o->result.next.front().probability);
    }
    if (target) {
        v["model.repeat_token"] = model_view::token_label(m, *target);
        if (best) v["model.predicts_repeat"] = *best == *target;
    }
    if (plain && plain->input.ids == ids) {
        if (const std::optional<int> before = top1(*plain)) {
            v["model.plain_top1"] = model_view::token_label(m, *before);
            if (best) v["model.top1_changed"] = *best != *before;
        }
    }
    const int layers = o->result.layers, heads = o->result.heads;
    std::map<std::string, Table> tables;
    tables["model.ablated_head"] = [off, layers, heads](const std::vector<long>& ix) -> std::optional<Scalar> {
        if (ix.size() != 2 || ix[0] >= layers || ix[1] >= heads) return std::nullopt;
        return off->count({ix[0], ix[1]}) > 0;
    };
    tables["model.attention"] = [o](const std::vector<long>& ix) -> std::optional<Scalar> {
        const hf::RunResult& r = o->result;
        if (ix.size() != 4 || !r.attentions || ix[0] >= r.layers || ix[1] >= r.heads || ix[2] >= r.n || ix[3] >= r.n)
            return std::nullopt;
        const std::size_t at = ((std::size_t(ix[0]) * std::size_t(r.heads) + std::size_t(ix[1])) * std::size_t(r.n) +
                                std::size_t(ix[2])) * std::size_t(r.n) + std::size_t(ix[3]);
        return at < r.attentions->size() ? std::optional<Scalar>(double((*r.attentions)[at])) : std::nullopt;
    };
    tables["model.token"] = [o](const std::vector<long>& ix) -> std::optional<Scalar> {
        const auto& labels = o->input.labels;
        if (ix.size() != 1 || ix[0] >= long(labels.size())) return std::nullopt;
        return labels[std::size_t(ix[0])];
    };
    tables["model.top_token"] = [o](const std::vector<long>& ix) -> std::optional<Scalar> {
        const auto& next = o->result.next;
        if (ix.size() != 1 || ix[0] >= long(next.size())) return std::nullopt;
        return model_view::token_label(*o->model, next[std::size_t(ix[0])].id);
    };
    tables["model.top_probability"] = [o](const std::vector<long>& ix) -> std::optional<Scalar> {
        const auto& next = o->result.next;
        if (ix.size() != 1 || ix[0] >= long(next.size())) return std::nullopt;
        return double(next[std::size_t(ix[0])].probability);
    };
    state().publish(v, tables);
}

}  // namespace attnviz::lessons

