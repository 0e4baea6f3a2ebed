// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz compute FILE.json | - | --preset NAME`: run one session, print the result as JSON.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "presets.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/limits.hpp"

#include "attnviz/core/session.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("compute"), QStringLiteral("attnviz compute"),
            QStringLiteral("attnviz compute FILE.json | - | --preset NAME [--compact]"),
            QStringLiteral(
                "Computes attention for a session file (docs/session-format.md), standard input (-) or a\n"
                "built-in preset, and prints one JSON object on standard output: variant, scores, logits\n"
                "(masked entries null), weights, output, heads (multi_head), params (when generated from\n"
                "the seed) and warnings. Numbers are written in their shortest exact form.\n"),
            QStringLiteral("Limits: a session file or standard input holds at most %1 (longer input is\n"
                           "refused, not read whole); the sizes inside a session have their own limits\n"
                           "(docs/session-format.md).\n"
                           "\n"
                           "Exit status: 0 on success; 2 when the input or the arguments are wrong, with one line on\n"
                           "standard error saying what and where (\"broken.json: params.W_q: expected 8x4, got 8x3\").\n")
                .arg(QString::fromStdString(shell::format_bytes(shell::kMaxSessionBytes)))};
}

// Prefixes the session's own errors (JSON syntax, shapes, parameters) with where it came from.
template <class F>
auto from(const std::string& source, F&& work)
{
    try {
        return work();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(source.empty() ? std::string(e.what()) : source + ": " + e.what());
    }
}

}  // namespace

int run_compute(const QStringList& args)
{
    QString preset;
    bool compact = false, list = false;
    shell::OptionParser parser(usage());
    parser.choice(QStringLiteral("--preset"), QStringLiteral("NAME"), preset_names(), &preset,
                  QStringLiteral("compute a built-in preset instead of a file"), QStringLiteral("preset"))
        .flag(QStringLiteral("--list-presets"), &list, QStringLiteral("print the preset names, one per line"))
        .flag(QStringLiteral("--compact"), &compact, QStringLiteral("print the result on one line (default: indented)"));

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        if (list) {
            for (const QString& name : preset_names()) std::printf("%s\n", qPrintable(name));
            return shell::kExitOk;
        }
        const QStringList& files = parsed.positionals;
        if (files.size() > 1)
            throw std::invalid_argument("more than one input: " + files[0].toStdString() + " and " +
                                        files[1].toStdString());
        if (files.isEmpty() == preset.isEmpty())
            throw std::invalid_argument(files.isEmpty()
                                            ? "no input (give FILE.json, - or --preset NAME; see attnviz compute --help)"
                                            : "give either a file or --preset, not both");

        Session session;
        std::string source;  // where the session came from, to start its error messages with
        if (!preset.isEmpty()) {
            session = load_preset(preset);
        } else {
            const QString& file = files[0];
            source = file == QLatin1String("-") ? std::string("stdin") : file.toStdString();
            const QByteArray text = shell::read_capped(file, shell::kMaxSessionBytes, "a session");
            session = from(source, [&] {
                return parse_session(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
            });
        }
        // Scores, logits, weights and output for every cell, then their JSON text (~24 bytes a number).
        const double cells = static_cast<double>(result_query_rows(session)) * static_cast<double>(session.keys.rows());
        const shell::MemoryDemand demand(std::to_string(result_query_rows(session)) + "x" +
                                             std::to_string(session.keys.rows()) + " attention weights",
                                         cells * (4 * 8 + 4 * 24));
        const ComputeOutcome outcome = from(source, [&] { return compute_session(session); });
        const std::string json = result_to_json(session, outcome, compact ? -1 : 2);
        if (!print_line(json)) return shell::report_failure(parser.usage().command, "could not write to standard output");
        return shell::kExitOk;
    });
}

}  // namespace attnviz::cli
