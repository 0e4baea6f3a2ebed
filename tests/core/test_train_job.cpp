// SPDX-License-Identifier: GPL-3.0-or-later
// seq2seq::TrainJob, the one training job of `attnviz train` and the Train tab: the per-dataset
// defaults, train_seq2seq on nn::train_loop against the loop it replaced (bit for bit), the job
// against the command line (same numbers, same saved bytes), the callbacks and probe snapshots,
// the metadata's one format, stop, and bad jobs.
#include "../app/attnviz_process.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/train_job.hpp"
#include "attnviz/core/seq2seq/whatif.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <numeric>

using namespace attnviz;
using namespace attnviz::seq2seq;

namespace {

ModelConfig small_config()
{
    ModelConfig c;
    c.embed = 16;
    c.hidden = 16;
    c.layers = 1;
    return c;
}

// The training loop train_seq2seq had before it ran on nn::train_loop (commit d8d070e's
// trainer.cpp, its statistics trimmed to the losses): the reference the new one must equal.
template <class S>
std::vector<double> reference_train(Seq2SeqModel<S>& model, const TranslationData& data, const TrainOptions& o)
{
    const int N = data.size(), T = data.num_steps, B = std::min(o.batch_size, N);
    nn::ParamList<S> params = model.parameters();
    nn::Adam<S> adam(params, o.lr);
    Rng rng(o.seed);
    std::vector<int> order(static_cast<std::size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    std::vector<int> src(static_cast<std::size_t>(B) * T), tgt(src.size()), src_valid(B), tgt_valid(B);
    std::vector<double> losses;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        for (int i = N; i > 1; --i) std::swap(order[i - 1], order[rng.below(static_cast<std::uint64_t>(i))]);
        double loss_sum = 0.0;
        long long tokens = 0;
        for (int first = 0; first < N; first += B) {
            const int b_count = std::min(B, N - first);
            for (int b = 0; b < b_count; ++b) {
                const int row = order[first + b];
                std::copy_n(&data.src[static_cast<std::size_t>(row) * T], T, &src[static_cast<std::size_t>(b) * T]);
                std::copy_n(&data.tgt[static_cast<std::size_t>(row) * T], T, &tgt[static_cast<std::size_t>(b) * T]);
                src_valid[b] = data.src_valid[row];
                tgt_valid[b] = data.tgt_valid[row];
                tokens += tgt_valid[b];
            }
            const BatchView view{b_count, T, src.data(), src_valid.data(), tgt.data(), tgt_valid.data(),
                                 data.tgt_vocab.bos()};
            adam.zero_grad();
            loss_sum += model.loss_and_grad(view, &rng);
            nn::clip_grad_norm(params, o.clip);
            adam.step();
        }
        losses.push_back(tokens ? loss_sum / static_cast<double>(tokens) : 0.0);
    }
    return losses;
}

// A small tab-separated file in the manythings format (English, French, attribution).
QString write_pairs_file(const QTemporaryDir& dir)
{
    const SentencePairs pairs = generate_toy_fr(80, 5);
    QByteArray text;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        TokenList target = pairs.target[i];
        if (!target.empty() && target.back() == "<eos>") target.pop_back();
        auto join = [](const TokenList& t) {
            std::string s;
            for (const auto& w : t) s += (s.empty() ? "" : " ") + w;
            return s;
        };
        text += QByteArray::fromStdString(join(pairs.source[i]) + "\t" + join(target) + "\tCC-BY 2.0\n");
    }
    const QString path = dir.filePath(QStringLiteral("pairs.txt"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size()) qFatal("cannot write %s", qPrintable(path));
    return path;
}

QByteArray file_bytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestTrainJob : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void defaults_per_dataset()
    {
        const TrainJob file = default_train_job("file");
        QCOMPARE(file.dataset, std::string("file"));
        QCOMPARE(file.examples, 600);
        QCOMPARE(file.options.epochs, 250);
        QCOMPARE(file.num_steps, 10);
        QCOMPARE(file.snapshot_every, 5);  // 250 / 50
        QCOMPARE(file.probe, std::string("i lost ."));
        QCOMPARE(default_train_job("/data/fra.txt").dataset, std::string("file"));  // any other name: a file

        for (const char* name : {"toy-fr", "reverse"}) {
            const TrainJob j = default_train_job(name);
            QCOMPARE(j.dataset, std::string(name));
            QCOMPARE(j.examples, 2000);
            QCOMPARE(j.options.epochs, 40);
            QCOMPARE(j.num_steps, generated_dataset_num_steps(name));
            QCOMPARE(j.snapshot_every, 1);
            QVERIFY(!j.probe.empty());
        }
        const TrainJob dates = default_train_job("dates");
        QCOMPARE(dates.examples, 4000);
        QCOMPARE(dates.options.epochs, 30);
        QCOMPARE(dates.num_steps, generated_dataset_num_steps("dates"));
        QVERIFY(dates.num_steps > 10);  // dates are read character by character
        QVERIFY(is_character_dataset("dates") && !is_character_dataset("toy-fr"));

        // The book's optimiser settings and model, whatever the dataset.
        const TrainJob toy = default_train_job("toy-fr");
        QCOMPARE(toy.options.batch_size, 64);
        QCOMPARE(toy.options.lr, 0.005);
        QCOMPARE(toy.options.clip, 1.0);
        QCOMPARE(toy.options.seed, std::uint64_t(0));
        QCOMPARE(toy.held_out, 0.1);
        QCOMPARE(toy.config.embed, ModelConfig{}.embed);
        QCOMPARE(default_snapshot_every(10), 1);
        QCOMPARE(default_snapshot_every(120), 2);
    }

    void train_seq2seq_equals_the_loop_it_replaced()
    {
        // 150 pairs in batches of 32 (the last one 22), dropout on: every Rng draw must line up.
        const TranslationData data = build_translation_data(generate_toy_fr(150, 1), 10);
        for (std::uint64_t seed : {0u, 7u}) {
            TrainOptions o;
            o.epochs = 3;
            o.batch_size = 32;
            o.seed = seed;
            auto reference = make_d2l_model<float>(data, small_config(), 5);
            const std::vector<double> want = reference_train(reference, data, o);
            auto model = make_d2l_model<float>(data, small_config(), 5);
            std::vector<double> got;
            const TrainResult r = train_seq2seq(model, data, o, nullptr, [&](const EpochStats& s) {
                got.push_back(s.loss);
                QCOMPARE(s.token_loss, s.loss * data.num_steps);
            });
            QCOMPARE(got, want);  // exact: the same operations in the same order
            QCOMPARE(r.final_loss, want.back());
            for (const auto* name : {"decoder.dense.weight", "encoder.rnn.weight_hh_l0", "encoder.embedding.weight"})
                QVERIFY2(model.find(name)->value == reference.find(name)->value, name);
        }
    }

    void the_job_matches_the_command_line()
    {
        const QString pairs = write_pairs_file(dir_);
        struct Case {
            QStringList args;
            TrainJob job;
        };
        TrainJob reverse = default_train_job("reverse");
        reverse.examples = 300;
        reverse.options.epochs = 3;
        reverse.options.seed = 4;  // the probe stays on: decoding it must not disturb training
        TrainJob file = default_train_job("file");
        file.file = pairs.toStdString();
        file.examples = 60;
        file.options.epochs = 4;
        file.options.seed = 2;
        file.options.batch_size = 16;
        file.held_out = 0.2;
        const std::vector<Case> cases = {
            {{"--data", "reverse", "--examples", "300", "--epochs", "3", "--seed", "4"}, reverse},
            {{"--data", pairs, "--examples", "60", "--epochs", "4", "--seed", "2", "--batch", "16", "--held-out", "0.2"},
             file}};
        int n = 0;
        for (const Case& c : cases) {
            const QString cli_model = dir_.filePath(QStringLiteral("cli%1.safetensors").arg(n));
            const QString core_model = dir_.filePath(QStringLiteral("core%1.safetensors").arg(n++));
            const attnviz_test::Run run =
                attnviz_test::run_attnviz(QStringList{"train"} + c.args + QStringList{"--quiet", "--save", cli_model});
            QCOMPARE(run.exit_code, 0);
            const QJsonObject o = attnviz_test::parse_json_object(run.out.trimmed());

            TrainJobOutcome outcome = run_train_job(c.job);
            save_trained_model(core_model.toStdString(), outcome);
            // Exact: the JSON line writes doubles so that they read back to the same value.
            QCOMPARE(o.value("final_loss").toDouble(), outcome.result.final_loss);
            QVERIFY(outcome.bleu.has_value());
            QCOMPARE(o.value("bleu").toDouble(), *outcome.bleu);
            QCOMPARE(o.value("epochs").toInt(), outcome.result.epochs_done);
            QCOMPARE(o.value("src_vocab").toInt(), outcome.model.src_vocab.size());
            QCOMPARE(o.value("tgt_vocab").toInt(), outcome.model.tgt_vocab.size());
            QCOMPARE(o.value("train_pairs").toInt(), outcome.train_pairs);
            QCOMPARE(o.value("held_out_pairs").toInt(), outcome.held_out_pairs);
            // The same weights, vocabularies and metadata: the same file, byte for byte.
            const QByteArray a = file_bytes(cli_model), b = file_bytes(core_model);
            QVERIFY(!a.isEmpty());
            QVERIFY(a == b);
        }
    }

    void metadata_has_one_format()
    {
        TrainJob job = default_train_job("reverse");
        job.examples = 123;
        job.options.seed = 9;
        TrainResult r;
        r.epochs_done = 7;
        r.final_loss = 0.1 + 0.2;  // 0.30000000000000004: six decimals would lose it
        const auto m = train_job_metadata(job, r);
        QCOMPARE(m.at("dataset"), std::string("reverse"));
        QCOMPARE(m.at("examples"), std::string("123"));
        QCOMPARE(m.at("epochs"), std::string("7"));
        QCOMPARE(m.at("seed"), std::string("9"));
        QCOMPARE(m.at("final_loss"), std::string("0.30000000000000004"));
        QCOMPARE(json::parse(m.at("final_loss")).as_number(), r.final_loss);  // reads back exactly
        QCOMPARE(m.at("final_loss"), json::dump(json::Value(r.final_loss)));
        r.final_loss = 0.0051;
        QCOMPARE(train_job_metadata(job, r).at("final_loss"), std::string("0.0051"));
        job.dataset = "file";
        job.file = "/somewhere/fra.txt";
        QCOMPARE(train_job_metadata(job, r).at("dataset"), std::string("file"));

        // A trained model carries exactly this metadata, and it survives a save and a load.
        TrainJob small = default_train_job("reverse");
        small.examples = 100;
        small.options.epochs = 1;
        small.config = small_config();
        TrainJobOutcome out = run_train_job(small);
        QVERIFY(out.model.metadata == train_job_metadata(small, out.result));
        const QString path = dir_.filePath(QStringLiteral("meta.safetensors"));
        save_trained_model(path.toStdString(), out);
        const LoadedModel loaded = load_model(path.toStdString());
        QCOMPARE(loaded.metadata.at("final_loss"), json::dump(json::Value(out.result.final_loss)));
        QCOMPARE(std::stod(loaded.metadata.at("final_loss")), out.result.final_loss);
    }

    void callbacks_and_probe_snapshots()
    {
        TrainJob job = default_train_job("reverse");
        job.examples = 200;
        job.options.epochs = 5;
        job.snapshot_every = 2;
        job.config = small_config();
        std::vector<std::string> events;
        std::vector<double> epoch_losses;
        std::vector<ProbeSnapshot> snaps;
        PreparedInfo info;
        TrainJobCallbacks cb;
        cb.on_prepared = [&](const PreparedInfo& p) {
            events.push_back("prepared");
            info = p;
        };
        cb.on_epoch = [&](const EpochStats& s) {
            events.push_back("epoch " + std::to_string(s.epoch));
            epoch_losses.push_back(s.loss);
        };
        cb.on_snapshot = [&](const ProbeSnapshot& s) {
            events.push_back("snapshot " + std::to_string(s.epoch));
            snaps.push_back(s);
        };
        const TrainJobOutcome out = run_train_job(job, nullptr, cb);
        // Snapshots after epoch 1, every 2nd and the last, each right after its epoch.
        const std::vector<std::string> want = {"prepared", "epoch 1", "snapshot 1", "epoch 2", "snapshot 2", "epoch 3",
                                               "epoch 4",  "snapshot 4", "epoch 5", "snapshot 5"};
        QCOMPARE(events, want);
        QCOMPARE(info.train_pairs, 180);
        QCOMPARE(info.held_out_pairs, 20);
        QCOMPARE(info.train_pairs, out.train_pairs);
        QCOMPARE(info.src_vocab, out.model.src_vocab.size());
        QCOMPARE(info.tgt_vocab, out.model.tgt_vocab.size());
        QCOMPARE(snaps[2].loss, epoch_losses[3]);
        QCOMPARE(snaps[0].translation.source_input, (TokenList{"a", "b", "c", "d", "e", "f", "<eos>"}));
        for (const ProbeSnapshot& s : snaps)
            for (const DecodeStep& step : s.translation.steps) {
                QCOMPARE(step.attention.size(), std::size_t(7));
                const double sum = std::accumulate(step.attention.begin(), step.attention.end(), 0.0);
                QVERIFY(std::abs(sum - 1.0) < 1e-5);  // float attention rows, summed in double
            }
        QVERIFY(out.snapshot_seconds > 0);
        QVERIFY(out.wall_seconds >= out.result.seconds + out.snapshot_seconds);
        QCOMPARE(out.result.final_loss, epoch_losses.back());

        // No probe: no snapshots. A character-level probe is spelled out (and trimmed).
        job.probe.clear();
        job.options.epochs = 1;
        snaps.clear();
        run_train_job(job, nullptr, cb);
        QVERIFY(snaps.empty());
        TrainJob dates = default_train_job("dates");
        dates.examples = 100;
        dates.options.epochs = 1;
        dates.config = small_config();
        dates.probe = "  1/2/2003 \n";
        run_train_job(dates, nullptr, cb);
        QCOMPARE(snaps.size(), std::size_t(1));
        QCOMPARE(snaps[0].translation.source_input,
                 (TokenList{"1", "/", "2", "/", "2", "0", "0", "3", "<eos>"}));
    }

    void stopping()
    {
        TrainJob job = default_train_job("reverse");
        job.examples = 200;
        job.options.epochs = 50;
        job.config = small_config();
        // Stopped before any epoch: no BLEU to give.
        nn::TrainControl before;
        TrainJobCallbacks cb;
        cb.on_prepared = [&](const PreparedInfo&) { before.stop(); };
        const TrainJobOutcome a = run_train_job(job, &before, cb);
        QVERIFY(a.result.stopped);
        QCOMPARE(a.result.epochs_done, 0);
        QVERIFY(!a.bleu.has_value());
        QCOMPARE(a.model.metadata.at("epochs"), std::string("0"));
        // Stopped after two epochs: the model as it is then, scored.
        nn::TrainControl after;
        TrainJobCallbacks cb2;
        cb2.on_epoch = [&](const EpochStats& s) {
            if (s.epoch == 2) after.stop();
        };
        const TrainJobOutcome b = run_train_job(job, &after, cb2);
        QVERIFY(b.result.stopped);
        QCOMPARE(b.result.epochs_done, 2);
        QVERIFY(b.bleu.has_value());
        QCOMPARE(b.model.metadata.at("epochs"), std::string("2"));
    }

    void bad_jobs_say_what_is_wrong()
    {
        auto message = [](const TrainJob& job) -> std::string {
            try {
                prepare_train_data(job);
            } catch (const std::invalid_argument& e) {
                return e.what();
            }
            return "(no exception)";
        };
        TrainJob missing = default_train_job("file");
        missing.file = dir_.filePath(QStringLiteral("no-such-file.txt")).toStdString();
        QVERIFY2(message(missing).find("no-such-file.txt") != std::string::npos, message(missing).c_str());

        const QString empty = dir_.filePath(QStringLiteral("empty.txt"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("no tabs here\n");
        f.close();
        TrainJob none = default_train_job("file");
        none.file = empty.toStdString();
        QCOMPARE(message(none), empty.toStdString() + ": no tab-separated sentence pairs");

        TrainJob no_file = default_train_job("file");
        QVERIFY2(message(no_file).find("no sentence-pair file") != std::string::npos, message(no_file).c_str());
        TrainJob unknown = default_train_job("toy-fr");
        unknown.dataset = "cats";
        QVERIFY2(message(unknown).find("'cats'") != std::string::npos, message(unknown).c_str());
        for (double h : {1.0, -0.1}) {
            TrainJob held = default_train_job("toy-fr");
            held.held_out = h;
            QVERIFY2(message(held).find("held_out") != std::string::npos, message(held).c_str());
        }
        TrainJob zero = default_train_job("toy-fr");
        zero.examples = 0;
        QVERIFY2(message(zero).find("examples ≥ 1") != std::string::npos, message(zero).c_str());
        TrainJob every = default_train_job("toy-fr");
        every.snapshot_every = 0;
        QVERIFY2(message(every).find("snapshot_every") != std::string::npos, message(every).c_str());

        // Bad options reach train_seq2seq's check; a learning rate that blows up is a failure.
        TrainJob lr = default_train_job("reverse");
        lr.examples = 100;
        lr.options.epochs = 1;
        lr.options.lr = 0.0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run_train_job(lr));
        lr.options.lr = 1e37;  // Adam moves every weight by ~lr: float products overflow, inf − inf = NaN
        lr.options.epochs = 2;
        try {
            run_train_job(lr);
            QFAIL("no TrainingDiverged");
        } catch (const TrainingDiverged& e) {
            QCOMPARE(std::string(e.what()), std::string("the loss diverged (nan): try a smaller learning rate"));
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainJob)
#include "test_train_job.moc"
