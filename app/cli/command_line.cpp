// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/command_line.hpp"

#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/gui_main.hpp"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <cstring>
#include <string_view>

namespace attnviz::cli {

namespace {

struct CommandEntry {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);  // args exclude the program and command names
};

// One row per command-line mode; `attnviz --help` is generated from this table.
constexpr CommandEntry kCommands[] = {
    {"compute", "compute attention for a session file or preset, print JSON", run_compute},
    {"inspect", "open an attention file (.npy, .safetensors, JSON), print JSON", run_inspect},
    {"train", "train the d2l seq2seq model with Bahdanau attention, print JSON", run_train},
    {"train-transformer", "train the Transformer lab's GPT-2 model on a task or text, print JSON", run_train_transformer},
    {"translate", "translate sentences with a trained model, print JSON per sentence", run_translate},
    {"run", "run a Hugging Face checkpoint over text or token ids, print JSON", run_run},
    {"tokenize", "encode text with a Hugging Face tokenizer, print JSON per text", run_tokenize},
    {"screenshot", "render the GUI (or one panel) offscreen to a PNG", run_screenshot},
};

}  // namespace

QString usage_text()
{
    QString text;
    QTextStream out(&text);
    out << "attnviz " << ATTNVIZ_VERSION << " — attention mechanisms, visible and touchable\n\n"
        << "Usage:\n"
        << "  attnviz                 open the GUI on the default example\n"
        << "  attnviz FILE            open a session (.json), attention tensors (.npy,\n"
        << "                          .safetensors) or a seq2seq model in the GUI\n"
        << "  attnviz DIR             open a Hugging Face checkpoint folder (or its config.json)\n"
        << "                          in the model window\n"
        << "  attnviz COMMAND [ARGS]  run a command-line mode\n"
        << "  attnviz COMMAND --help  describe one command\n\n"
        << "Commands:\n";
    for (const CommandEntry& c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(12) << c.summary << '\n';
    out << "\nOptions:\n  -h, --help     show this text\n  -v, --version  show the version\n";
    return text;
}

int run(int argc, char** argv)
{
    if (argc >= 2) {
        const std::string_view first = argv[1];
        if (first == "--help" || first == "-h" || first == "help") {
            std::fputs(usage_text().toUtf8().constData(), stdout);
            return shell::kExitOk;
        }
        if (first == "--version" || first == "-v") {
            std::printf("attnviz %s\n", ATTNVIZ_VERSION);
            return shell::kExitOk;
        }
        for (const CommandEntry& c : kCommands) {
            if (first == c.name) {
                QStringList args;
                for (int i = 2; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
                return c.run(args);
            }
        }
        // `attnviz FILE` opens the file in the GUI; anything else that is not an option is a
        // mistyped command.
        if (!first.empty() && first[0] != '-' && !QFileInfo::exists(QString::fromLocal8Bit(argv[1]))) {
            std::fprintf(stderr, "attnviz: unknown command '%s' (see attnviz --help)\n", argv[1]);
            return shell::kExitBadInput;
        }
    }
    return gui::run_gui(argc, argv);
}

}  // namespace attnviz::cli
