// SPDX-License-Identifier: GPL-3.0-or-later
// A model file is untrusted input (issue 11): weights that are NaN, infinite or absurd are
// refused with the tensor's name; sizes from the tensors and the metadata are held to the
// documented limits (model_io.hpp) before the model's memory is taken; saving refuses what is
// not a regular file and replaces a symbolic link's target, not the link.
#include "attnviz/core/io/mapped_file.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>

using namespace attnviz;
using namespace attnviz::seq2seq;

namespace {

ModelConfig small_config(int layers = 1)
{
    ModelConfig c;
    c.src_vocab = 5;
    c.tgt_vocab = 6;
    c.embed = 2;
    c.hidden = 3;
    c.layers = layers;
    return c;
}

Vocab vocab(int n)
{
    std::vector<std::string> t{"<unk>", "<pad>", "<bos>", "<eos>"};
    while (static_cast<int>(t.size()) < n) t.push_back("w" + std::to_string(t.size()));
    return Vocab(t);
}

Seq2SeqModel<float> small_model(int layers = 1)
{
    Seq2SeqModel<float> m(small_config(layers));
    Rng rng(7);
    m.init_d2l(rng);
    return m;
}

LoadedModel load_bytes(std::vector<std::byte> bytes)
{
    return load_model(io::SafetensorsFile(std::make_shared<const io::MappedFile>(std::move(bytes), "m.safetensors")));
}

std::string refusal(std::vector<std::byte> bytes)
{
    try {
        load_bytes(std::move(bytes));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(loaded)";
}

// The small model's file with `patch` applied to a writer holding its tensors and metadata.
template <class Patch>
std::vector<std::byte> small_file_with(Patch patch, int num_steps = 10)
{
    Seq2SeqModel<float> m = small_model();
    patch(m);
    return model_bytes(m, vocab(5), vocab(6), num_steps);
}

}  // namespace

#define EXPECT_PARTS(message, ...)                                                                 \
    do {                                                                                           \
        const std::string msg_ = (message);                                                        \
        for (const char* part : {__VA_ARGS__})                                                     \
            QVERIFY2(msg_.find(part) != std::string::npos, (std::string("missing \"") + part +      \
                                                            "\" in: " + msg_).c_str());            \
    } while (false)

class TestModelLimits : public QObject {
    Q_OBJECT

private slots:
    void a_sound_file_loads()
    {
        const LoadedModel m = load_bytes(small_file_with([](Seq2SeqModel<float>&) {}, 1000));
        QCOMPARE(m.num_steps, 1000);  // the limit itself is allowed
        QCOMPARE(m.model.config().hidden, 3);
    }

    void parameter_count_matches_the_model()
    {
        // model_io's formula is what guards memory before the model exists: it must agree with
        // what Seq2SeqModel allocates, for one layer and several, and unequal sizes.
        for (const ModelConfig& c : {small_config(1), small_config(3), ModelConfig{7, 11, 4, 5, 2, 0.0}}) {
            Seq2SeqModel<float> m(c);
            std::int64_t n = 0;
            for (const Param<float>* p : m.parameters()) n += p->value.size();
            QCOMPARE(parameter_count(c), n);
        }
    }

    void non_finite_and_absurd_weights_name_the_tensor()
    {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        EXPECT_PARTS(refusal(small_file_with([&](Seq2SeqModel<float>& m) { m.dense.weight.value(2, 1) = nan; })),
                     "m.safetensors: tensor 'decoder.dense.weight' element 7 is nan",
                     "expected finite weights within ±1e+06");
        EXPECT_PARTS(refusal(small_file_with([&](Seq2SeqModel<float>& m) {
                         m.find("encoder.rnn.bias_hh_l0")->value(0, 4) = -inf;
                     })),
                     "tensor 'encoder.rnn.bias_hh_l0' element 4 is -inf");
        EXPECT_PARTS(refusal(small_file_with([&](Seq2SeqModel<float>& m) { m.enc_embedding.weight.value(0, 0) = 2e6f; })),
                     "tensor 'encoder.embedding.weight' element 0 is 2e+06");
        // The limit itself is a weight like any other.
        QCOMPARE(load_bytes(small_file_with([&](Seq2SeqModel<float>& m) { m.dec_embedding.weight.value(1, 1) = -1e6f; }))
                     .model.dec_embedding.weight.value(1, 1),
                 -1e6f);
    }

    void num_steps_is_bounded()
    {
        EXPECT_PARTS(refusal(small_file_with([](Seq2SeqModel<float>&) {}, 1000000000)),
                     "m.safetensors: __metadata__ \"num_steps\" must be an integer in [1, 1000], got \"1000000000\"");
        EXPECT_PARTS(refusal(small_file_with([](Seq2SeqModel<float>&) {}, 1001)), "got \"1001\"");
        EXPECT_PARTS(refusal(small_file_with([](Seq2SeqModel<float>&) {}, 0)), "got \"0\"");
    }

    void sizes_beyond_the_file_are_refused_before_allocation()
    {
        // hidden 20000 taken from one small tensor's columns: the model would need ~7 GB.
        io::SafetensorsWriter w;
        const std::vector<double> few(3 * 20000, 0.0);
        w.add("encoder.embedding.weight", {5, 2}, std::span<const double>(few.data(), 10));
        w.add("decoder.embedding.weight", {6, 2}, std::span<const double>(few.data(), 12));
        w.add("encoder.rnn.weight_hh_l0", {3, 20000}, std::span<const double>(few));
        w.add("encoder.rnn.weight_ih_l0", {1, 1}, std::span<const double>(few.data(), 1));
        EXPECT_PARTS(refusal(w.bytes()), "num_hiddens (encoder.rnn.weight_hh_l0 columns) 20000 is outside [1, 16384]");

        io::SafetensorsWriter v;
        v.add("encoder.embedding.weight", {5, 2}, std::span<const double>(few.data(), 10));
        v.add("decoder.embedding.weight", {6, 2}, std::span<const double>(few.data(), 12));
        v.add("encoder.rnn.weight_hh_l0", {3, 1000}, std::span<const double>(few.data(), 3000));
        v.add("encoder.rnn.weight_ih_l0", {1, 1}, std::span<const double>(few.data(), 1));
        EXPECT_PARTS(refusal(v.bytes()), "the tensor shapes imply", "hidden 1000, layers 1) but the file holds 3023 values");
    }

    void too_many_layers_or_too_large_a_vocabulary()
    {
        io::SafetensorsWriter w;
        const std::vector<double> one(1, 0.0);
        const std::vector<double> ten(10, 0.0), twelve(12, 0.0), nine(9, 0.0);
        w.add("encoder.embedding.weight", {5, 2}, std::span<const double>(ten));
        w.add("decoder.embedding.weight", {6, 2}, std::span<const double>(twelve));
        w.add("encoder.rnn.weight_hh_l0", {3, 3}, std::span<const double>(nine));
        for (int l = 0; l <= kMaxModelLayers; ++l)
            w.add("encoder.rnn.weight_ih_l" + std::to_string(l), {1, 1}, std::span<const double>(one));
        EXPECT_PARTS(refusal(w.bytes()), "num_layers (encoder.rnn.weight_ih_l0, _l1, …) 65 is outside [1, 64]");

        io::SafetensorsWriter v;
        const std::vector<double> many(kMaxModelVocab + 1, 0.0);
        v.add("encoder.embedding.weight", {kMaxModelVocab + 1, 1}, std::span<const double>(many), io::DType::F16);
        v.add("decoder.embedding.weight", {6, 2}, std::span<const double>(twelve));
        v.add("encoder.rnn.weight_hh_l0", {3, 3}, std::span<const double>(nine));
        EXPECT_PARTS(refusal(v.bytes()), "source vocabulary size (encoder.embedding.weight rows) 1000001 is outside [1, 1000000]");
    }

    void dropout_must_be_a_probability()
    {
        // The file as PyTorch would write it: the tensors, the vocabularies, then a dropout.
        Seq2SeqModel<float> m = small_model();
        io::SafetensorsWriter w;
        for (const Param<float>* p : m.parameters()) {
            const bool bias = p->name.find(".bias") != std::string::npos;
            w.add(p->name, bias ? std::vector<std::int64_t>{p->value.cols()}
                                : std::vector<std::int64_t>{p->value.rows(), p->value.cols()},
                  std::span<const float>(p->value.data(), static_cast<std::size_t>(p->value.size())));
        }
        w.set_metadata("src_vocab", "[\"<unk>\", \"<pad>\", \"<bos>\", \"<eos>\", \"a\"]");
        w.set_metadata("tgt_vocab", "[\"<unk>\", \"<pad>\", \"<bos>\", \"<eos>\", \"b\", \"c\"]");
        w.set_metadata("dropout", "0.25");
        QCOMPARE(load_bytes(w.bytes()).model.config().dropout, 0.25);
        for (const char* bad : {"1", "-0.5", "7"}) {
            w.set_metadata("dropout", bad);
            EXPECT_PARTS(refusal(w.bytes()), "__metadata__ \"dropout\" must be in [0, 1), got ", bad);
        }
    }

    void save_goes_through_the_atomic_writer()
    {
        QTemporaryDir dir;
        namespace fs = std::filesystem;
        const fs::path d = dir.path().toStdString();
        Seq2SeqModel<float> m = small_model();
        // A link to the model stays a link; the model it names is replaced.
        save_model(d / "real.safetensors", m, vocab(5), vocab(6), 10);
        fs::create_symlink("real.safetensors", d / "current.safetensors");
        save_model(d / "current.safetensors", m, vocab(5), vocab(6), 12);
        QVERIFY(fs::is_symlink(d / "current.safetensors"));
        QCOMPARE(load_model(d / "real.safetensors").num_steps, 12);
        // A directory in the way is refused, not replaced.
        fs::create_directory(d / "dir.safetensors");
        try {
            save_model(d / "dir.safetensors", m, vocab(5), vocab(6), 10);
            QFAIL("saved over a directory");
        } catch (const std::invalid_argument& e) {
            EXPECT_PARTS(std::string(e.what()), "cannot save", "dir.safetensors", "a directory, not a regular file");
        }
        QVERIFY(fs::is_directory(d / "dir.safetensors"));
        // num_steps that load_model would refuse is not written.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, save_model(d / "n.safetensors", m, vocab(5), vocab(6), 1001));
        QVERIFY(!fs::exists(d / "n.safetensors"));
    }
};

QTEST_GUILESS_MAIN(TestModelLimits)
#include "test_model_limits.moc"
