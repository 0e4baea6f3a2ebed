// SPDX-License-Identifier: GPL-3.0-or-later
// Seq2seq model files: a save/load round trip, and a hand-made safetensors file in the PyTorch
// state_dict layout (written byte by byte here, not by our writer).
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"
#include "attnviz/core/seq2seq/trainer.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

using namespace attnviz;
using namespace attnviz::seq2seq;
using namespace attnviz::nn;

namespace {

struct HandTensor {
    std::string name;
    std::vector<std::int64_t> shape;
};

// A PyTorch-layout file for src vocab 5, tgt vocab 6, embed 2, hidden 3, one layer; element i of
// every tensor is (tensor index) + i / 1000.
std::string hand_made_file(const std::vector<HandTensor>& tensors, const std::string& metadata)
{
    std::string header = "{";
    std::string data;
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        std::int64_t n = 1;
        for (auto d : tensors[k].shape) n *= d;
        const std::size_t begin = data.size();
        for (std::int64_t i = 0; i < n; ++i) {
            const float v = static_cast<float>(k) + static_cast<float>(i) / 1000.0f;
            char b[4];
            std::memcpy(b, &v, 4);  // x86-64 is little-endian, as safetensors is
            data.append(b, 4);
        }
        header += "\"" + tensors[k].name + "\":{\"dtype\":\"F32\",\"shape\":[";
        for (std::size_t d = 0; d < tensors[k].shape.size(); ++d) {
            if (d) header += ',';
            header += std::to_string(tensors[k].shape[d]);
        }
        header += "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) + "]},";
    }
    header += "\"__metadata__\":" + metadata + "}";
    std::string file(8, '\0');
    std::uint64_t len = header.size();
    for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((len >> (8 * i)) & 0xff);
    return file + header + data;
}

std::vector<HandTensor> pytorch_tensors()
{
    return {{"encoder.embedding.weight", {5, 2}},   {"encoder.rnn.weight_ih_l0", {9, 2}},
            {"encoder.rnn.weight_hh_l0", {9, 3}},   {"encoder.rnn.bias_ih_l0", {9}},
            {"encoder.rnn.bias_hh_l0", {9}},        {"decoder.attention.W_k.weight", {3, 3}},
            {"decoder.attention.W_q.weight", {3, 3}}, {"decoder.attention.w_v.weight", {1, 3}},
            {"decoder.embedding.weight", {6, 2}},   {"decoder.rnn.weight_ih_l0", {9, 5}},
            {"decoder.rnn.weight_hh_l0", {9, 3}},   {"decoder.rnn.bias_ih_l0", {9}},
            {"decoder.rnn.bias_hh_l0", {9}},        {"decoder.dense.weight", {6, 3}},
            {"decoder.dense.bias", {6}}};
}

// (No raw string literals in this file: moc does not parse them.)
const char* kVocabMeta =
    "{\"src_vocab\":\"[\\\"<unk>\\\",\\\"<pad>\\\",\\\"<bos>\\\",\\\"<eos>\\\",\\\"go\\\"]\","
    "\"tgt_vocab\":\"[\\\"<unk>\\\",\\\"<pad>\\\",\\\"<bos>\\\",\\\"<eos>\\\",\\\"va\\\",\\\"!\\\"]\"}";

void write_file(const QString& path, const std::string& bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

}  // namespace

class TestSeq2SeqModelIo : public QObject {
    Q_OBJECT
private slots:
    void round_trip();
    void pytorch_layout();
    void errors_name_the_problem();
};

void TestSeq2SeqModelIo::round_trip()
{
    QTemporaryDir dir;
    const TranslationData data = build_translation_data(generate_toy_fr(300, 1), 10);
    ModelConfig c;
    c.embed = 8;
    c.hidden = 12;
    c.layers = 2;
    auto model = make_d2l_model<float>(data, c, 3);
    TrainOptions o;
    o.epochs = 2;
    train_seq2seq(model, data, o);
    const QString path = dir.filePath("m.safetensors");
    save_model(path.toStdString(), model, data.src_vocab, data.tgt_vocab, 10, {{"dataset", "toy-fr"}});
    LoadedModel loaded = load_model(path.toStdString());
    QCOMPARE(loaded.num_steps, 10);
    QCOMPARE(loaded.metadata.at("dataset"), std::string("toy-fr"));
    QCOMPARE(loaded.metadata.at("num_layers"), std::string("2"));
    QCOMPARE(loaded.src_vocab.idx_to_token(), data.src_vocab.idx_to_token());
    QCOMPARE(loaded.tgt_vocab.idx_to_token(), data.tgt_vocab.idx_to_token());
    QCOMPARE(loaded.model.config().embed, 8);
    QCOMPARE(loaded.model.config().hidden, 12);
    QCOMPARE(loaded.model.config().layers, 2);
    auto a = model.parameters();
    auto b = loaded.model.parameters();
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i]->name, b[i]->name);
        // Exact: float32 written and read back as F32 is the same bits.
        QVERIFY2(a[i]->value == b[i]->value, a[i]->name.c_str());
    }
    const std::string s = "the black cat sees a dog .";
    const Translation t1 = translate_greedy(model, data.src_vocab, data.tgt_vocab, s, 10);
    const Translation t2 = translate_greedy(loaded.model, loaded.src_vocab, loaded.tgt_vocab, s, 10);
    // Exact: bit-identical parameters through the same decoding code in one process.
    QCOMPARE(t1.output, t2.output);
    QCOMPARE(t1.steps.back().attention, t2.steps.back().attention);
}

void TestSeq2SeqModelIo::pytorch_layout()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("torch.safetensors");
    const auto tensors = pytorch_tensors();
    write_file(path, hand_made_file(tensors, kVocabMeta));
    LoadedModel m = load_model(path.toStdString());
    QCOMPARE(m.model.config().src_vocab, 5);
    QCOMPARE(m.model.config().tgt_vocab, 6);
    QCOMPARE(m.model.config().embed, 2);
    QCOMPARE(m.model.config().hidden, 3);
    QCOMPARE(m.model.config().layers, 1);
    QCOMPARE(m.num_steps, 10);  // default when the file does not say
    QCOMPARE(m.tgt_vocab.token(4), std::string("va"));
    // Row-major (out × in): element (r, c) of tensor k is k + (r·cols + c)/1000.
    auto at = [&](const char* name, int r, int c) { return m.model.find(name)->value(r, c); };
    QCOMPARE(at("decoder.rnn.weight_ih_l0", 7, 4), 9.0f + 39.0f / 1000.0f);   // [9, 5]: context | embedding
    QCOMPARE(at("encoder.rnn.bias_ih_l0", 0, 8), 3.0f + 8.0f / 1000.0f);      // 1-D biases
    QCOMPARE(at("decoder.attention.W_q.weight", 2, 1), 6.0f + 7.0f / 1000.0f);
    QCOMPARE(at("decoder.dense.bias", 0, 5), 14.0f + 5.0f / 1000.0f);
    // The gate order r, z, n: rows 0–2 of weight_hh are W_hr, 3–5 W_hz, 6–8 W_hn (PyTorch's).
    QCOMPARE(at("encoder.rnn.weight_hh_l0", 6, 0), 2.0f + 18.0f / 1000.0f);
    const Translation t = translate_greedy(m.model, m.src_vocab, m.tgt_vocab, "go", 10);
    QCOMPARE(t.source_tokens, (TokenList{"go", "<eos>"}));
}

void TestSeq2SeqModelIo::errors_name_the_problem()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.safetensors");
    auto expect = [&](const std::string& bytes, const char* fragment) {
        write_file(path, bytes);
        try {
            load_model(path.toStdString());
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
            return;
        }
        QFAIL(fragment);
    };
    auto tensors = pytorch_tensors();
    auto missing = tensors;
    missing.pop_back();
    expect(hand_made_file(missing, kVocabMeta), "decoder.dense.bias");
    auto wrong = tensors;
    wrong[9].shape = {9, 4};
    expect(hand_made_file(wrong, kVocabMeta), "decoder.rnn.weight_ih_l0");
    expect(hand_made_file(tensors, "{}"), "src_vocab");
    expect(hand_made_file(tensors, "{\"src_vocab\":\"[\\\"a\\\"]\",\"tgt_vocab\":\"[]\"}"), "src_vocab");
    expect("not a file", "bad.safetensors");
}

QTEST_APPLESS_MAIN(TestSeq2SeqModelIo)
#include "test_seq2seq_model_io.moc"
