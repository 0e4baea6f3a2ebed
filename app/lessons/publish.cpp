// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/publish.hpp"

#include "lessons/lesson_state.hpp"

#include "seq2seq_view/whatif_session.hpp"

#include "attnviz/core/inspect/attention_stack.hpp"
#include "attnviz/core/parameters.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <algorithm>
#include <cmath>

namespace attnviz::lessons {

namespace {

using Values = std::map<std::string, std::optional<Scalar>>;

LessonState& state() { return LessonState::instance(); }

// A table over one matrix of a snapshot the table keeps alive: [i][j] → m(i, j).
Table matrixTable(const std::shared_ptr<const playground::ResultSnapshot>& keep, const Matrix* m)
{
    return [keep, m](const std::vector<long>& ix) -> std::optional<Scalar> {
        if (ix.size() != 2 || ix[0] >= m->rows() || ix[1] >= m->cols()) return std::nullopt;
        return (*m)(ix[0], ix[1]);
    };
}

double num(Index i) { return static_cast<double>(i); }

}  // namespace

void publishPlaygroundResult(const playground::ResultSnapshotPtr& s)
{
    if (!s) return;
    const Session& session = s->session;
    const AttentionResult& r = s->outcome.result;
    const MaskSpec& mask = session.mask;
    const int kinds = int(mask.causal) + int(!mask.valid_len.empty()) + int(mask.matrix.size() > 0 && mask.matrix.any());
    const std::string maskName = kinds == 0 ? "none" : kinds > 1 ? "mixed" : mask.causal ? "causal"
                               : !mask.valid_len.empty() ? "valid_len" : "cells";
    ParamHyper hyper = session.hyper;
    try {
        hyper = effective_hyper(session.variant, s->outcome.params, session.hyper);
    } catch (const std::exception&) {
        // The result exists, so the hyper-parameters were consistent; keep the session's.
    }
    Values values{
        {"playground.variant", std::string(variant_id(session.variant))},
        {"playground.temperature", session.temperature},
        {"playground.mask", maskName},
        {"playground.causal", mask.causal},
        {"playground.masked", num(s->maskedCount)},
        {"playground.queries", num(r.weights.rows())},
        {"playground.keys", num(r.weights.cols())},
        {"playground.d_q", num(session.queries.cols())},
        {"playground.d_k", num(session.keys.cols())},
        {"playground.d_v", num(session.values.cols())},
        {"playground.hidden", num(hyper.hidden)},
        {"playground.heads", num(variant_traits(session.variant).uses_heads ? s->outcome.params.num_heads : 1)},
        {"playground.scale", r.scale},
        {"playground.error", false},
    };
    const Matrix* weights = &r.weights;
    std::map<std::string, Table> tables{
        {"playground.weight", matrixTable(s, weights)},
        {"playground.score", matrixTable(s, &r.scores)},
        {"playground.output", matrixTable(s, &r.output)},
        {"playground.query", matrixTable(s, &session.queries)},
        {"playground.key", matrixTable(s, &session.keys)},
        {"playground.value", matrixTable(s, &session.values)},
    };
    tables["playground.logit"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const Matrix& m = s->outcome.result.logits;
        if (ix.size() != 2 || ix[0] >= m.rows() || ix[1] >= m.cols() || !std::isfinite(m(ix[0], ix[1]))) return std::nullopt;
        return m(ix[0], ix[1]);
    };
    tables["playground.masked_cell"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const BoolMatrix& m = s->outcome.result.masked;
        if (ix.size() != 2 || ix[0] >= m.rows() || ix[1] >= m.cols()) return std::nullopt;
        return bool(m(ix[0], ix[1]));
    };
    tables["playground.valid_len"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const std::vector<Index>& v = s->session.mask.valid_len;
        if (ix.size() != 1 || v.empty() || ix[0] >= s->outcome.result.weights.rows()) return std::nullopt;
        return num(v.size() == 1 ? v.front() : ix[0] < Index(v.size()) ? v[std::size_t(ix[0])] : 0);
    };
    tables["playground.row_max"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const Matrix& m = s->outcome.result.weights;
        if (ix.size() != 1 || ix[0] >= m.rows() || m.cols() == 0) return std::nullopt;
        return m.row(ix[0]).maxCoeff();
    };
    tables["playground.row_argmax"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const Matrix& m = s->outcome.result.weights;
        if (ix.size() != 1 || ix[0] >= m.rows() || m.cols() == 0) return std::nullopt;
        Index at = 0;
        m.row(ix[0]).maxCoeff(&at);
        return num(at);
    };
    tables["playground.head_weight"] = [s](const std::vector<long>& ix) -> std::optional<Scalar> {
        const auto& heads = s->outcome.result.heads;
        if (ix.size() != 3 || ix[0] >= long(heads.size())) return std::nullopt;
        const Matrix& m = heads[std::size_t(ix[0])].weights;
        if (ix[1] >= m.rows() || ix[2] >= m.cols()) return std::nullopt;
        return m(ix[1], ix[2]);
    };
    // The sessions' token labels (a real head opened from the model window has them).
    const auto labelTable = [s](const std::vector<std::string> Session::*labels) {
        return [s, labels](const std::vector<long>& ix) -> std::optional<Scalar> {
            const std::vector<std::string>& l = s->session.*labels;
            if (ix.size() != 1 || ix[0] >= long(l.size())) return std::nullopt;
            return l[std::size_t(ix[0])];
        };
    };
    tables["playground.query_label"] = labelTable(&Session::query_tokens);
    tables["playground.key_label"] = labelTable(&Session::key_tokens);
    state().publish(values, tables);
}

void publishPlaygroundFailure() { state().publish({{"playground.error", true}}); }

// ---- seq2seq ----

void publishSeq2seqOpen(bool open)
{
    if (!open) {
        state().withdraw("seq2seq.");
        return;
    }
    state().publish({{"seq2seq.open", true}, {"seq2seq.training", false}, {"seq2seq.trained", false}});
}

void publishSeq2seqTab(bool trainTab) { state().publish({{"seq2seq.tab", std::string(trainTab ? "train" : "translate")}}); }

void publishSeq2seqModel(const seq2seq::LoadedModel& model, bool trainedHere)
{
    const auto it = model.metadata.find("dataset");
    std::optional<Scalar> dataset;
    if (it != model.metadata.end()) dataset = it->second;
    state().publish({{"seq2seq.dataset", dataset}, {"seq2seq.trained", trainedHere}});
}

void publishSeq2seqFormDataset(const QString& dataset)
{
    state().publish({{"seq2seq.form_dataset", dataset.toStdString()}});
}

void publishSeq2seqTraining(bool running, int epochsAsked)
{
    Values v{{"seq2seq.training", running}};
    if (running) {
        v["seq2seq.epochs"] = double(epochsAsked);
        v["seq2seq.epoch"] = 0.0;
        v["seq2seq.loss"] = std::nullopt;
        v["seq2seq.bleu"] = std::nullopt;
    }
    state().publish(v);
}

void publishSeq2seqEpoch(int epoch, double loss)
{
    state().publish({{"seq2seq.epoch", double(epoch)}, {"seq2seq.loss", loss}});
}

void publishSeq2seqBleu(std::optional<double> bleu)
{
    state().publish({{"seq2seq.bleu", bleu ? std::optional<Scalar>(*bleu) : std::nullopt}});
}

void publishSeq2seqTranslation(const seq2seq_view::WhatIfSession& session, int step)
{
    static const char* const kNames[] = {"seq2seq.source", "seq2seq.output", "seq2seq.steps", "seq2seq.step",
                                         "seq2seq.emitted", "seq2seq.attention_argmax", "seq2seq.whatif",
                                         "seq2seq.whatif_step", "seq2seq.whatif_changed"};
    Values v;
    for (const char* n : kNames) v[n] = std::nullopt;
    std::map<std::string, Table> tables{{"seq2seq.attention", nullptr}, {"seq2seq.alignment", nullptr}};
    if (session.active()) {
        // A copy shared by the tables: the session's translation changes with the next edit.
        auto t = std::make_shared<const seq2seq::Translation>(session.current());
        const int steps = static_cast<int>(t->steps.size());
        std::string source;
        for (std::size_t i = 0; i + 1 < t->source_input.size(); ++i) source += (i ? " " : "") + t->source_input[i];
        v["seq2seq.source"] = source;
        v["seq2seq.output"] = t->text();
        v["seq2seq.steps"] = double(steps);
        v["seq2seq.whatif"] = session.edited();
        if (session.edited()) {
            v["seq2seq.whatif_step"] = double(session.attentionOverride()->step + 1);
            v["seq2seq.whatif_changed"] = session.current().output != session.original().output;
        }
        if (step >= 0 && step < steps) {
            const seq2seq::DecodeStep& d = t->steps[std::size_t(step)];
            v["seq2seq.step"] = double(step + 1);
            v["seq2seq.emitted"] = d.text;
            if (!d.attention.empty())
                v["seq2seq.attention_argmax"] =
                    double(std::max_element(d.attention.begin(), d.attention.end()) - d.attention.begin());
            tables["seq2seq.attention"] = [t, step](const std::vector<long>& ix) -> std::optional<Scalar> {
                const auto& a = t->steps[std::size_t(step)].attention;
                if (ix.size() != 1 || ix[0] >= long(a.size())) return std::nullopt;
                return a[std::size_t(ix[0])];
            };
        }
        tables["seq2seq.alignment"] = [t](const std::vector<long>& ix) -> std::optional<Scalar> {
            if (ix.size() != 2 || ix[0] >= long(t->steps.size())) return std::nullopt;
            const auto& a = t->steps[std::size_t(ix[0])].attention;
            if (ix[1] >= long(a.size())) return std::nullopt;
            return a[std::size_t(ix[1])];
        };
    }
    state().publish(v, tables);
}

// ---- inspector ----

void publishInspectorOpen(bool open)
{
    if (!open) {
        state().withdraw("inspector.");
        return;
    }
    state().publish({{"inspector.open", true}, {"inspector.loaded", false}});
}

void publishInspectorFile(const std::shared_ptr<const inspect::AttentionStack>& stack)
{
    if (!stack) return;
    state().publish({{"inspector.loaded", true},
                     {"inspector.layers", num(stack->layers())},
                     {"inspector.heads", num(stack->heads())},
                     {"inspector.tokens", num(stack->key_count())}});
}

void publishInspectorPanel(int panel)
{
    static const char* const kPanels[] = {"model", "head", "heatmap", "stats"};
    if (panel >= 0 && panel < 4) state().publish({{"inspector.panel", std::string(kPanels[panel])}});
}

// ---- the Transformer lab ----

namespace {

// A per-head metric of a snapshot kept alive by the table: [l][h] → metrics[l · heads + h].
Table headTable(const std::shared_ptr<const transformer::LabSnapshot>& s, double transformer::HeadMetrics::*metric)
{
    return [s, metric](const std::vector<long>& ix) -> std::optional<Scalar> {
        if (ix.size() != 2 || ix[0] >= s->layers || ix[1] >= s->heads) return std::nullopt;
        const std::size_t at = std::size_t(ix[0] * s->heads + ix[1]);
        if (at >= s->metrics.size()) return std::nullopt;
        return s->metrics[at].*metric;
    };
}

std::optional<Scalar> inductionMax(const transformer::LabSnapshot& s)
{
    if (s.metrics.empty()) return std::nullopt;
    double best = s.metrics.front().induction;
    for (const transformer::HeadMetrics& m : s.metrics) best = std::max(best, m.induction);
    return best;
}

// The loss a snapshot stands for: at step 0 no step has been taken, so the probe's.
double snapshotLoss(const transformer::LabSnapshot& s) { return s.step == 0 ? s.probe_loss : s.loss; }

}  // namespace

void publishLabOpen(bool open)
{
    if (!open) {
        state().withdraw("lab.");
        return;
    }
    state().publish({{"lab.open", true}, {"lab.state", std::string("idle")}});
}

void publishLabRunStarted(const transformer::LabConfig& config, bool compareOneLayer)
{
    static const char* const kRunValues[] = {"lab.step", "lab.loss", "lab.accuracy", "lab.induction_score_max",
                                              "lab.timeline_step", "lab.timeline_induction_max", "lab.one_layer_step",
                                              "lab.one_layer_loss", "lab.one_layer_accuracy"};
    Values v{
        {"lab.state", std::string("training")},
        {"lab.task", config.task},
        {"lab.layers", double(config.layers)},
        {"lab.heads", double(config.heads)},
        {"lab.embd", double(config.embd)},
        {"lab.steps", double(config.steps)},
        {"lab.compare", compareOneLayer},
    };
    for (const char* n : kRunValues) v[n] = std::nullopt;
    state().publish(v, {{"lab.induction_score", nullptr},
                        {"lab.previous_token_score", nullptr},
                        {"lab.timeline_induction_score", nullptr}});
}

void publishLabStatus(LabStatus status)
{
    static const char* const kStates[] = {"idle", "training", "paused", "done"};
    state().publish({{"lab.state", std::string(kStates[int(status)])}});
}

void publishLabSnapshot(const std::shared_ptr<const transformer::LabSnapshot>& s, bool oneLayer)
{
    if (!s) return;
    const transformer::LabSnapshot& snapshot = *s;
    if (oneLayer) {
        state().publish({{"lab.one_layer_step", double(snapshot.step)},
                         {"lab.one_layer_loss", snapshotLoss(snapshot)},
                         {"lab.one_layer_accuracy", snapshot.accuracy}});
        return;
    }
    state().publish({{"lab.step", double(snapshot.step)},
                     {"lab.loss", snapshotLoss(snapshot)},
                     {"lab.accuracy", snapshot.accuracy},
                     {"lab.induction_score_max", inductionMax(snapshot)}},
                    {{"lab.induction_score", headTable(s, &transformer::HeadMetrics::induction)},
                     {"lab.previous_token_score", headTable(s, &transformer::HeadMetrics::previous_token)}});
}

void publishLabTimeline(const std::shared_ptr<const transformer::LabSnapshot>& s)
{
    if (!s) return;
    const transformer::LabSnapshot& snapshot = *s;
    state().publish({{"lab.timeline_step", double(snapshot.step)}, {"lab.timeline_induction_max", inductionMax(snapshot)}},
                    {{"lab.timeline_induction_score", headTable(s, &transformer::HeadMetrics::induction)}});
}

}  // namespace attnviz::lessons
