// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/model_io.hpp"

#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace attnviz::seq2seq {

namespace {

bool is_bias(const Param<float>& p) { return p.name.find(".bias") != std::string::npos; }

io::SafetensorsWriter writer_for(Seq2SeqModel<float>& model, const Vocab& src, const Vocab& tgt, int num_steps,
                                 const std::map<std::string, std::string>& extra)
{
    io::SafetensorsWriter w;
    for (const Param<float>* p : model.parameters()) {
        std::vector<std::int64_t> shape;
        if (is_bias(*p))
            shape = {p->value.cols()};
        else
            shape = {p->value.rows(), p->value.cols()};
        w.add(p->name, shape, std::span<const float>(p->value.data(), static_cast<std::size_t>(p->value.size())));
    }
    auto vocab_json = [](const Vocab& v) {
        json::Array a;
        for (const auto& t : v.idx_to_token()) a.emplace_back(t);
        return json::dump(json::Value(std::move(a)));
    };
    const ModelConfig& c = model.config();
    for (const auto& [k, v] : extra) w.set_metadata(k, v);
    w.set_metadata("format", "attnviz-seq2seq/1");
    w.set_metadata("src_vocab", vocab_json(src));
    w.set_metadata("tgt_vocab", vocab_json(tgt));
    w.set_metadata("embed_size", std::to_string(c.embed));
    w.set_metadata("num_hiddens", std::to_string(c.hidden));
    w.set_metadata("num_layers", std::to_string(c.layers));
    w.set_metadata("dropout", json::dump(json::Value(c.dropout)));
    w.set_metadata("num_steps", std::to_string(num_steps));
    return w;
}

void check_vocabs(const Seq2SeqModel<float>& m, const Vocab& src, const Vocab& tgt)
{
    if (src.size() != m.config().src_vocab || tgt.size() != m.config().tgt_vocab)
        throw std::invalid_argument("save_model: vocabularies " + std::to_string(src.size()) + "/" +
                                    std::to_string(tgt.size()) + " do not match the model's " +
                                    std::to_string(m.config().src_vocab) + "/" + std::to_string(m.config().tgt_vocab));
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what)
{
    throw std::invalid_argument(path.string() + ": " + what);
}

std::string shape_text(const std::vector<std::int64_t>& s)
{
    std::string out = "[";
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

Vocab vocab_from(const std::filesystem::path& path, const std::map<std::string, std::string>& meta,
                 const std::string& key, int expected)
{
    const auto it = meta.find(key);
    if (it == meta.end()) fail(path, "__metadata__ has no \"" + key + "\" (the vocabulary as a JSON array of tokens)");
    std::vector<std::string> tokens;
    try {
        const json::Value parsed = json::parse(it->second);
        for (const json::Value& v : parsed.as_array()) tokens.push_back(v.as_string());
    } catch (const std::invalid_argument& e) {
        fail(path, "__metadata__ \"" + key + "\": " + e.what());
    }
    if (static_cast<int>(tokens.size()) != expected)
        fail(path, "__metadata__ \"" + key + "\" has " + std::to_string(tokens.size()) + " tokens, the embedding has " +
                       std::to_string(expected) + " rows");
    Vocab v(std::move(tokens));
    for (const char* t : {"<pad>", "<bos>", "<eos>"})
        if (!v.contains(t)) fail(path, "__metadata__ \"" + key + "\" lacks " + t);
    return v;
}

}  // namespace

std::vector<std::byte> model_bytes(Seq2SeqModel<float>& model, const Vocab& src, const Vocab& tgt, int num_steps,
                                   const std::map<std::string, std::string>& extra)
{
    check_vocabs(model, src, tgt);
    return writer_for(model, src, tgt, num_steps, extra).bytes();
}

void save_model(const std::filesystem::path& path, Seq2SeqModel<float>& model, const Vocab& src, const Vocab& tgt,
                int num_steps, const std::map<std::string, std::string>& extra)
{
    check_vocabs(model, src, tgt);
    if (num_steps < 1 || num_steps > kMaxModelSteps)
        throw std::invalid_argument("save_model: num_steps " + std::to_string(num_steps) + " is outside [1, " +
                                    std::to_string(kMaxModelSteps) + "] (load_model would refuse the file)");
    writer_for(model, src, tgt, num_steps, extra).write(path);
}

std::int64_t parameter_count(const ModelConfig& c)
{
    // Mirrors Seq2SeqModel's constructor (model.hpp); test_model_limits checks the two agree.
    const std::int64_t V_src = c.src_vocab, V_tgt = c.tgt_vocab, E = c.embed, H = c.hidden, L = c.layers;
    const auto gru = [&](std::int64_t first_input) {
        std::int64_t n = 0;
        for (std::int64_t l = 0; l < L; ++l) n += 3 * H * (l == 0 ? first_input : H) + 3 * H * H + 6 * H;
        return n;
    };
    return V_src * E + gru(E)               // encoder: embedding, GRU
           + 2 * H * H + H                  // additive attention: W_q, W_k, w_v
           + V_tgt * E + gru(H + E)         // decoder: embedding, GRU on [context | embedding]
           + V_tgt * H + V_tgt;             // dense
}

LoadedModel load_model(const std::filesystem::path& path)
{
    return load_model(io::SafetensorsFile(path));
}

LoadedModel load_model(const io::SafetensorsFile& file)
{
    const std::filesystem::path& path = file.path();
    auto shape = [&](const std::string& name) {
        const io::SafetensorsEntry* e = file.header().find(name);
        if (!e) fail(path, "no tensor '" + name + "' (expected the d2l PyTorch state_dict names)");
        return e->shape;
    };
    const auto enc_emb = shape("encoder.embedding.weight");
    const auto dec_emb = shape("decoder.embedding.weight");
    const auto hh = shape("encoder.rnn.weight_hh_l0");
    if (enc_emb.size() != 2 || dec_emb.size() != 2 || hh.size() != 2)
        fail(path, "embedding and GRU weights must be 2-D");
    // Every size is checked before it is narrowed to int or used to allocate.
    const auto within = [&](const std::string& what, std::int64_t v, std::int64_t limit) {
        if (v < 1 || v > limit)
            fail(path, what + " " + std::to_string(v) + " is outside [1, " + std::to_string(limit) + "]");
        return static_cast<int>(v);
    };
    ModelConfig c;
    c.src_vocab = within("source vocabulary size (encoder.embedding.weight rows)", enc_emb[0], kMaxModelVocab);
    c.tgt_vocab = within("target vocabulary size (decoder.embedding.weight rows)", dec_emb[0], kMaxModelVocab);
    c.embed = within("embed_size (encoder.embedding.weight columns)", enc_emb[1], kMaxModelWidth);
    c.hidden = within("num_hiddens (encoder.rnn.weight_hh_l0 columns)", hh[1], kMaxModelWidth);
    c.layers = 0;
    while (c.layers <= kMaxModelLayers && file.header().find("encoder.rnn.weight_ih_l" + std::to_string(c.layers)))
        ++c.layers;
    within("num_layers (encoder.rnn.weight_ih_l0, _l1, …)", c.layers, kMaxModelLayers);
    // Each parameter has its own tensor of exactly its shape (checked below), so a model whose
    // sizes imply more parameters than the file holds elements cannot be valid: refuse it
    // before the model's memory is taken (a file of a few kB could otherwise ask for GBs).
    // Up to kSmallModelParameters the model is made anyway, so that the tensor-by-tensor check
    // below names the missing or misshapen tensor.
    std::int64_t held = 0;
    for (const io::SafetensorsEntry& e : file.tensors()) held += e.element_count();
    if (const std::int64_t needed = parameter_count(c); needed > held && needed > kSmallModelParameters)
        fail(path, "the tensor shapes imply " + std::to_string(needed) + " parameters (vocabularies " +
                       std::to_string(c.src_vocab) + "/" + std::to_string(c.tgt_vocab) + ", embed " +
                       std::to_string(c.embed) + ", hidden " + std::to_string(c.hidden) + ", layers " +
                       std::to_string(c.layers) + ") but the file holds " + std::to_string(held) + " values");
    const auto& meta = file.metadata();
    if (auto it = meta.find("dropout"); it != meta.end()) {
        try {
            c.dropout = json::parse(it->second).as_number();
        } catch (const std::invalid_argument& e) {
            fail(path, std::string("__metadata__ \"dropout\": ") + e.what());
        }
        if (!(c.dropout >= 0 && c.dropout < 1))
            fail(path, "__metadata__ \"dropout\" must be in [0, 1), got " + it->second);
    }
    LoadedModel out{Seq2SeqModel<float>(c), Vocab(), Vocab(), 10, meta};
    for (Param<float>* p : out.model.parameters()) {
        const auto s = shape(p->name);
        const bool ok = is_bias(*p) ? (s.size() == 1 && s[0] == p->value.cols()) ||
                                          (s.size() == 2 && s[0] == 1 && s[1] == p->value.cols())
                                    : s.size() == 2 && s[0] == p->value.rows() && s[1] == p->value.cols();
        if (!ok)
            fail(path, "tensor '" + p->name + "' has shape " + shape_text(s) + ", expected " +
                           (is_bias(*p) ? shape_text({p->value.cols()}) : shape_text({p->value.rows(), p->value.cols()})) +
                           " for embed " + std::to_string(c.embed) + ", hidden " + std::to_string(c.hidden) +
                           ", vocabularies " + std::to_string(c.src_vocab) + "/" + std::to_string(c.tgt_vocab));
        const std::vector<float> v = file.read_float(p->name);
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!(std::fabs(v[i]) <= kMaxWeightMagnitude)) {  // also false for NaN
                std::ostringstream msg;
                msg << "tensor '" << p->name << "' element " << i << " is " << v[i]
                    << " (expected finite weights within ±" << kMaxWeightMagnitude << ")";
                fail(path, msg.str());
            }
        std::copy(v.begin(), v.end(), p->value.data());
    }
    out.src_vocab = vocab_from(path, meta, "src_vocab", c.src_vocab);
    out.tgt_vocab = vocab_from(path, meta, "tgt_vocab", c.tgt_vocab);
    if (auto it = meta.find("num_steps"); it != meta.end()) {
        int n = 0;
        const auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
        if (ec != std::errc() || ptr != it->second.data() + it->second.size() || n < 1 || n > kMaxModelSteps)
            fail(path, "__metadata__ \"num_steps\" must be an integer in [1, " + std::to_string(kMaxModelSteps) +
                           "], got \"" + it->second + "\"");
        out.num_steps = n;
    }
    // The values were read from a mapping: a file rewritten meanwhile is not what was checked.
    file.mapping()->check_unchanged();
    return out;
}

}  // namespace attnviz::seq2seq
