// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz translate --model F [--beam K] "sentence" ...`: one JSON object per sentence and line,
// with the tokens, each step's probability, top-5 alternatives and attention row, and the source
// tokens as the model saw them.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/limits.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("translate"), QStringLiteral("attnviz translate"),
            QStringLiteral("attnviz translate --model MODEL [--beam K] [--steps N] SENTENCE..."),
            QStringLiteral(
                "Translates each SENTENCE with a model written by `attnviz train --save` (or a d2l PyTorch\n"
                "model saved as safetensors with its vocabularies in __metadata__) and prints one JSON object\n"
                "per sentence and line: sentence, source_tokens (as the model saw them, <unk> for unknown\n"
                "words, then <eos>), unknown (those words), translation, tokens, log_probability, and steps:\n"
                "for each decoder step the token, its probability, top (the five most probable tokens) and\n"
                "attention (the weights over source_tokens). A sentence may start with '-'; after `--`\n"
                "every argument is a sentence.\n"),
            QStringLiteral("Exit status: 0 on success; 2 for wrong arguments, an unreadable model or an empty sentence.\n")};
}

// The float's shortest decimal form: 0.1f prints as 0.1.
double shortest(double v)
{
    const float f = static_cast<float>(v);
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
    double d = 0;
    std::from_chars(buf, end, d);
    return d;
}

json::Value strings(const std::vector<std::string>& v)
{
    json::Array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

json::Value describe(const std::string& sentence, const seq2seq::Translation& t)
{
    json::Value out = json::Object{};
    out["sentence"] = sentence;
    out["source_tokens"] = strings(t.source_tokens);
    std::vector<std::string> unknown;
    for (std::size_t i = 0; i < t.unknown.size(); ++i)
        if (t.unknown[i]) unknown.push_back(t.source_input[i]);
    out["unknown"] = strings(unknown);
    out["translation"] = t.text();
    out["tokens"] = strings(t.output);
    out["log_probability"] = t.log_probability;
    json::Array steps;
    for (const seq2seq::DecodeStep& s : t.steps) {
        json::Value step = json::Object{};
        step["token"] = s.text;
        step["probability"] = shortest(s.probability);
        json::Array top;
        for (const auto& [tok, p] : s.top) {
            json::Value x = json::Object{};
            x["token"] = tok;
            x["probability"] = shortest(p);
            top.push_back(std::move(x));
        }
        step["top"] = std::move(top);
        json::Array att;
        for (double a : s.attention) att.emplace_back(shortest(a));
        step["attention"] = std::move(att);
        steps.push_back(std::move(step));
    }
    out["steps"] = std::move(steps);
    return out;
}

}  // namespace

int run_translate(const QStringList& args)
{
    QString modelPath;
    int beam = 0, steps = 0;  // 0: greedy; the model's num_steps
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--model"), QStringLiteral("MODEL"), &modelPath,
                QStringLiteral("the .safetensors model file (required)"))
        .required()
        .integer(QStringLiteral("--beam"), QStringLiteral("K"), &beam, {1, 8},
                 QStringLiteral("beam search with K hypotheses, 1..8 (default: greedy, as the book)"))
        .integer(QStringLiteral("--steps"), QStringLiteral("N"), &steps, {1, shell::kMaxDecoderSteps},
                 QStringLiteral("maximum output length and source padding, at most %1\n"
                                "(default: the model's num_steps)")
                     .arg(shell::kMaxDecoderSteps))
        .dashWordsArePositional();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        std::vector<std::string> sentences;
        for (const QString& s : parsed.positionals) sentences.push_back(s.toStdString());
        if (sentences.empty()) throw std::invalid_argument("no sentence given");
        shell::require_regular_file(modelPath);
        const seq2seq::LoadedModel m = seq2seq::load_model(modelPath.toStdString());
        const int n = steps > 0 ? steps : m.num_steps;
        // All sentences are checked before any output, so that a bad one prints nothing.
        for (const auto& s : sentences) seq2seq::source_tokens(s);
        for (const auto& s : sentences) {
            const seq2seq::Translation t = beam > 0
                                               ? seq2seq::translate_beam(m.model, m.src_vocab, m.tgt_vocab, s, n, beam)
                                               : seq2seq::translate_greedy(m.model, m.src_vocab, m.tgt_vocab, s, n);
            if (!print_json(describe(s, t)))
                return shell::report_failure(parser.usage().command, "could not write to standard output");
        }
        return shell::kExitOk;
    });
}

}  // namespace attnviz::cli
