// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz tokenize --tokenizer PATH (TEXT... | --lines FILE)`: each text through a Hugging Face
// tokenizer (tokenizer.json, vocab.json + merges.txt, or vocab.txt), one JSON line per text.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QFileInfo>

#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::cli {

namespace {

// --lines FILE is read whole: at most 64 MB (a tokenizer encodes a few MB a second).
constexpr qint64 kMaxLinesBytes = 64'000'000;

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("tokenize"), QStringLiteral("attnviz tokenize"),
            QStringLiteral("attnviz tokenize --tokenizer PATH [--no-special] (TEXT... | --lines FILE)"),
            QStringLiteral(
                "Encodes each TEXT (or each line of FILE; - reads standard input) with a Hugging Face\n"
                "tokenizer and prints one JSON object per text and line: {\"ids\": [...], \"tokens\": [...]},\n"
                "the tokens as the vocabulary spells them (\"\\u0120the\" for GPT-2's \" the\"). PATH is a\n"
                "tokenizer.json or a folder holding tokenizer.json, vocab.json + merges.txt, or vocab.txt\n"
                "(tokenizer_config.json is read where present). Special tokens ([CLS], <s>, ...) are\n"
                "added as Hugging Face adds them by default. Supported: BPE (byte-level, byte fallback),\n"
                "WordPiece and WordLevel models. A text may start with '-'; after `--` every argument\n"
                "is a text.\n"),
            QStringLiteral("Limits: --lines FILE at most 64 MB; tokenizer files at most 64 MB.\n"
                           "Exit status: 0 on success; 2 for wrong arguments or an unreadable or unsupported\n"
                           "tokenizer, with one line on standard error.\n")};
}

json::Value encoding_json(const tokenizers::Encoding& e)
{
    json::Array ids, tokens;
    ids.reserve(e.ids.size());
    tokens.reserve(e.tokens.size());
    for (int id : e.ids) ids.emplace_back(id);
    for (const std::string& t : e.tokens) tokens.emplace_back(t);
    json::Value out = json::Object{};
    out["ids"] = std::move(ids);
    out["tokens"] = std::move(tokens);
    return out;
}

std::vector<std::string> lines_of(const QByteArray& bytes)
{
    std::vector<std::string> lines;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', pos);
        if (end < 0) end = bytes.size();
        std::string line(bytes.constData() + pos, static_cast<std::size_t>(end - pos));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = end + 1;
    }
    return lines;
}

}  // namespace

int run_tokenize(const QStringList& args)
{
    QString tokenizerPath, linesPath;
    bool noSpecial = false;
    shell::OptionParser parser(usage());
    parser
        .text(QStringLiteral("--tokenizer"), QStringLiteral("PATH"), &tokenizerPath,
              QStringLiteral("tokenizer.json, or a folder with the tokenizer files (required)"))
        .required()
        .text(QStringLiteral("--lines"), QStringLiteral("FILE"), &linesPath,
              QStringLiteral("encode each line of FILE (- for standard input) instead of TEXT arguments"))
        .flag(QStringLiteral("--no-special"), &noSpecial,
              QStringLiteral("do not add the special tokens of the post-processor ([CLS], <s>, ...)"))
        .dashWordsArePositional();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        std::vector<std::string> texts;
        if (parsed.wasGiven(QStringLiteral("--lines"))) {
            if (!parsed.positionals.isEmpty())
                throw std::invalid_argument("give TEXT arguments or --lines FILE, not both");
            texts = lines_of(shell::read_capped(linesPath, kMaxLinesBytes, "a --lines file"));
        } else {
            for (const QString& s : parsed.positionals) texts.push_back(s.toStdString());
            if (texts.empty()) throw std::invalid_argument("no text given (TEXT... or --lines FILE)");
        }
        if (!QFileInfo(tokenizerPath).isDir()) shell::require_regular_file(tokenizerPath);
        const tokenizers::Tokenizer tokenizer = tokenizers::Tokenizer::load(tokenizerPath.toStdString());
        // Every text is encoded before any output, so that a failing one prints nothing.
        std::vector<json::Value> out;
        out.reserve(texts.size());
        for (const std::string& t : texts) out.push_back(encoding_json(tokenizer.encode(t, !noSpecial)));
        for (const json::Value& v : out)
            if (!print_json(v)) return shell::report_failure(parser.usage().command, "could not write to standard output");
        return shell::kExitOk;
    });
}

}  // namespace attnviz::cli
