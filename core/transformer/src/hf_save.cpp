// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/transformer/hf_save.hpp"

#include "attnviz/core/atomic_write.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace attnviz::transformer {

namespace {

namespace fs = std::filesystem;

std::string str(long long v) { return std::to_string(v); }

// GPT-2's Conv1D weights (c_attn, c_proj, c_fc) are stored in × out: the transpose of the
// nn::Linear (out × in) we keep in memory.
bool is_conv1d_weight(const std::string& name)
{
    const auto ends_with = [&](std::string_view tail) {
        return name.size() >= tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
    };
    return ends_with(".c_attn.weight") || ends_with(".c_proj.weight") || ends_with(".c_fc.weight");
}

// A 1 × n parameter (bias, LayerNorm) is a rank-1 tensor [n] in the checkpoint.
bool is_vector(const nn::Param<float>& p)
{
    return p.value.rows() == 1 && p.name != "transformer.wte.weight" && p.name != "transformer.wpe.weight";
}

std::vector<std::int64_t> stored_shape(const nn::Param<float>& p)
{
    if (is_vector(p)) return {p.value.cols()};
    if (is_conv1d_weight(p.name)) return {p.value.cols(), p.value.rows()};
    return {p.value.rows(), p.value.cols()};
}

json::Value lab_json(const LabConfig& c)
{
    json::Value v = json::Object{};
    v["task"] = c.task;
    if (!c.text_file.empty()) v["text_file"] = c.text_file;
    v["layers"] = c.layers;
    v["heads"] = c.heads;
    v["embd"] = c.embd;
    v["ctx"] = c.ctx;
    v["vocab"] = c.vocab;
    v["batch"] = c.batch;
    v["steps"] = c.steps;
    v["lr"] = c.lr;
    v["warmup"] = c.warmup;
    v["weight_decay"] = c.weight_decay;
    v["init_std"] = c.init_std;
    v["seed"] = static_cast<long long>(c.seed);
    v["snapshot_every"] = c.snapshot_every;
    return v;
}

LabConfig lab_from_json(const json::Value* v)
{
    LabConfig c;
    if (!v || !v->is_object()) return c;
    const auto num = [&](const char* key, auto& target) {
        if (const json::Value* x = v->find(key); x && x->is_number())
            target = static_cast<std::remove_reference_t<decltype(target)>>(x->as_number());
    };
    if (const json::Value* x = v->find("task"); x && x->is_string()) c.task = x->as_string();
    if (const json::Value* x = v->find("text_file"); x && x->is_string()) c.text_file = x->as_string();
    num("layers", c.layers);
    num("heads", c.heads);
    num("embd", c.embd);
    num("ctx", c.ctx);
    num("vocab", c.vocab);
    num("batch", c.batch);
    num("steps", c.steps);
    num("lr", c.lr);
    num("warmup", c.warmup);
    num("weight_decay", c.weight_decay);
    num("init_std", c.init_std);
    num("seed", c.seed);
    num("snapshot_every", c.snapshot_every);
    return c;
}

std::string read_small_file(const fs::path& path, std::uintmax_t cap)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw std::invalid_argument(path.string() + ": no such file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec || size > cap)
        throw std::invalid_argument(path.string() + ": larger than the limit of " + str(static_cast<long long>(cap)) +
                                    " bytes");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int config_int(const json::Value& cfg, const char* key, int lo, int hi, const fs::path& file)
{
    const json::Value* v = cfg.find(key);
    if (!v || !v->is_number())
        throw std::invalid_argument(file.string() + ": \"" + key + "\" is missing or not a number");
    const double x = v->as_number();
    if (!(x >= lo && x <= hi) || x != std::floor(x))
        throw std::invalid_argument(file.string() + ": \"" + key + "\" must be an integer in [" + str(lo) + ", " +
                                    str(hi) + "], got " + json::dump(*v));
    return static_cast<int>(x);
}

}  // namespace

void save_hf_checkpoint(const fs::path& dir, Gpt<float>& model, const std::vector<std::string>& vocabulary,
                        const LabConfig& lab)
{
    const GptConfig& g = model.config();
    if (static_cast<Eigen::Index>(vocabulary.size()) != g.vocab)
        throw std::invalid_argument("save: " + str(static_cast<long long>(vocabulary.size())) +
                                    " token names for a vocabulary of " + str(g.vocab));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) throw std::invalid_argument("cannot save " + dir.string() + ": not a directory");

    // config.json: what GPT2Config reads, plus the lab's own configuration.
    json::Value cfg = json::Object{};
    cfg["architectures"] = json::Array{json::Value("GPT2LMHeadModel")};
    cfg["model_type"] = "gpt2";
    cfg["vocab_size"] = static_cast<long long>(g.vocab);
    cfg["n_positions"] = static_cast<long long>(g.positions);
    cfg["n_ctx"] = static_cast<long long>(g.positions);
    cfg["n_embd"] = static_cast<long long>(g.embd);
    cfg["n_layer"] = g.layers;
    cfg["n_head"] = g.heads;
    cfg["n_inner"] = json::Value();  // null: 4 × n_embd
    cfg["activation_function"] = "gelu_new";
    cfg["layer_norm_epsilon"] = g.layer_norm_epsilon;
    cfg["initializer_range"] = g.init_std;
    cfg["resid_pdrop"] = 0.0;
    cfg["embd_pdrop"] = 0.0;
    cfg["attn_pdrop"] = 0.0;
    cfg["scale_attn_weights"] = true;
    cfg["tie_word_embeddings"] = true;
    cfg["bos_token_id"] = json::Value();  // the tasks have no special tokens
    cfg["eos_token_id"] = json::Value();
    cfg["torch_dtype"] = "float32";
    cfg["attnviz_lab"] = lab_json(lab);

    // model.safetensors: save_pretrained's names; Conv1D weights transposed to in × out.
    io::SafetensorsWriter st;
    st.set_metadata("format", "pt");
    for (nn::Param<float>* p : model.parameters()) {
        std::vector<float> data;
        data.reserve(static_cast<std::size_t>(p->value.size()));
        if (is_conv1d_weight(p->name)) {
            for (Eigen::Index i = 0; i < p->value.cols(); ++i)      // in
                for (Eigen::Index o = 0; o < p->value.rows(); ++o)  // out
                    data.push_back(p->value(o, i));
        } else {
            data.assign(p->value.data(), p->value.data() + p->value.size());
        }
        st.add(p->name, stored_shape(*p), std::span<const float>(data), io::DType::F32);
    }

    // tokenizer.json: a WordLevel vocabulary of the task's tokens, id = index.
    json::Value vocab = json::Object{};
    for (std::size_t i = 0; i < vocabulary.size(); ++i) vocab[vocabulary[i]] = static_cast<long long>(i);
    json::Value model_json = json::Object{};
    model_json["type"] = "WordLevel";
    model_json["vocab"] = std::move(vocab);
    model_json["unk_token"] = "<unk>";
    json::Value tok = json::Object{};
    tok["version"] = "1.0";
    tok["truncation"] = json::Value();
    tok["padding"] = json::Value();
    tok["added_tokens"] = json::Array{};
    tok["normalizer"] = json::Value();
    json::Value pre = json::Object{};
    if (lab.task == "text") {
        // Character tokens (a space or a newline is a token): split before every character.
        pre["type"] = "Split";
        json::Value pattern = json::Object{};
        pattern["Regex"] = "[\\s\\S]";
        pre["pattern"] = std::move(pattern);
        pre["behavior"] = "Isolated";
        pre["invert"] = false;
    } else {
        pre["type"] = "WhitespaceSplit";
    }
    tok["pre_tokenizer"] = std::move(pre);
    tok["post_processor"] = json::Value();
    tok["decoder"] = json::Value();
    tok["model"] = std::move(model_json);

    st.write(dir / "model.safetensors");
    files::write_atomically(dir / "config.json", json::dump(cfg, 2) + "\n");
    files::write_atomically(dir / "tokenizer.json", json::dump(tok, 2) + "\n");
}

LoadedCheckpoint load_hf_checkpoint(const fs::path& dir)
{
    const fs::path cfg_path = dir / "config.json";
    const json::Value cfg = json::parse(read_small_file(cfg_path, 1 << 20));
    if (!cfg.is_object()) throw std::invalid_argument(cfg_path.string() + ": not a JSON object");
    if (const json::Value* t = cfg.find("model_type"); !t || !t->is_string() || t->as_string() != "gpt2")
        throw std::invalid_argument(cfg_path.string() + ": model_type is not \"gpt2\"");
    if (const json::Value* a = cfg.find("activation_function");
        a && (!a->is_string() || a->as_string() != "gelu_new"))
        throw std::invalid_argument(cfg_path.string() + ": activation_function must be \"gelu_new\"");
    GptConfig g;
    g.layers = config_int(cfg, "n_layer", 1, LabLimits::kMaxLayers, cfg_path);
    g.heads = config_int(cfg, "n_head", 1, LabLimits::kMaxHeads, cfg_path);
    g.embd = config_int(cfg, "n_embd", 1, LabLimits::kMaxEmbd, cfg_path);
    g.positions = config_int(cfg, "n_positions", 1, LabLimits::kMaxCtx, cfg_path);
    g.vocab = config_int(cfg, "vocab_size", 1, LabLimits::kMaxVocab + 1, cfg_path);
    if (const json::Value* e = cfg.find("layer_norm_epsilon"); e && e->is_number()) g.layer_norm_epsilon = e->as_number();
    if (const json::Value* n = cfg.find("n_inner"); n && !n->is_null())
        if (!n->is_number() || n->as_number() != 4.0 * static_cast<double>(g.embd))
            throw std::invalid_argument(cfg_path.string() + ": n_inner must be null or 4 × n_embd");
    check_config(g);

    LoadedCheckpoint out;
    out.lab = lab_from_json(cfg.find("attnviz_lab"));
    out.model = std::make_unique<Gpt<float>>(g, 0);

    const fs::path st_path = dir / "model.safetensors";
    const io::SafetensorsFile st(st_path);
    for (nn::Param<float>* p : out.model->parameters()) {
        const io::SafetensorsEntry& e = st.entry(p->name);
        if (e.dtype != io::DType::F32)
            throw std::invalid_argument(st_path.string() + ": tensor '" + p->name + "' is not F32");
        const std::vector<std::int64_t> want = stored_shape(*p);
        if (e.shape != want) {
            std::string got, expected;
            for (auto d : e.shape) got += (got.empty() ? "" : ", ") + str(d);
            for (auto d : want) expected += (expected.empty() ? "" : ", ") + str(d);
            throw std::invalid_argument(st_path.string() + ": tensor '" + p->name + "' has shape [" + got +
                                        "], expected [" + expected + "]");
        }
        const std::vector<float> data = st.read_float(p->name);
        if (is_conv1d_weight(p->name)) {
            const Eigen::Index in = p->value.cols(), outs = p->value.rows();
            for (Eigen::Index i = 0; i < in; ++i)
                for (Eigen::Index o = 0; o < outs; ++o) p->value(o, i) = data[static_cast<std::size_t>(i * outs + o)];
        } else {
            std::copy(data.begin(), data.end(), p->value.data());
        }
    }

    const fs::path tok_path = dir / "tokenizer.json";
    const json::Value tok = json::parse(read_small_file(tok_path, 64 << 20));
    const json::Value* model = tok.find("model");
    const json::Value* vocab = model ? model->find("vocab") : nullptr;
    if (!vocab || !vocab->is_object())
        throw std::invalid_argument(tok_path.string() + ": no model.vocab object (a WordLevel tokenizer)");
    out.vocabulary.assign(static_cast<std::size_t>(g.vocab), std::string());
    std::vector<char> seen(static_cast<std::size_t>(g.vocab), 0);
    for (const auto& [token, id] : vocab->as_object()) {
        const double x = id.is_number() ? id.as_number() : -1.0;
        if (!(x >= 0 && x < static_cast<double>(g.vocab)) || x != std::floor(x) || seen[static_cast<std::size_t>(x)])
            throw std::invalid_argument(tok_path.string() + ": token '" + token + "' has id " + json::dump(id) +
                                        ", expected a distinct id in [0, " + str(g.vocab) + ")");
        seen[static_cast<std::size_t>(x)] = 1;
        out.vocabulary[static_cast<std::size_t>(x)] = token;
    }
    if (vocab->as_object().size() != static_cast<std::size_t>(g.vocab))
        throw std::invalid_argument(tok_path.string() + ": " + str(static_cast<long long>(vocab->as_object().size())) +
                                    " tokens for vocab_size " + str(g.vocab));
    return out;
}

}  // namespace attnviz::transformer
