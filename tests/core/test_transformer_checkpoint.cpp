// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's Hugging Face checkpoint: the save_pretrained names, GPT-2's Conv1D layout (in × out)
// checked tensor by tensor, config.json and tokenizer.json, a bit-for-bit reload, and refusals.
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"
#include "attnviz/core/transformer/hf_save.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>
#include <sstream>

using namespace attnviz;
using namespace attnviz::transformer;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string load_refusal(const fs::path& dir)
{
    try {
        load_hf_checkpoint(dir);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

LabConfig lab_config()
{
    LabConfig c = default_config("induction");
    c.layers = 2;
    c.heads = 2;
    c.embd = 8;
    c.ctx = 6;
    c.vocab = 5;
    return c;
}

std::unique_ptr<Gpt<float>> model_for(const LabConfig& c)
{
    GptConfig g;
    g.layers = c.layers;
    g.heads = c.heads;
    g.embd = c.embd;
    g.positions = c.ctx;
    g.vocab = c.vocab;
    auto m = std::make_unique<Gpt<float>>(g, 9);
    Rng rng(4);  // biases and norms away from 0 and 1, so a swapped tensor cannot pass
    for (auto* p : m->parameters())
        for (Eigen::Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += static_cast<float>(rng.normal() * 0.1);
    return m;
}

std::vector<std::string> names(int V)
{
    std::vector<std::string> v;
    for (int i = 0; i < V; ++i) v.push_back("t" + std::to_string(i));
    return v;
}

}  // namespace

class TestTransformerCheckpoint : public QObject {
    Q_OBJECT
private slots:
    void names_and_conv1d_layout();
    void config_and_tokenizer();
    void reloads_bit_for_bit();
    void refuses_broken_folders();
};

void TestTransformerCheckpoint::names_and_conv1d_layout()
{
    QTemporaryDir tmp;
    const LabConfig c = lab_config();
    auto m = model_for(c);
    save_hf_checkpoint(fs::path(tmp.path().toStdString()) / "ckpt", *m, names(5), c);
    const io::SafetensorsFile st(fs::path(tmp.path().toStdString()) / "ckpt" / "model.safetensors");
    QCOMPARE(st.metadata().at("format"), std::string("pt"));  // transformers refuses a file without it
    // save_pretrained's names and shapes for n_layer 2, n_embd 8, vocab 5, n_positions 6.
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> want = {
        {"transformer.wte.weight", {5, 8}},
        {"transformer.wpe.weight", {6, 8}},
        {"transformer.h.0.ln_1.weight", {8}},
        {"transformer.h.0.ln_1.bias", {8}},
        {"transformer.h.0.attn.c_attn.weight", {8, 24}},  // Conv1D: in × out
        {"transformer.h.0.attn.c_attn.bias", {24}},
        {"transformer.h.0.attn.c_proj.weight", {8, 8}},
        {"transformer.h.0.attn.c_proj.bias", {8}},
        {"transformer.h.0.ln_2.weight", {8}},
        {"transformer.h.0.ln_2.bias", {8}},
        {"transformer.h.0.mlp.c_fc.weight", {8, 32}},    // in × out
        {"transformer.h.0.mlp.c_fc.bias", {32}},
        {"transformer.h.0.mlp.c_proj.weight", {32, 8}},  // in × out
        {"transformer.h.0.mlp.c_proj.bias", {8}},
        {"transformer.ln_f.weight", {8}},
        {"transformer.ln_f.bias", {8}},
    };
    for (const auto& [name, shape] : want) {
        const io::SafetensorsEntry& e = st.entry(name);
        QVERIFY2(e.shape == shape, name.c_str());
        QCOMPARE(e.dtype, io::DType::F32);
    }
    QCOMPARE(st.tensors().size(), std::size_t(2 + 12 * 2 + 2));
    QVERIFY(st.header().find("lm_head.weight") == nullptr);  // tied: save_pretrained leaves it out
    // Tensor by tensor: stored[i][o] is the Linear's weight(o, i) for every Conv1D weight, and
    // every other tensor is stored as it is in memory.
    for (nn::Param<float>* p : m->parameters()) {
        const std::vector<float> stored = st.read_float(p->name);
        QCOMPARE(stored.size(), static_cast<std::size_t>(p->value.size()));
        const bool conv1d = p->name.find("c_attn.weight") != std::string::npos ||
                            p->name.find("c_proj.weight") != std::string::npos ||
                            p->name.find("c_fc.weight") != std::string::npos;
        const Eigen::Index rows = p->value.rows(), cols = p->value.cols();
        for (Eigen::Index r = 0; r < rows; ++r)
            for (Eigen::Index k = 0; k < cols; ++k) {
                const float want_value = p->value(r, k);
                const float got = conv1d ? stored[static_cast<std::size_t>(k * rows + r)]
                                         : stored[static_cast<std::size_t>(r * cols + k)];
                if (std::memcmp(&want_value, &got, sizeof(float)) != 0)
                    QFAIL(("layout of " + p->name).c_str());
            }
    }
    // GPT-2's split(n_embd, dim=2) of c_attn's output: columns 0–7 are q, 8–15 k, 16–23 v.
    const auto& qkv = m->find("transformer.h.1.attn.c_attn.weight")->value;  // (24 × 8) in memory
    const std::vector<float> stored = st.read_float("transformer.h.1.attn.c_attn.weight");  // [8, 24]
    QCOMPARE(stored[static_cast<std::size_t>(3 * 24 + 8 + 2)], qkv(8 + 2, 3));  // input 3 → k column 2
}

void TestTransformerCheckpoint::config_and_tokenizer()
{
    QTemporaryDir tmp;
    const fs::path dir = fs::path(tmp.path().toStdString());
    const LabConfig c = lab_config();
    auto m = model_for(c);
    save_hf_checkpoint(dir, *m, names(5), c);
    const json::Value cfg = json::parse(slurp(dir / "config.json"));
    QCOMPARE(cfg.find("model_type")->as_string(), std::string("gpt2"));
    QCOMPARE(cfg.find("architectures")->as_array().at(0).as_string(), std::string("GPT2LMHeadModel"));
    QCOMPARE(cfg.find("n_layer")->as_number(), 2.0);
    QCOMPARE(cfg.find("n_head")->as_number(), 2.0);
    QCOMPARE(cfg.find("n_embd")->as_number(), 8.0);
    QCOMPARE(cfg.find("n_positions")->as_number(), 6.0);
    QCOMPARE(cfg.find("vocab_size")->as_number(), 5.0);
    QCOMPARE(cfg.find("layer_norm_epsilon")->as_number(), 1e-5);
    QCOMPARE(cfg.find("activation_function")->as_string(), std::string("gelu_new"));
    QCOMPARE(cfg.find("attnviz_lab")->find("task")->as_string(), std::string("induction"));
    const json::Value tok = json::parse(slurp(dir / "tokenizer.json"));
    QCOMPARE(tok.find("model")->find("type")->as_string(), std::string("WordLevel"));
    QCOMPARE(tok.find("model")->find("vocab")->find("t3")->as_number(), 3.0);
    QCOMPARE(tok.find("pre_tokenizer")->find("type")->as_string(), std::string("WhitespaceSplit"));
    // A text task's tokens are characters (a space is one): every character is split off.
    LabConfig text = c;
    text.task = "text";
    save_hf_checkpoint(dir / "text", *m, {"\n", " ", "a", "b", "c"}, text);
    const json::Value t2 = json::parse(slurp(dir / "text" / "tokenizer.json"));
    QCOMPARE(t2.find("pre_tokenizer")->find("type")->as_string(), std::string("Split"));
    QCOMPARE(t2.find("pre_tokenizer")->find("behavior")->as_string(), std::string("Isolated"));
    QCOMPARE(t2.find("model")->find("vocab")->find(" ")->as_number(), 1.0);
    QCOMPARE(load_hf_checkpoint(dir / "text").vocabulary[0], std::string("\n"));
}

void TestTransformerCheckpoint::reloads_bit_for_bit()
{
    QTemporaryDir tmp;
    const fs::path dir = fs::path(tmp.path().toStdString());
    LabConfig c = lab_config();
    c.seed = 12345;
    auto m = model_for(c);
    save_hf_checkpoint(dir, *m, names(5), c);
    LoadedCheckpoint back = load_hf_checkpoint(dir);
    QCOMPARE(back.vocabulary, names(5));
    QCOMPARE(back.lab.seed, std::uint64_t(12345));
    QCOMPARE(back.lab.heads, 2);
    auto a = m->parameters();
    auto b = back.model->parameters();
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i]->name, a[i]->name);
        QCOMPARE(b[i]->value.rows(), a[i]->value.rows());
        QCOMPARE(b[i]->value.cols(), a[i]->value.cols());
        QVERIFY2(std::memcmp(a[i]->value.data(), b[i]->value.data(), sizeof(float) * a[i]->value.size()) == 0,
                 a[i]->name.c_str());
    }
    // Saving the reloaded model gives the same bytes.
    save_hf_checkpoint(dir / "again", *back.model, back.vocabulary, back.lab);
    QVERIFY(slurp(dir / "again" / "model.safetensors") == slurp(dir / "model.safetensors"));
}

void TestTransformerCheckpoint::refuses_broken_folders()
{
    QTemporaryDir tmp;
    const fs::path dir = fs::path(tmp.path().toStdString());
    const LabConfig c = lab_config();
    auto m = model_for(c);
    save_hf_checkpoint(dir, *m, names(5), c);
    QVERIFY(load_refusal(dir / "missing").find("config.json: no such file") != std::string::npos);
    const std::string cfg = slurp(dir / "config.json");
    // A shape that does not fit: n_embd 16 against 8-wide tensors.
    std::string wide = cfg;
    wide.replace(wide.find("\"n_embd\": 8"), 11, "\"n_embd\": 16");
    spit(dir / "config.json", wide);
    QVERIFY(load_refusal(dir).find("tensor 'transformer.wte.weight' has shape [5, 8], expected [5, 16]") !=
            std::string::npos);
    std::string huge = cfg;
    huge.replace(huge.find("\"n_layer\": 2"), 12, "\"n_layer\": 1000");
    spit(dir / "config.json", huge);
    QVERIFY(load_refusal(dir).find("\"n_layer\" must be an integer in [1, 12]") != std::string::npos);
    spit(dir / "config.json", cfg);
    const std::string tok = slurp(dir / "tokenizer.json");
    std::string dup = tok;
    dup.replace(dup.find("\"t4\": 4"), 7, "\"t4\": 3");
    spit(dir / "tokenizer.json", dup);
    QVERIFY(load_refusal(dir).find("token 't4' has id 3") != std::string::npos);
    spit(dir / "tokenizer.json", tok);
    QVERIFY(load_refusal(dir).empty());
    // The wrong number of token names is refused on saving.
    try {
        save_hf_checkpoint(dir / "x", *m, names(4), c);
        QFAIL("saved with 4 names for 5 tokens");
    } catch (const std::invalid_argument& e) {
        QVERIFY(std::string(e.what()).find("4 token names for a vocabulary of 5") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestTransformerCheckpoint)
#include "test_transformer_checkpoint.moc"
