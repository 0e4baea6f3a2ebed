// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz compute FILE.json | - | --preset NAME`: run one session, print the result as JSON.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"

#include "cli/cli_output.hpp"
#include "presets.hpp"

#include "attnviz/core/session.hpp"

#include <QFile>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

constexpr const char* kHelp =
    "Usage: attnviz compute FILE.json | - | --preset NAME [--compact]\n"
    "\n"
    "Computes attention for a session file (docs/session-format.md), standard input (-) or a\n"
    "built-in preset, and prints one JSON object on standard output: variant, scores, logits\n"
    "(masked entries null), weights, output, heads (multi_head), params (when generated from\n"
    "the seed) and warnings. Numbers are written in their shortest exact form.\n"
    "\n"
    "Options:\n"
    "  --preset NAME    compute a built-in preset instead of a file\n"
    "  --list-presets   print the preset names, one per line\n"
    "  --compact        print the result on one line (default: indented)\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 on success; 2 when the input or the arguments are wrong, with one line on\n"
    "standard error saying what and where (\"broken.json: params.W_q: expected 8x4, got 8x3\").\n";

// One line on stderr, whatever the message holds.
struct Request {
    QString file;    // a path, or "-" for standard input
    QString preset;  // or a preset name
    bool compact = false;
};

QByteArray read_input(const QString& path)
{
    QFile file;
    const bool ok = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                               : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!ok) throw std::invalid_argument("cannot read: " + file.errorString().toStdString());
    return file.readAll();
}

Session load(const Request& r)
{
    if (!r.preset.isEmpty()) return load_preset(r.preset);
    const QByteArray text = read_input(r.file);
    return parse_session(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
}

}  // namespace

int run_compute(const QStringList& args)
{
    Request request;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(kHelp, stdout);
            return kExitOk;
        }
        if (a == QLatin1String("--list-presets")) {
            for (const QString& name : preset_names()) std::printf("%s\n", qPrintable(name));
            return kExitOk;
        }
        if (a == QLatin1String("--compact")) {
            request.compact = true;
        } else if (a == QLatin1String("--preset") || a.startsWith(QLatin1String("--preset="))) {
            if (a == QLatin1String("--preset") && i + 1 >= args.size())
                return report_bad_input("compute", "--preset needs a name (known: " +
                                 preset_names().join(QStringLiteral(", ")).toStdString() + ")");
            request.preset = a == QLatin1String("--preset") ? args[++i] : a.mid(9);
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            return report_bad_input("compute", "unknown option " + a.toStdString() + " (see attnviz compute --help)");
        } else if (!request.file.isEmpty()) {
            return report_bad_input("compute", "more than one input: " + request.file.toStdString() + " and " +
                             a.toStdString());
        } else {
            request.file = a;
        }
    }
    if (request.file.isEmpty() == request.preset.isEmpty())
        return report_bad_input("compute", request.file.isEmpty() ? "no input (give FILE.json, - or --preset NAME; "
                                                  "see attnviz compute --help)"
                                                : "give either a file or --preset, not both");

    // Where the input came from, to start error messages with.
    const std::string source = request.preset.isEmpty()
                                   ? (request.file == QLatin1String("-") ? std::string("stdin")
                                                                         : request.file.toStdString())
                                   : std::string();
    try {
        const Session session = load(request);
        const ComputeOutcome outcome = compute_session(session);
        const std::string json = result_to_json(session, outcome, request.compact ? -1 : 2);
        if (!print_line(json)) return report_failure("compute", "could not write to standard output");
        return kExitOk;
    } catch (const std::invalid_argument& e) {
        return report_bad_input("compute", source.empty() ? e.what() : source + ": " + e.what());
    } catch (const std::exception& e) {
        return report_failure("compute", e.what());
    }
}

}  // namespace attnviz::cli
