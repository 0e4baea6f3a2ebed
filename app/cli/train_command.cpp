// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz train --data FILE|dates|toy-fr|reverse [--examples N] [--epochs N] [--seed S]
//                [--held-out F] [--save model.safetensors]`: trains the d2l seq2seq model with
// Bahdanau attention in the foreground; progress on standard error, then one JSON line. The job
// itself (defaults, data, training, BLEU, metadata, saving) is core's seq2seq::TrainJob, which
// the seq2seq window's Train tab runs too; this file parses the options and prints.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"
#include "shell/limits.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/train_job.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    using namespace shell;
    return {QStringLiteral("train"), QStringLiteral("attnviz train"),
            QStringLiteral("attnviz train --data FILE|dates|toy-fr|reverse [--examples N] [--epochs N] [--seed S]\n"
                           "                     [--held-out F] [--steps N] [--batch N] [--lr X] [--save MODEL]"),
            QStringLiteral(
                "Trains the d2l (v0.17) seq2seq model with Bahdanau attention: GRU encoder and decoder,\n"
                "embed 32, hidden 32, 2 layers, dropout 0.1, Adam, gradient clipping at 1. Progress goes to\n"
                "standard error; at the end one JSON line on standard output: epochs, seconds,\n"
                "tokens_per_second, final_loss (d2l's metric: summed loss / target tokens), src_vocab,\n"
                "tgt_vocab, train_pairs, held_out_pairs and bleu (d2l's BLEU, k = 2, mean over the held-out\n"
                "pairs with greedy decoding; null when nothing is held out).\n"
                "\n"
                "Data:\n"
                "  --data FILE     tab-separated sentence pairs (Tatoeba / manythings format), d2l's pipeline\n"
                "  --data dates    generated: dates in many formats -> ISO YYYY-MM-DD (character tokens)\n"
                "  --data toy-fr   generated: a small English -> French grammar (adjectives move)\n"
                "  --data reverse  generated: symbol sequences -> the same reversed\n"
                "\n"
                "Defaults: FILE 600 examples, 250 epochs, the book's; toy-fr and reverse 2000 examples,\n"
                "40 epochs; dates 4000 examples, 30 epochs.\n"),
            QStringLiteral("Limits (each about 1 GB of memory; a larger request is refused before any memory\n"
                           "is taken): a FILE of at most %1; at most %2 examples; examples x steps at most\n"
                           "%3 padded tokens; batch x steps at most %4 tokens a batch; steps at most %5\n"
                           "(the longest model a file may hold).\n"
                           "\n"
                           "Exit status: 0 on success, 1 when training or saving fails, 2 for wrong arguments or data.\n")
                .arg(QString::fromStdString(format_bytes(kMaxTrainFileBytes)))
                .arg(kMaxTrainExamples)
                .arg(kMaxTrainTokens)
                .arg(kMaxBatchTokens)
                .arg(kMaxDecoderSteps)};
}

struct Request {
    QString data, save;
    std::optional<int> examples, epochs, steps;
    long long seed = 0;
    int batch = 64;
    double held_out = 0.1, lr = 0.005;
    bool quiet = false;
};

// "--examples 1000000 x --steps 1000 = 1000000000 padded tokens is over the limit of 100000000"
void require_product(const char* a, long long x, const char* b, long long y, const char* what, long long limit)
{
    if (x * y > limit)
        throw std::invalid_argument(std::string(a) + " " + std::to_string(x) + " x " + b + " " + std::to_string(y) +
                                    " = " + std::to_string(x * y) + " " + what + " is over the limit of " +
                                    std::to_string(limit));
}

// Trains as `job` says and prints the JSON line; exit status 1 when training or saving fails.
int train(const Request& r, const seq2seq::TrainJob& job, seq2seq::PreparedData data)
{
    using namespace seq2seq;
    const int every = std::max(1, job.options.epochs / 25);
    TrainJobCallbacks callbacks;
    callbacks.on_epoch = [&](const EpochStats& s) {
        if (r.quiet || (s.epoch % every != 0 && s.epoch != s.epochs && s.epoch != 1)) return;
        std::fprintf(stderr, "epoch %d/%d  loss %.4f  %.0f tokens/s  %.1f s\n", s.epoch, s.epochs, s.loss,
                     s.tokens_per_second, s.total_seconds);
    };
    TrainJobOutcome outcome = train_prepared(job, std::move(data), nullptr, callbacks);
    const TrainResult& result = outcome.result;
    if (!r.save.isEmpty()) save_trained_model(r.save.toStdString(), outcome);
    json::Value out = json::Object{};
    out["epochs"] = result.epochs_done;
    out["seconds"] = result.seconds;
    out["tokens_per_second"] = result.tokens_per_second;
    out["final_loss"] = result.final_loss;
    out["src_vocab"] = outcome.model.src_vocab.size();
    out["tgt_vocab"] = outcome.model.tgt_vocab.size();
    out["train_pairs"] = outcome.train_pairs;
    out["held_out_pairs"] = outcome.held_out_pairs;
    out["bleu"] = outcome.bleu ? json::Value(*outcome.bleu) : json::Value();  // null: nothing held out
    if (!r.save.isEmpty()) out["saved"] = r.save.toStdString();
    if (!print_json(out)) return shell::report_failure(QStringLiteral("train"), "could not write to standard output");
    return shell::kExitOk;
}

}  // namespace

int run_train(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.text(QStringLiteral("--data"), QStringLiteral("D"), &r.data,
                QStringLiteral("a FILE, dates, toy-fr or reverse (above; required)"))
        .integer(QStringLiteral("--examples"), QStringLiteral("N"), &r.examples, {1, shell::kMaxTrainExamples},
                 QStringLiteral("a FILE's first lines as the book reads them (N = 600 reads 601 lines), or\n"
                                "the number of generated pairs"))
        .integer(QStringLiteral("--epochs"), QStringLiteral("N"), &r.epochs, {0}, QStringLiteral("training epochs"))
        .integer(QStringLiteral("--seed"), QStringLiteral("S"), &r.seed, {0},
                 QStringLiteral("initialisation, shuffling, dropout and the held-out split (default 0)"))
        .real(QStringLiteral("--held-out"), QStringLiteral("F"), &r.held_out, shell::RealRange{.min = 0, .max = 1, .maxOpen = true},
              QStringLiteral("fraction of the pairs kept out of training for BLEU (default 0.1; 0 trains\n"
                             "on everything, the book's setting)"))
        .integer(QStringLiteral("--steps"), QStringLiteral("N"), &r.steps, {1, shell::kMaxDecoderSteps},
                 QStringLiteral("padded sequence length (default 10; dates 32)"))
        .integer(QStringLiteral("--batch"), QStringLiteral("N"), &r.batch, {1, shell::kMaxBatchTokens},
                 QStringLiteral("batch size (default 64)"))
        .real(QStringLiteral("--lr"), QStringLiteral("X"), &r.lr, shell::RealRange{.min = 0, .minOpen = true},
              QStringLiteral("Adam learning rate (default 0.005)"))
        .text(QStringLiteral("--save"), QStringLiteral("MODEL"), &r.save,
              QStringLiteral("write the trained model as safetensors (d2l state_dict names, vocabularies\n"
                             "and hyper-parameters in __metadata__)"))
        .flag(QStringLiteral("--quiet"), &r.quiet, QStringLiteral("no progress on standard error"))
        .noPositionals();

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result&) {
        if (r.data.isEmpty()) throw std::invalid_argument("no --data given (a FILE, dates, toy-fr or reverse)");

        // The job: the dataset's defaults (seq2seq::default_train_job), then what was asked.
        using namespace seq2seq;
        const std::string data = r.data.toStdString();
        TrainJob job = default_train_job(data);
        if (!is_generated_dataset(data)) {
            // Read whole by the job: a FIFO would block, a directory cannot be read, and the
            // size is capped before any of it is read.
            shell::require_regular_file(r.data, shell::kMaxTrainFileBytes, "a sentence-pair file");
            job.file = data;
        }
        if (r.examples) job.examples = *r.examples;
        if (r.epochs) job.options.epochs = *r.epochs;
        if (r.steps) job.num_steps = *r.steps;
        job.options.batch_size = r.batch;
        job.options.lr = r.lr;
        job.options.seed = static_cast<std::uint64_t>(r.seed);
        job.held_out = r.held_out;
        job.probe.clear();  // no probe snapshots on the command line
        // What the data and one batch take, bounded before either is built.
        require_product("--examples", job.examples, "--steps", job.num_steps, "padded tokens", shell::kMaxTrainTokens);
        require_product("--batch", job.options.batch_size, "--steps", job.num_steps, "tokens a batch",
                        shell::kMaxBatchTokens);
        // The measured costs of limits.hpp, named should memory still run out.
        const shell::MemoryDemand demand(
            std::to_string(job.examples) + " examples of " + std::to_string(job.num_steps) + " steps and batches of " +
                std::to_string(job.options.batch_size),
            job.examples * (1000.0 + 9.0 * job.num_steps) + 4000.0 * job.options.batch_size * job.num_steps);
        PreparedData prepared = prepare_train_data(job);  // bad data: std::invalid_argument, exit 2

        // From here a failure is the work's, not the input's: exit 1, as the help says.
        try {
            return train(r, job, std::move(prepared));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(e.what());
        }
    });
}

}  // namespace attnviz::cli
