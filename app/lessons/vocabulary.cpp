// SPDX-License-Identifier: GPL-3.0-or-later
// The program's lesson vocabulary: every value the windows publish (publish.cpp writes them,
// docs/lessons.md lists them) and every Setup / "Show me" verb (lesson_actions.cpp performs them).
#include "lessons/vocabulary.hpp"

#include "presets.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/core/parameters.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"

#include <algorithm>

namespace attnviz::lessons {

const ValueName* Vocabulary::value(const std::string& name) const
{
    const auto it = std::find_if(values.begin(), values.end(), [&](const ValueName& v) { return v.name == name; });
    return it == values.end() ? nullptr : &*it;
}

const VerbSpec* Vocabulary::verb(const std::string& name) const
{
    const auto it = std::find_if(verbs.begin(), verbs.end(), [&](const VerbSpec& v) { return v.verb == name; });
    return it == verbs.end() ? nullptr : &*it;
}

namespace {

std::vector<std::string> variantIds()
{
    std::vector<std::string> ids;
    for (const Variant v : kAllVariants) ids.emplace_back(variant_id(v));
    return ids;
}

// Q, K, V and every tensor name of every variant, in the variant table's order.
std::vector<std::string> matrixNames()
{
    std::vector<std::string> names{"Q", "K", "V"};
    const InputDims dims{2, 2, 2, 2, 2};
    for (const Variant v : kAllVariants)
        for (const ParameterSpec& spec : parameter_specs(v, dims, ParamHyper{}))
            if (std::find(names.begin(), names.end(), spec.name) == names.end()) names.push_back(spec.name);
    return names;
}

Vocabulary build()
{
    using T = ValueType;
    Vocabulary v;
    const auto val = [](std::string name, T type, int indices, std::string meaning,
                        std::vector<std::string> choices = {}, bool published = true) {
        return ValueName{std::move(name), type, indices, std::move(meaning), std::move(choices), published};
    };
    const std::vector<std::string> variants = variantIds();
    std::vector<std::string> presets;
    for (const QString& p : preset_names()) presets.push_back(p.toStdString());
    std::vector<std::string> datasets = seq2seq::generated_dataset_names();
    std::vector<std::string> modelDatasets = datasets;
    modelDatasets.push_back("file");
    const std::vector<std::string> labTasks{"induction", "copy", "reverse", "sort", "text"};

    v.values = {
        // ---- the playground (published with every result) ----
        val("playground.variant", T::Text, 0, "the variant of the result shown (scaled_dot, additive, ...)", variants),
        val("playground.temperature", T::Number, 0, "the softmax temperature T (logits = scores · scale / T)"),
        val("playground.mask", T::Text, 0, "which masks are on: none, causal, valid_len, cells, or mixed (more than one)",
            {"none", "causal", "valid_len", "cells", "mixed"}),
        val("playground.causal", T::Bool, 0, "the causal mask is on"),
        val("playground.valid_len", T::Number, 1, "[i] query row i's valid length (not published without a valid-length mask)"),
        val("playground.masked", T::Number, 0, "how many cells of the weight matrix are masked"),
        val("playground.masked_cell", T::Bool, 2, "[i][j] cell (i, j) is masked"),
        val("playground.queries", T::Number, 0, "rows of the result (1 for feed_forward)"),
        val("playground.keys", T::Number, 0, "keys (columns of the result)"),
        val("playground.d_q", T::Number, 0, "width of a query"),
        val("playground.d_k", T::Number, 0, "width of a key"),
        val("playground.d_v", T::Number, 0, "width of a value"),
        val("playground.hidden", T::Number, 0, "hidden size h of generated parameters"),
        val("playground.heads", T::Number, 0, "number of heads H"),
        val("playground.scale", T::Number, 0, "the variant's score scale: 1/√d_k (scaled_dot), 1/√(h/H) (multi_head), else 1"),
        val("playground.weight", T::Number, 2, "[i][j] attention weight of query i on key j, from 0"),
        val("playground.score", T::Number, 2, "[i][j] raw score of query i and key j"),
        val("playground.logit", T::Number, 2, "[i][j] score · scale / T (masked: not published)"),
        val("playground.output", T::Number, 2, "[i][c] column c of output row i"),
        val("playground.row_max", T::Number, 1, "[i] the largest weight in row i"),
        val("playground.row_argmax", T::Number, 1, "[i] the key with the largest weight in row i (the first on a tie)"),
        val("playground.head_weight", T::Number, 3, "[h][i][j] weight of head h (multi_head only)"),
        val("playground.query", T::Number, 2, "[i][c] entry of Q as computed"),
        val("playground.key", T::Number, 2, "[j][c] entry of K as computed"),
        val("playground.value", T::Number, 2, "[j][c] entry of V as computed"),
        val("playground.query_label", T::Text, 1, "[i] the label of query row i (sessions with token labels)"),
        val("playground.key_label", T::Text, 1, "[j] the label of key j (sessions with token labels)"),
        val("playground.error", T::Bool, 0, "the last computation was refused (the banner over the heatmap)"),
        // ---- the seq2seq window ----
        val("seq2seq.open", T::Bool, 0, "the seq2seq window is open"),
        val("seq2seq.tab", T::Text, 0, "its front tab", {"translate", "train"}),
        val("seq2seq.dataset", T::Text, 0, "the dataset the model in use was trained on (the shipped model: toy-fr)", modelDatasets),
        val("seq2seq.form_dataset", T::Text, 0, "the dataset chosen in the Train tab's form", modelDatasets),
        val("seq2seq.training", T::Bool, 0, "a training run is going on"),
        val("seq2seq.trained", T::Bool, 0, "the model in use was trained in this window (not the shipped or an opened one)"),
        val("seq2seq.epoch", T::Number, 0, "epochs done in the latest run"),
        val("seq2seq.epochs", T::Number, 0, "epochs asked for in the latest run"),
        val("seq2seq.loss", T::Number, 0, "the loss of the latest epoch"),
        val("seq2seq.bleu", T::Number, 0, "held-out BLEU of the finished run (not published without held-out pairs)"),
        val("seq2seq.source", T::Text, 0, "the sentence translated"),
        val("seq2seq.output", T::Text, 0, "the translation shown (the what-if one when edited), tokens joined by spaces"),
        val("seq2seq.steps", T::Number, 0, "decoder steps of the translation (one per output token, <eos> included)"),
        val("seq2seq.step", T::Number, 0, "the decoder step shown, from 1 as the window says \"step 3 / 8\""),
        val("seq2seq.emitted", T::Text, 0, "the token emitted at the step shown"),
        val("seq2seq.attention", T::Number, 1, "[j] the step's attention weight on source token j, from 0"),
        val("seq2seq.attention_argmax", T::Number, 0, "the source token the step shown attends to most, from 0"),
        val("seq2seq.alignment", T::Number, 2, "[s][j] step s's (from 0) weight on source token j"),
        val("seq2seq.whatif", T::Bool, 0, "an attention row has been edited (what-if)"),
        val("seq2seq.whatif_step", T::Number, 0, "the edited step, from 1"),
        val("seq2seq.whatif_changed", T::Bool, 0, "the what-if translation differs from the model's own"),
        // ---- the inspector ----
        val("inspector.open", T::Bool, 0, "the attention-file inspector is open"),
        val("inspector.loaded", T::Bool, 0, "it shows a file"),
        val("inspector.layers", T::Number, 0, "layers of the open file"),
        val("inspector.heads", T::Number, 0, "heads per layer"),
        val("inspector.tokens", T::Number, 0, "tokens (n of each n × n map)"),
        val("inspector.panel", T::Text, 0, "its front tab", {"model", "head", "heatmap", "stats"}),
        // ---- the Transformer lab (the latest run; the timeline's snapshot) ----
        val("lab.open", T::Bool, 0, "the Transformer lab is open"),
        val("lab.state", T::Text, 0, "idle (nothing trained yet), training, paused, done (finished or stopped)",
            {"idle", "training", "paused", "done"}),
        val("lab.task", T::Text, 0, "the task of the latest run", labTasks),
        val("lab.layers", T::Number, 0, "layers of the latest run's model"),
        val("lab.heads", T::Number, 0, "heads per layer of the latest run's model"),
        val("lab.embd", T::Number, 0, "the latest run's model width"),
        val("lab.steps", T::Number, 0, "steps asked for in the latest run"),
        val("lab.compare", T::Bool, 0, "the latest run trains the one-layer comparison after the model"),
        val("lab.step", T::Number, 0, "steps done at the latest snapshot (every 25 steps by default)"),
        val("lab.loss", T::Number, 0, "the training loss at the latest snapshot"),
        val("lab.accuracy", T::Number, 0, "the probe accuracy at the latest snapshot"),
        val("lab.induction_score", T::Number, 2, "[l][h] induction score of layer l, head h at the latest snapshot"),
        val("lab.induction_score_max", T::Number, 0, "the largest induction score over all heads at the latest snapshot"),
        val("lab.previous_token_score", T::Number, 2, "[l][h] previous-token score of layer l, head h at the latest snapshot"),
        val("lab.timeline_step", T::Number, 0, "the step of the snapshot the timeline shows (scrubbed back, or the newest)"),
        val("lab.timeline_induction_score", T::Number, 2, "[l][h] induction score of layer l, head h in the snapshot shown"),
        val("lab.timeline_induction_max", T::Number, 0, "the largest induction score in the snapshot shown"),
        val("lab.one_layer_step", T::Number, 0, "steps done by the one-layer comparison (its latest snapshot)"),
        val("lab.one_layer_loss", T::Number, 0, "the one-layer comparison's training loss"),
        val("lab.one_layer_accuracy", T::Number, 0, "the one-layer comparison's probe accuracy"),
        // ---- the model window (the run it shows; publish_model.cpp) ----
        val("model.open", T::Bool, 0, "the model window is open"),
        val("model.loaded", T::Bool, 0, "a model is open in it"),
        val("model.name", T::Text, 0, "the model's folder name (induction-2l, gpt2, ...)"),
        val("model.type", T::Text, 0, "config.json's model_type (gpt2, bert, llama, ...)"),
        val("model.layers", T::Number, 0, "layers of the model"),
        val("model.heads", T::Number, 0, "heads per layer"),
        val("model.tokens", T::Number, 0, "tokens of the input run"),
        val("model.input", T::Text, 0, "the input's tokens, joined by spaces"),
        val("model.token", T::Text, 1, "[i] the input's token i, from 0"),
        val("model.top1", T::Text, 0, "the most likely next token (causal models)"),
        val("model.top1_probability", T::Number, 0, "its probability"),
        val("model.top_token", T::Text, 1, "[k] the k-th most likely next token, from 0"),
        val("model.top_probability", T::Number, 1, "[k] its probability"),
        val("model.repeat_token", T::Text, 0,
            "the token after the last token's previous occurrence: what an induction head predicts (not published "
            "when the last token did not occur before)"),
        val("model.predicts_repeat", T::Bool, 0, "the top-1 is model.repeat_token"),
        val("model.ablated", T::Bool, 0, "the run shown has heads switched off"),
        val("model.ablated_count", T::Number, 0, "how many heads are switched off"),
        val("model.ablated_head", T::Bool, 2, "[l][h] head h of layer l is switched off"),
        val("model.plain_top1", T::Text, 0, "the top-1 of the latest run on the same input without interventions"),
        val("model.top1_changed", T::Bool, 0, "the top-1 differs from model.plain_top1"),
        val("model.attention", T::Number, 4, "[l][h][i][j] weight of query i on key j in layer l, head h"),
    };

    v.lists["preset"] = presets;
    v.lists["variant"] = variants;
    v.lists["dataset"] = datasets;
    v.lists["window"] = {"playground", "seq2seq", "inspector", "lab", "model"};
    v.lists["lab_task"] = {"induction", "copy", "reverse", "sort"};
    v.lists["matrix"] = matrixNames();
    v.lists["tab"] = {"translate", "train"};
    v.lists["button"] = {"seq2seq.builtin_model", "seq2seq.train", "seq2seq.stop", "seq2seq.translate", "seq2seq.whatif_reset",
                         "playground.regenerate", "playground.clear_mask", "lab.train", "lab.pause", "lab.stop"};
    v.verbs = {
        {"preset", {"preset"}, "load a preset session into the playground (a new session: no undo history)"},
        {"variant", {"variant"}, "switch the playground's variant"},
        {"temperature", {"number"}, "set the temperature (> 0)"},
        {"causal", {"onoff"}, "switch the causal mask on or off"},
        {"valid_len", {"int+"}, "valid lengths: one for every row, one per query row, or none"},
        {"mask_cell", {"int", "int"}, "flip the mask of cell (row, column)"},
        {"cell", {"matrix", "int", "int", "number"}, "set a cell of Q, K, V or a parameter of the current variant"},
        {"hidden", {"int"}, "hidden size h (regenerates the parameters)"},
        {"heads", {"int"}, "number of heads H (regenerates the parameters)"},
        {"seed", {"int"}, "seed of generated parameters (regenerates them)"},
        {"window", {"window"}, "show and raise a window"},
        {"tab", {"tab"}, "bring a tab of the seq2seq window to the front"},
        {"dataset", {"dataset"}, "choose the Train tab's dataset (its default settings come with it)"},
        {"epochs", {"int"}, "epochs in the Train tab's form"},
        {"examples", {"int"}, "examples in the Train tab's form"},
        {"press", {"button"}, "press a named button"},
        {"translate", {"text"}, "translate a sentence in the seq2seq window"},
        {"step", {"int"}, "show decoder step N (from 1)"},
        {"whatif", {"int", "number"}, "at the step shown, set the weight on source token j (from 0) and re-decode"},
        {"lab_task", {"lab_task"}, "choose the Transformer lab's task (its default settings come with it)"},
        {"lab_layers", {"int"}, "layers in the lab's form"},
        {"lab_heads", {"int"}, "heads per layer in the lab's form"},
        {"lab_steps", {"int"}, "training steps in the lab's form"},
        {"lab_compare", {"onoff"}, "the lab's \"Compare with a 1-layer model\""},
        {"lab_scrub", {"int"}, "scrub the lab's timeline to the last snapshot at or before step N"},
        {"lab_head", {"int", "int"}, "open layer L, head H of the lab's grid in its heatmap"},
        {"open_model", {"text"}, "open a model in the model window: builtin:NAME (shipped) or a checkpoint folder"},
        {"model_input", {"text"}, "run a text in the model window"},
        {"ablate", {"heads"}, "re-run the model window's input with heads L.H,L.H,... switched off (none: no head)"},
        {"head_to_playground", {"int", "int"}, "open layer L, head H of the model window's run in the playground"},
    };
    return v;
}

}  // namespace

const Vocabulary& appVocabulary()
{
    static const Vocabulary vocabulary = build();
    return vocabulary;
}

}  // namespace attnviz::lessons
