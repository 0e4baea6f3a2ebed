// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz run --model DIR (--text T | --ids 1,2,…) [--top K] [--all-positions] [--threads N]
// [--save-attentions F.safetensors] [--ablate L.H,…] [--logit-lens] [--export-head L.H SESSION.json]
// [--generate N [--temperature X] [--top-k K] [--seed S]] [--compact]`: one forward of a Hugging Face checkpoint over the text or the ids; prints one JSON
// object (the model, the input's ids and tokens, the language-model head's top K, the time) and
// optionally saves every attention in the inspector's own safetensors format, or one head as a
// playground session (model_view/head_session, the model window's "Open head in playground").
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "model_view/head_session.hpp"
#include "model_view/run_input.hpp"
#include "shell/command.hpp"

#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/hf/generate.hpp"
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/json.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QFileInfo>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

// The most entries a top-K list may ask for: K × n objects are printed with --all-positions.
constexpr int kMaxTopK = 1000;
constexpr int kMaxThreads = 256;
// --generate's bound before the model is known (the model's positions bound it after); --top-k's
// is the largest vocabulary worth naming (the core clamps K to the vocabulary).
constexpr int kMaxGenerate = 1'000'000;
constexpr int kMaxGenerateTopK = 100'000'000;

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("run"), QStringLiteral("attnviz run"),
            QStringLiteral("attnviz run --model DIR (--text T | --ids 1,2,...) [--top K] [--all-positions]\n"
                           "                   [--threads N] [--save-attentions F.safetensors] [--ablate L.H,...]\n"
                           "                   [--logit-lens] [--export-head L.H SESSION.json]\n"
                           "                   [--generate N [--temperature X] [--top-k K] [--seed S]] [--compact]"),
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
                "  timing                           forward_seconds: the forward and the LM head; with\n"
                "                                   --generate also generate_seconds and\n"
                "                                   generate_tokens_per_second (the cached steps only)\n"
                "  generated                        with --generate: {ids, tokens, text, steps: [{id, token,\n"
                "                                   probability, top: [{id, token, probability}]}]}\n"
                "  ablated                          with --ablate: the heads switched off, [\"L.H\", ...]\n"
                "  exported_head                    with --export-head: {head: \"L.H\", kv_head, session}\n"
                "  logit_lens                       with --logit-lens (an addition of attnviz, not a Hugging\n"
                "                                   Face output): per layer, per position, the top K read\n"
                "                                   from the residual stream after that layer through the\n"
                "                                   final norm and the LM head (BERT: its MLM head),\n"
                "                                   [[[{id, token, probability}]]]\n"
                "With --ablate, the heads named (layer.head, from 0) have their output zeroed before the\n"
                "attention's output projection, and every distribution and attention reported is the\n"
                "ablated model's.\n"
                "With --export-head L.H SESSION.json, layer L's head H (from 0) is written as a playground\n"
                "session (docs/session-format.md; open it in the playground or run attnviz compute on it):\n"
                "the scaled dot-product variant over the head's own queries, keys and values for this input\n"
                "(after the projections, after rotary embedding for the Llama family; under grouped-query\n"
                "attention the keys and values of the key/value head it reads), the tokens as labels, the\n"
                "causal mask when the model has one. Its weights are this run's attention for that head.\n"
                "With --ablate too, the head is the ablated model's (earlier heads switched off).\n"
                "With --generate N (causal LMs), N tokens follow the input one at a time with a key/value\n"
                "cache: greedy (the most probable token) by default, or sampled from softmax(logits / X) with\n"
                "--temperature X > 0, among the K most probable with --top-k K (0: all), reproducibly from\n"
                "--seed S (default 0). Each step's probability and top K (--top) are the model's own at\n"
                "temperature 1. The other fields describe the input's forward; --save-attentions then saves\n"
                "the whole sequence's attention (input and generated tokens). Not with --ablate.\n"
                "The text is tokenized with the folder's tokenizer.json, vocab.json + merges.txt or\n"
                "vocab.txt, special tokens added as Hugging Face adds them by default.\n"),
            QStringLiteral("Limits: the input is at most the model's positions (n_positions or\n"
                           "max_position_embeddings); --top at most 1000; --generate N at most the positions left\n"
                           "after the input. --export-head's file must end in .json.\n"
                           "Exit status: 0 on success; 2 when the folder, the input, the arguments or the\n"
                           "--save-attentions or --export-head targets are wrong, with one line on standard error.\n")};
}

struct Request {
    QString model, text, ids, save, ablate;
    std::vector<hf::HeadAblation> ablations;
    QString exportHeadText, exportPath;     // --export-head L.H SESSION.json
    std::optional<hf::HeadCapture> exportHead;
    int generate = 0;                       // --generate N: 0 for none
    double temperature = 0.0;               // --temperature X: 0 is greedy
    int generate_top_k = 0;                 // --top-k K: 0 for the whole vocabulary
    long long seed = 0;                     // --seed S
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
    if (r.exportHead) files::check_save_target(r.exportPath.toStdString());
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
    if (r.generate > 0) {
        if (!info.causal || !info.has_lm_head)
            throw std::invalid_argument("--generate needs a causal language model with its LM head; this " +
                                        info.architecture + " model (" + info.model_type + ") " +
                                        (info.causal ? "has no LM head" : "is a masked language model"));
        const long long total = static_cast<long long>(in.ids.size()) + r.generate;
        if (total > info.max_positions)
            throw std::invalid_argument("--generate: " + std::to_string(r.generate) + " tokens after the input's " +
                                        std::to_string(in.ids.size()) + " pass this " + info.model_type +
                                        " model's limit of " + std::to_string(info.max_positions) +
                                        " positions (at most " +
                                        std::to_string(std::max<long long>(0, info.max_positions - static_cast<long long>(in.ids.size()))) +
                                        ")");
    }
    if (r.exportHead) {
        try {
            hf::check_capture(*r.exportHead, info.layers, info.heads);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("--export-head: ") + e.what());
        }
    }

    hf::RunOptions options;
    options.top_k = r.top;
    options.all_positions = r.all_positions;
    options.ablate = r.ablations;
    options.logit_lens = r.logit_lens;
    options.capture_head = r.exportHead;
    const hf::RunResult result = m.model->run(in.ids, options);

    // --generate: the cached steps after the input (the Generation runs the prompt itself).
    std::unique_ptr<hf::Generation> generation;
    if (r.generate > 0) {
        hf::SamplingOptions sampling;
        sampling.temperature = r.temperature;
        sampling.top_k = r.generate_top_k;
        sampling.seed = static_cast<std::uint64_t>(r.seed);
        generation = std::make_unique<hf::Generation>(m.model, in.ids, sampling, r.top,
                                                      static_cast<int>(in.ids.size()) + r.generate);
        for (int i = 0; i < r.generate; ++i) generation->step();
    }
    if (!r.save.isEmpty()) {
        if (generation) {
            // The whole sequence: the input's block, then each generated token's row.
            const std::span<const int> all = generation->ids();
            const model_view::RunInput whole = model_view::input_from_ids(m, std::vector<int>(all.begin(), all.end()));
            hf::save_attentions(generation->as_result(), whole.tokens, r.save.toStdString());
        } else {
            hf::save_attentions(result, in.tokens, r.save.toStdString());
        }
    }
    if (r.exportHead) {
        const Session session = model_view::head_session(*result.captured, in.labels, model_view::head_source(info, m.name));
        model_view::write_head_session(session, r.exportPath.toStdString());
    }

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
    if (generation) {
        json::Array ids_out, pieces, steps;
        std::vector<int> gen_ids;
        for (const hf::GeneratedToken& t : generation->generated()) gen_ids.push_back(t.id);
        const model_view::RunInput made = model_view::input_from_ids(m, gen_ids);
        // The generated text: the tokenizer's decoder over all the ids (a character split over
        // two byte-level tokens comes out whole), else the labels joined.
        std::string text;
        if (m.tokenizer) {
            try {
                text = m.tokenizer->decode(gen_ids);
            } catch (const std::invalid_argument&) {
                text.clear();  // an id past the tokenizer's vocabulary: the labels below
            }
        }
        const bool decoded = !text.empty();
        for (std::size_t i = 0; i < generation->generated().size(); ++i) {
            const hf::GeneratedToken& t = generation->generated()[i];
            ids_out.emplace_back(t.id);
            pieces.emplace_back(made.tokens[i]);
            if (!decoded) text += made.labels[i];
            json::Value step = json::Object{};
            step["id"] = t.id;
            step["token"] = model_view::token_label(m, t.id);
            step["probability"] = shortest(t.probability);
            step["top"] = top_list(m, t.top);
            steps.push_back(std::move(step));
        }
        json::Value g = json::Object{};
        g["ids"] = std::move(ids_out);
        g["tokens"] = std::move(pieces);
        g["text"] = text;
        g["steps"] = std::move(steps);
        out["generated"] = std::move(g);
    }
    json::Value timing = json::Object{};
    timing["forward_seconds"] = result.forward_seconds;
    if (generation) {
        timing["generate_seconds"] = generation->decode_seconds();
        timing["generate_tokens_per_second"] = generation->tokens_per_second();
    }
    out["timing"] = std::move(timing);
    if (!r.save.isEmpty()) out["saved_attentions"] = r.save.toStdString();
    if (r.exportHead) {
        json::Value head = json::Object{};
        head["head"] = r.exportHeadText.toStdString();
        head["kv_head"] = result.captured->kv_head;
        head["session"] = r.exportPath.toStdString();
        out["exported_head"] = std::move(head);
    }
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
        .text(QStringLiteral("--export-head"), QStringLiteral("L.H SESSION.json"), &r.exportHeadText,
              QStringLiteral("write layer L's head H as a playground session to SESSION.json"))
        .integer(QStringLiteral("--generate"), QStringLiteral("N"), &r.generate, {1, kMaxGenerate},
                 QStringLiteral("causal LMs: generate N tokens after the input (key/value cache)"))
        .real(QStringLiteral("--temperature"), QStringLiteral("X"), &r.temperature, shell::RealRange{.min = 0},
              QStringLiteral("with --generate: 0 greedy (default), > 0 sample from softmax(logits / X)"))
        .integer(QStringLiteral("--top-k"), QStringLiteral("K"), &r.generate_top_k, {0, kMaxGenerateTopK},
                 QStringLiteral("with --generate: sample among the K most probable only (default 0: all)"))
        .integer(QStringLiteral("--seed"), QStringLiteral("S"), &r.seed, {0, std::numeric_limits<long long>::max()},
                 QStringLiteral("with --generate: the sampler's seed (default 0)"))
        .flag(QStringLiteral("--compact"), &r.compact, QStringLiteral("print the result on one line (default: indented)"));

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        const bool text = parsed.wasGiven(QStringLiteral("--text"));
        const bool ids = parsed.wasGiven(QStringLiteral("--ids"));
        if (text == ids) throw std::invalid_argument("give one of --text and --ids (see attnviz run --help)");
        if (!r.save.isEmpty() && QFileInfo(r.save).suffix().toLower() != QLatin1String("safetensors"))
            throw std::invalid_argument("--save-attentions: " + r.save.toStdString() +
                                        " must end in .safetensors (the inspector's format)");
        r.from_text = text;
        for (const char* name : {"--temperature", "--top-k", "--seed"})
            if (parsed.wasGiven(QString::fromLatin1(name)) && !parsed.wasGiven(QStringLiteral("--generate")))
                throw std::invalid_argument(std::string(name) + " needs --generate N");
        if (parsed.wasGiven(QStringLiteral("--generate")) && parsed.wasGiven(QStringLiteral("--ablate")))
            throw std::invalid_argument("--generate cannot be combined with --ablate: generation runs the model "
                                        "without interventions");
        // The only positional: --export-head's session file, right after its head.
        if (!parsed.wasGiven(QStringLiteral("--export-head"))) {
            if (!parsed.positionals.isEmpty())
                throw std::invalid_argument("unexpected argument '" + parsed.positionals.front().toStdString() +
                                            "' (see attnviz run --help)");
        } else {
            try {
                r.exportHead = model_view::parse_head_ref(r.exportHeadText.toStdString());
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(std::string("--export-head: ") + e.what());
            }
            if (parsed.positionals.size() != 1)
                throw std::invalid_argument(parsed.positionals.isEmpty()
                                                ? std::string("--export-head: give the session file after the head: "
                                                              "--export-head L.H SESSION.json")
                                                : "unexpected argument '" + parsed.positionals[1].toStdString() +
                                                      "' (see attnviz run --help)");
            r.exportPath = parsed.positionals.front();
            if (QFileInfo(r.exportPath).suffix().toLower() != QLatin1String("json"))
                throw std::invalid_argument("--export-head: " + r.exportPath.toStdString() +
                                            " must end in .json (a playground session)");
        }
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
