// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz run --model DIR (--text T | --ids 1,2,…) [--top K] [--all-positions] [--threads N]
// [--save-attentions F.safetensors] [--ablate L.H,…] [--logit-lens] [--compact]`: one forward of a Hugging Face checkpoint over
// the text or the ids; prints one JSON object (the model, the input's ids and tokens, the
// language-model head's top K, the time) and optionally saves every attention in the
// inspector's own safetensors format.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "model_view/run_input.hpp"
#include "shell/command.hpp"

#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/json.hpp"

#include <QFileInfo>

#include <charconv>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

// The most entries a top-K list may ask for: K × n objects are printed with --all-positions.
constexpr int kMaxTopK = 1000;
constexpr int kMaxThreads = 256;

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("run"), QStringLiteral("attnviz run"),
            QStringLiteral("attnviz run --model DIR (--text T | --ids 1,2,...) [--top K] [--all-positions]\n"
                           "                   [--threads N] [--save-attentions F.safetensors] [--ablate L.H,...]\n"
                           "                   [--logit-lens] [--compact]"),
            QStringLiteral(
                "Runs a Hugging Face checkpoint (a folder with config.json and model.safetensors, as\n"
                "save_pretrained writes it; model_type gpt2, bert, llama, mistral or qwen2) over the text or\n"
                "the token ids, natively, and prints one JSON object:\n"
                "  model_type, layers, heads, n     the model and the input's length\n"
                "  ids, tokens                      the input: ids and the tokenizer's pieces (\"Ġthe\"), or\n"
                "                                   the ids as text when the folder has no tokenizer\n"
                "  next                             causal LMs: the top K after the last token,\n"
                "                                   [{id, token, probability}]\n"
                "  positions                        each position's top K: masked LMs always, causal LMs\n"
                "                                   with --all-positions\n"
                "  timing                           forward_seconds: the forward and the LM head\n"
                "  ablated                          with --ablate: the heads switched off, [\"L.H\", ...]\n"
                "With --ablate, the heads named (layer.head, from 0) have their output zeroed before the\n"
                "attention's output projection, and every distribution and attention reported is the\n"
                "ablated model's.\n"
                "  logit_lens                       with --logit-lens (an addition of attnviz, not a Hugging\n"
                "                                   Face output): per layer, per position, the top K read\n"
                "                                   from the residual stream after that layer through the\n"
                "                                   final norm and the LM head (BERT: its MLM head),\n"
                "                                   [[[{id, token, probability}]]]\n"
                "The text is tokenized with the folder's tokenizer.json, vocab.json + merges.txt or\n"
                "vocab.txt, special tokens added as Hugging Face adds them by default.\n"),
            QStringLiteral("Limits: the input is at most the model's positions (n_positions or\n"
                           "max_position_embeddings); --top at most 1000.\n"
                           "Exit status: 0 on success; 2 when the folder, the input, the arguments or the\n"
                           "--save-attentions target are wrong, with one line on standard error.\n")};
}

struct Request {
    QString model, text, ids, save, ablate;
    std::vector<hf::HeadAblation> ablations;
    int top = 5;
    int threads = 0;  // 0: the core's default
    bool from_text = false;  // --text was given (possibly empty); else --ids
    bool all_positions = false, compact = false, logit_lens = false;
};

// The float's shortest decimal form, as a double (0.1f prints as 0.1).
double shortest(float f)
{
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
    double d = 0;
    std::from_chars(buf, end, d);
    return d;
}

json::Value top_list(const model_view::OpenedModel& m, const std::vector<hf::TopToken>& top)
{
    json::Array out;
    out.reserve(top.size());
    for (const hf::TopToken& t : top) {
        json::Value x = json::Object{};
        x["id"] = t.id;
        x["token"] = model_view::token_label(m, t.id);
        x["probability"] = shortest(t.probability);
        out.push_back(std::move(x));
    }
    return out;
}

json::Value strings(const std::vector<std::string>& v)
{
    json::Array a;
    a.reserve(v.size());
    for (const std::string& s : v) a.emplace_back(s);
    return a;
}

int run_model(const Request& r)
{
    // Refuse an unwritable target before the forward, not after it.
    if (!r.save.isEmpty()) files::check_save_target(r.save.toStdString());
    const model_view::OpenedModel m = model_view::open_model(r.model.toStdString());
    const model_view::RunInput in = r.from_text ? model_view::input_from_text(m, r.text.toStdString()) : [&] {
        try {
            return model_view::input_from_ids(m, model_view::parse_ids(r.ids.toStdString()));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("--ids: ") + e.what());
        }
    }();
    const hf::ModelInfo& info = m.info();
    if (r.threads > 0) hf::set_threads(r.threads);

    hf::RunOptions options;
    options.top_k = r.top;
    options.all_positions = r.all_positions;
    options.ablate = r.ablations;
    options.logit_lens = r.logit_lens;
    const hf::RunResult result = m.model->run(in.ids, options);
    if (!r.save.isEmpty()) hf::save_attentions(result, in.tokens, r.save.toStdString());

    json::Value out = json::Object{};
    out["model_type"] = info.model_type;
    out["layers"] = result.layers;
    out["heads"] = result.heads;
    out["n"] = result.n;
    json::Array ids;
    ids.reserve(in.ids.size());
    for (int id : in.ids) ids.emplace_back(id);
    out["ids"] = std::move(ids);
    out["tokens"] = strings(in.tokens);
    if (info.causal && info.has_lm_head) out["next"] = top_list(m, result.next);
    if (!result.positions.empty() && (!info.causal || r.all_positions)) {
        json::Array positions;
        positions.reserve(result.positions.size());
        for (const auto& p : result.positions) positions.push_back(top_list(m, p));
        out["positions"] = std::move(positions);
    }
    if (r.logit_lens) {
        json::Array layers;
        for (const auto& layer : result.logit_lens) {
            json::Array positions;
            for (const auto& p : layer) positions.push_back(top_list(m, p));
            layers.emplace_back(std::move(positions));
        }
        out["logit_lens"] = std::move(layers);
    }
    json::Value timing = json::Object{};
    timing["forward_seconds"] = result.forward_seconds;
    out["timing"] = std::move(timing);
    if (!r.save.isEmpty()) out["saved_attentions"] = r.save.toStdString();
    if (!r.ablations.empty()) {
        json::Array heads;
        for (const hf::HeadAblation& a : r.ablations)
            heads.emplace_back(std::to_string(a.layer) + "." + std::to_string(a.head));
        out["ablated"] = std::move(heads);
    }
    if (!print_json(out, r.compact ? -1 : 2))
        return shell::report_failure(QStringLiteral("run"), "could not write to standard output");
    return shell::kExitOk;
}

}  // namespace

int run_run(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--model"), QStringLiteral("DIR"), &r.model,
                QStringLiteral("the checkpoint folder, or its config.json (required)"))
        .required()
        .text(QStringLiteral("--text"), QStringLiteral("T"), &r.text, QStringLiteral("the text to run (needs a tokenizer)"))
        .text(QStringLiteral("--ids"), QStringLiteral("1,2,..."), &r.ids,
              QStringLiteral("the token ids to run, separated by commas"))
        .integer(QStringLiteral("--top"), QStringLiteral("K"), &r.top, {1, kMaxTopK},
                 QStringLiteral("entries in each top-K list (default 5)"))
        .flag(QStringLiteral("--all-positions"), &r.all_positions,
              QStringLiteral("causal LMs: also the top K at every position"))
        .integer(QStringLiteral("--threads"), QStringLiteral("N"), &r.threads, {1, kMaxThreads},
                 QStringLiteral("threads for the matrix products (default: the machine's cores)"))
        .text(QStringLiteral("--save-attentions"), QStringLiteral("F"), &r.save,
              QStringLiteral("write every layer's attention to F (.safetensors, the inspector's format)"))
        .text(QStringLiteral("--ablate"), QStringLiteral("L.H,..."), &r.ablate,
              QStringLiteral("switch these heads off (output zeroed before the output projection)"))
        .flag(QStringLiteral("--logit-lens"), &r.logit_lens,
              QStringLiteral("add logit_lens: each layer's top K at every position (attnviz's addition)"))
        .flag(QStringLiteral("--compact"), &r.compact, QStringLiteral("print the result on one line (default: indented)"))
        .noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        const bool text = parsed.wasGiven(QStringLiteral("--text"));
        const bool ids = parsed.wasGiven(QStringLiteral("--ids"));
        if (text == ids) throw std::invalid_argument("give one of --text and --ids (see attnviz run --help)");
        if (!r.save.isEmpty() && QFileInfo(r.save).suffix().toLower() != QLatin1String("safetensors"))
            throw std::invalid_argument("--save-attentions: " + r.save.toStdString() +
                                        " must end in .safetensors (the inspector's format)");
        r.from_text = text;
        if (parsed.wasGiven(QStringLiteral("--ablate"))) {
            try {
                r.ablations = hf::parse_ablations(r.ablate.toStdString());
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(std::string("--ablate: ") + e.what());
            }
        }
        return run_model(r);
    });
}

}  // namespace attnviz::cli
