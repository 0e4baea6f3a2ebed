// SPDX-License-Identifier: GPL-3.0-or-later
// Every bad checkpoint and bad input refused by attnviz::hf with a message that names what is
// wrong: the folder, the field, the tensor and its expected and found shapes, the limit. Each
// case copies a good fixture (tests/data/hf/) to a temporary folder and breaks one thing.
// Also: the float16 / bfloat16 conversion against io's scalar one for every bit pattern.
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/io/dtype.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"
#include "weights.hpp"
#include "hf_test_helpers.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace attnviz;
namespace fs = std::filesystem;

namespace {

using hf_test::fixture;

// A copy of a fixture in a temporary folder, to break.
struct Copy {
    QTemporaryDir dir;
    fs::path folder;
    explicit Copy(const std::string& name)
    {
        folder = fs::path(dir.path().toStdString()) / name;
        fs::copy(fixture(name), folder, fs::copy_options::recursive);
    }
    void edit_config(const std::function<void(json::Value&)>& edit) const
    {
        std::ifstream in(folder / "config.json");
        std::stringstream s;
        s << in.rdbuf();
        json::Value v = json::parse(s.str());
        edit(v);
        std::ofstream(folder / "config.json") << json::dump(v, 2);
    }
    // Rewrites a safetensors file: `drop` left out, `as_f64` stored as float64.
    void rewrite(const std::string& file, const std::string& drop, const std::string& as_f64 = {}) const
    {
        io::SafetensorsWriter w;
        {
            const io::SafetensorsFile f(folder / file);
            for (const auto& e : f.tensors()) {
                if (e.name == drop) continue;
                const std::vector<float> v = f.read_float(e.name);
                w.add(e.name, e.shape, std::span<const float>(v), e.name == as_f64 ? io::DType::F64 : e.dtype);
            }
        }
        w.write(folder / file);
    }
};

// Runs `f`, expects std::invalid_argument whose message holds every one of `parts`.
void expect_refusal(const std::function<void()>& f, std::initializer_list<const char*> parts)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        for (const char* p : parts)
            QVERIFY2(what.find(p) != std::string::npos, qPrintable(QString("'%1' lacks '%2'").arg(what.c_str(), p)));
        return;
    }
    QFAIL("no std::invalid_argument thrown");
}

}  // namespace

class TestHfBadInput : public QObject {
    Q_OBJECT

private slots:
    void folder_without_config()
    {
        QTemporaryDir dir;
        expect_refusal([&] { hf::Model::open(dir.path().toStdString()); }, {"no config.json"});
        expect_refusal([&] { hf::Model::open(fs::path(dir.path().toStdString()) / "absent"); },
                       {"no such folder or config.json"});
    }

    void config_not_json()
    {
        Copy c("gpt2_f32");
        std::ofstream(c.folder / "config.json") << "{\"model_type\": \"gpt2\",}";
        expect_refusal([&] { hf::Model::open(c.folder); }, {"config.json", "line 1"});
        std::ofstream(c.folder / "config.json") << "[1, 2]";
        expect_refusal([&] { hf::Model::open(c.folder); }, {"expected a JSON object"});
    }

    void unknown_model_type()
    {
        Copy c("gpt2_f32");
        c.edit_config([](json::Value& v) { v["model_type"] = "t5"; });
        expect_refusal([&] { hf::Model::open(c.folder); },
                       {"model_type 't5' is not supported", "bert, gpt2, llama, mistral, qwen2"});
        c.edit_config([](json::Value& v) { v.as_object().erase(v.as_object().begin()); });  // no model_type
        expect_refusal([&] { hf::Model::open(c.folder); }, {"\"model_type\" is missing"});
    }

    void missing_tensor()
    {
        Copy c("gpt2_f32");
        c.rewrite("model.safetensors", "transformer.h.1.ln_2.bias");
        expect_refusal([&] { hf::Model::open(c.folder); }, {"no tensor 'transformer.h.1.ln_2.bias'", "[8]"});
        Copy l("llama_gqa_f32");  // untied: lm_head.weight is required
        l.rewrite("model.safetensors", "lm_head.weight");
        expect_refusal([&] { hf::Model::open(l.folder); }, {"no tensor 'lm_head.weight'", "[20, 8]"});
    }

    void wrong_shape()
    {
        Copy c("gpt2_f32");
        c.edit_config([](json::Value& v) { v["n_embd"] = 16; v["n_head"] = 4; });
        expect_refusal([&] { hf::Model::open(c.folder); },
                       {"'transformer.wte.weight' has shape [20, 8], expected [20, 16]", "vocab_size × n_embd"});
        // vocab × hidden must match the embedding table.
        Copy l("llama_gqa_f32");
        l.edit_config([](json::Value& v) { v["vocab_size"] = 21; });
        expect_refusal([&] { hf::Model::open(l.folder); },
                       {"'model.embed_tokens.weight' has shape [20, 8], expected [21, 8]"});
        // GQA: num_key_value_heads must match k_proj's rows.
        l.edit_config([](json::Value& v) { v["vocab_size"] = 20; v["num_key_value_heads"] = 4; });
        expect_refusal([&] { hf::Model::open(l.folder); },
                       {"'model.layers.0.self_attn.k_proj.weight' has shape [8, 8], expected [16, 8]"});
    }

    void wrong_dtype()
    {
        Copy c("bert_mlm_f32");
        c.rewrite("model.safetensors", "", "bert.encoder.layer.0.attention.self.key.weight");
        expect_refusal([&] { hf::Model::open(c.folder); },
                       {"'bert.encoder.layer.0.attention.self.key.weight' is float64",
                        "expected float32, float16 or bfloat16"});
    }

    void more_layers_than_the_file()
    {
        Copy c("bert_base_f32");
        c.edit_config([](json::Value& v) { v["num_hidden_layers"] = 3; });
        expect_refusal([&] { hf::Model::open(c.folder); }, {"no tensor 'encoder.layer.2.attention.self.query.weight'"});
    }

    // Sizes are checked before anything is reserved.
    void absurd_sizes()
    {
        Copy c("gpt2_f32");
        c.edit_config([](json::Value& v) { v["n_layer"] = 100000; });
        expect_refusal([&] { hf::Model::open(c.folder); }, {"\"n_layer\" is 100000, expected an integer 1 … 1000"});
        c.edit_config([](json::Value& v) { v["n_layer"] = 2; v["vocab_size"] = 1e300; });
        expect_refusal([&] { hf::Model::open(c.folder); }, {"\"vocab_size\" is 1e+300"});
        c.edit_config([](json::Value& v) { v["vocab_size"] = -3; });
        expect_refusal([&] { hf::Model::open(c.folder); }, {"\"vocab_size\" is -3"});
        c.edit_config([](json::Value& v) { v["vocab_size"] = "many"; });
        expect_refusal([&] { hf::Model::open(c.folder); }, {"\"vocab_size\" is a string, expected an integer"});
        Copy l("llama_gqa_f32");
        l.edit_config([](json::Value& v) { v["num_key_value_heads"] = 3; });
        expect_refusal([&] { hf::Model::open(l.folder); }, {"not a multiple of num_key_value_heads 3"});
    }

    void unsupported_rope_scaling()
    {
        Copy l("llama3_scaled_f32");
        l.edit_config([](json::Value& v) { v["rope_scaling"]["rope_type"] = "yarn"; });
        expect_refusal([&] { hf::Model::open(l.folder); },
                       {"rope_scaling type 'yarn' is not supported (default, linear, llama3)"});
        l.edit_config([](json::Value& v) {
            v["rope_scaling"]["rope_type"] = "llama3";
            v["rope_scaling"].as_object().erase(v["rope_scaling"].as_object().begin() + 1);  // "factor"
        });
        expect_refusal([&] { hf::Model::open(l.folder); }, {"\"rope_scaling\" needs \"factor\""});
    }

    void shards()
    {
        Copy c("mistral_sharded_bf16");
        fs::remove(c.folder / "model-00002-of-00002.safetensors");
        expect_refusal([&] { hf::Model::open(c.folder); },
                       {"model.safetensors.index.json names the shard model-00002-of-00002.safetensors",
                        "which is not in"});
        Copy d("mistral_sharded_bf16");
        std::ofstream(d.folder / "model.safetensors.index.json")
            << R"({"weight_map": {"model.norm.weight": "../model-00001-of-00002.safetensors"}})";
        expect_refusal([&] { hf::Model::open(d.folder); }, {"not a file name inside the folder"});
        std::ofstream(d.folder / "model.safetensors.index.json")
            << R"({"weight_map": {"model.norm.weight": "model-00001-of-00002.safetensors"}})";
        expect_refusal([&] { hf::Model::open(d.folder); },
                       {"puts tensor 'model.norm.weight' in model-00001-of-00002.safetensors, which does not hold it"});
        fs::remove(d.folder / "model.safetensors.index.json");
        expect_refusal([&] { hf::Model::open(d.folder); }, {"no model.safetensors and no model.safetensors.index.json"});
    }

    void bad_ids()
    {
        const auto m = hf::Model::open(fixture("gpt2_f32"));
        expect_refusal([&] { m->run(std::vector<int>{1, 20}); },
                       {"token id 20 at position 1 is outside the vocabulary (0 … 19)"});
        expect_refusal([&] { m->run(std::vector<int>{-1}); }, {"token id -1 at position 0"});
        expect_refusal([&] { m->run(std::vector<int>{}); }, {"no tokens"});
        expect_refusal([&] { m->run(std::vector<int>(9, 1)); }, {"9 tokens", "at most 8"});
        QCOMPARE(m->run(std::vector<int>(8, 1)).n, 8);  // the limit itself runs
        hf::RunOptions o;
        o.lm_positions = std::vector<int>{3};
        expect_refusal([&] { m->run(std::vector<int>{1, 2}, o); }, {"position 3"});
        // The model stays usable after a refusal.
        QCOMPARE(m->run(std::vector<int>{1, 2}).n, 2);
    }

    void half_and_bfloat16_conversion_is_exact()
    {
        std::vector<std::byte> bytes(65536 * 2);
        for (std::uint32_t b = 0; b < 65536; ++b) {
            bytes[2 * b] = static_cast<std::byte>(b & 0xFF);
            bytes[2 * b + 1] = static_cast<std::byte>(b >> 8);
        }
        std::vector<float> out(65536);
        for (io::DType t : {io::DType::F16, io::DType::BF16}) {
            hf::TensorRef ref;
            ref.name = "all";
            ref.dtype = t;
            ref.shape = {65536};
            ref.elements = 65536;
            ref.data = bytes.data();
            for (int path = 0; path < 2; ++path) {
                // Path 0: the whole run (F16C eight at a time where compiled in); 1: one element at
                // a time (the portable bit arithmetic, also the F16C path's tail).
                if (path == 0)
                    hf::convert_to_float(ref, 0, 65536, out.data());
                else
                    for (std::int64_t i = 0; i < 65536; ++i) hf::convert_to_float(ref, i, 1, out.data() + i);
                for (std::uint32_t b = 0; b < 65536; ++b) {
                    const auto bits = static_cast<std::uint16_t>(b);
                    const float want = t == io::DType::F16 ? io::half_to_float(bits) : io::bfloat16_to_float(bits);
                    if (std::isnan(want))
                        QVERIFY(std::isnan(out[b]));
                    else
                        QVERIFY2(std::bit_cast<std::uint32_t>(out[b]) == std::bit_cast<std::uint32_t>(want),
                                 qPrintable(QString("path %1, bits %2").arg(path).arg(b, 4, 16)));
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHfBadInput)
#include "test_hf_bad_input.moc"
