// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz train --data FILE|dates|toy-fr|reverse [--examples N] [--epochs N] [--seed S]
//                [--held-out F] [--save model.safetensors]`: trains the d2l seq2seq model with
// Bahdanau attention in the foreground; progress on standard error, then one JSON line. The job
// itself (defaults, data, training, BLEU, metadata, saving) is core's seq2seq::TrainJob, which
// the seq2seq window's Train tab runs too; this file parses the options and prints.
#include "cli/command_line.hpp"
#include "cli/commands.hpp"

#include "cli/cli_output.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/train_job.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

constexpr const char* kHelp =
    "Usage: attnviz train --data FILE|dates|toy-fr|reverse [--examples N] [--epochs N] [--seed S]\n"
    "                     [--held-out F] [--steps N] [--batch N] [--lr X] [--save MODEL]\n"
    "\n"
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
    "Options (defaults: FILE 600 examples, 250 epochs, the book's; toy-fr and reverse 2000\n"
    "examples, 40 epochs; dates 4000 examples, 30 epochs):\n"
    "  --examples N   a FILE's first lines as the book reads them (N = 600 reads 601 lines), or\n"
    "                 the number of generated pairs\n"
    "  --epochs N     training epochs\n"
    "  --seed S       initialisation, shuffling, dropout and the held-out split (default 0)\n"
    "  --held-out F   fraction of the pairs kept out of training for BLEU (default 0.1; 0 trains\n"
    "                 on everything, the book's setting)\n"
    "  --steps N      padded sequence length (default 10; dates 32)\n"
    "  --batch N      batch size (default 64)\n"
    "  --lr X         Adam learning rate (default 0.005)\n"
    "  --save MODEL   write the trained model as safetensors (d2l state_dict names, vocabularies\n"
    "                 and hyper-parameters in __metadata__)\n"
    "  --quiet        no progress on standard error\n"
    "  -h, --help     show this text\n"
    "\n"
    "Exit status: 0 on success, 1 when training or saving fails, 2 for wrong arguments or data.\n";

struct Request {
    std::string data, save;
    std::optional<long long> examples, epochs, steps;
    long long seed = 0, batch = 64;
    double held_out = 0.1, lr = 0.005;
    bool quiet = false;
};

std::optional<long long> integer(const QString& s, long long min)
{
    bool ok = false;
    const qlonglong v = s.toLongLong(&ok);
    if (!ok || v < min) return std::nullopt;
    return v;
}

std::optional<double> number(const QString& s)
{
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace

int run_train(const QStringList& args)
{
    Request r;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(kHelp, stdout);
            return kExitOk;
        }
        if (a == QLatin1String("--quiet")) {
            r.quiet = true;
            continue;
        }
        QString name = a, value;
        if (const qsizetype eq = a.indexOf(QLatin1Char('=')); a.startsWith(QLatin1String("--")) && eq > 0) {
            name = a.left(eq);
            value = a.mid(eq + 1);
        } else if (a.startsWith(QLatin1String("--"))) {
            if (i + 1 >= args.size()) return report_bad_input("train", a.toStdString() + " needs a value");
            value = args[++i];
        } else {
            return report_bad_input("train", "unexpected argument '" + a.toStdString() + "' (see attnviz train --help)");
        }
        const std::string n = name.toStdString(), v = value.toStdString();
        auto need_int = [&](long long min, auto& target) -> bool {
            const auto x = integer(value, min);
            if (!x) return false;
            target = *x;
            return true;
        };
        bool ok = true;
        if (n == "--data") r.data = v;
        else if (n == "--save") r.save = v;
        else if (n == "--examples") ok = need_int(1, r.examples);
        else if (n == "--epochs") ok = need_int(0, r.epochs);
        else if (n == "--steps") ok = need_int(1, r.steps);
        else if (n == "--seed") ok = need_int(0, r.seed);
        else if (n == "--batch") ok = need_int(1, r.batch);
        else if (n == "--held-out") {
            const auto x = number(value);
            ok = x && *x >= 0.0 && *x < 1.0;
            if (ok) r.held_out = *x;
        } else if (n == "--lr") {
            const auto x = number(value);
            ok = x && *x > 0.0;
            if (ok) r.lr = *x;
        } else {
            return report_bad_input("train", "unknown option " + n + " (see attnviz train --help)");
        }
        if (!ok) return report_bad_input("train", n + ": invalid value '" + v + "'");
    }
    if (r.data.empty()) return report_bad_input("train", "no --data given (a FILE, dates, toy-fr or reverse)");

    // The job: the dataset's defaults (seq2seq::default_train_job), then what was asked.
    using namespace seq2seq;
    TrainJob job = default_train_job(r.data);
    if (!is_generated_dataset(r.data)) job.file = r.data;
    if (r.examples) job.examples = static_cast<int>(*r.examples);
    if (r.epochs) job.options.epochs = static_cast<int>(*r.epochs);
    if (r.steps) job.num_steps = static_cast<int>(*r.steps);
    job.options.batch_size = static_cast<int>(r.batch);
    job.options.lr = r.lr;
    job.options.seed = static_cast<std::uint64_t>(r.seed);
    job.held_out = r.held_out;
    job.probe.clear();  // no probe snapshots on the command line
    PreparedData data;
    try {
        data = prepare_train_data(job);
    } catch (const std::invalid_argument& e) {
        return report_bad_input("train", e.what());
    }

    try {
        const int every = std::max(1, job.options.epochs / 25);
        TrainJobCallbacks callbacks;
        callbacks.on_epoch = [&](const EpochStats& s) {
            if (r.quiet || (s.epoch % every != 0 && s.epoch != s.epochs && s.epoch != 1)) return;
            std::fprintf(stderr, "epoch %d/%d  loss %.4f  %.0f tokens/s  %.1f s\n", s.epoch, s.epochs, s.loss,
                         s.tokens_per_second, s.total_seconds);
        };
        TrainJobOutcome outcome = train_prepared(job, std::move(data), nullptr, callbacks);
        const TrainResult& result = outcome.result;
        if (!r.save.empty()) save_trained_model(r.save, outcome);
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
        if (!r.save.empty()) out["saved"] = r.save;
        if (!print_json(out)) return report_failure("train", "could not write to standard output");
        return kExitOk;
    } catch (const std::exception& e) {
        return report_failure("train", e.what());
    }
}

}  // namespace attnviz::cli
