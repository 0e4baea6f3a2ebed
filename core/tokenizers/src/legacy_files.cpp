// SPDX-License-Identifier: GPL-3.0-or-later
// The files older checkpoints ship instead of tokenizer.json: GPT-2's vocab.json + merges.txt
// (byte-level BPE) and BERT's vocab.txt (WordPiece, lowercased unless do_lower_case is false).
#include "decoders.hpp"
#include "impl.hpp"
#include "json_node.hpp"
#include "limits.hpp"
#include "models.hpp"
#include "normalizers.hpp"
#include "post_processors.hpp"
#include "pre_tokenizers.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = end + 1;
    }
    return lines;
}

std::optional<std::string> config_string(const json::Value* config, std::string_view key)
{
    if (!config) return std::nullopt;
    const json::Value* v = config->find(key);
    if (!v) return std::nullopt;
    if (v->is_string()) return v->as_string();
    if (v->is_object())
        if (const json::Value* c = v->find("content"); c && c->is_string()) return c->as_string();
    return std::nullopt;
}

std::optional<bool> config_bool(const json::Value* config, std::string_view key)
{
    if (!config) return std::nullopt;
    const json::Value* v = config->find(key);
    if (!v || !v->is_bool()) return std::nullopt;
    return v->as_bool();
}

// The special tokens a config names (bos, eos, unk, pad, mask, cls, sep) and DEFAULTS, as
// special added tokens when the vocabulary has them.
void add_specials(Tokenizer::Impl& impl, const json::Value* config, const std::vector<std::string>& defaults)
{
    std::vector<std::string> names = defaults;
    for (const char* key : {"bos_token", "eos_token", "unk_token", "pad_token", "mask_token", "cls_token", "sep_token"})
        if (auto t = config_string(config, key)) names.push_back(*t);
    for (const std::string& name : names) {
        const auto id = impl.model->vocab().find(name);
        if (!id) continue;
        bool seen = false;
        for (const AddedToken& t : impl.added) seen = seen || t.content == name;
        if (!seen) impl.added.push_back(AddedToken{*id, name, false, false, false, false, true});
    }
}

// Added tokens the older layouts keep beside the vocabulary: tokenizer_config.json's
// "added_tokens_decoder" ({"50257": {"content": "<pad>", "special": true, ...}}) and
// added_tokens.json ({"<pad>": 50257}, older transformers: special).
void add_config_tokens(Tokenizer::Impl& impl, const json::Value* config, const fs::path& folder)
{
    auto known = [&](const std::string& content) {
        for (const AddedToken& t : impl.added)
            if (t.content == content) return true;
        return false;
    };
    if (config) {
        if (const json::Value* decoder = config->find("added_tokens_decoder"); decoder && decoder->is_object()) {
            const std::string file = (folder / "tokenizer_config.json").string();
            const Node list(*decoder, "added_tokens_decoder", file);
            for (const auto& [key, value] : list.object()) {
                const Node n(value, "added_tokens_decoder[\"" + key.substr(0, 20) + "\"]", file);
                AddedToken t;
                std::size_t used = 0;
                long long id = -1;
                try {
                    id = std::stoll(key, &used);
                } catch (const std::exception&) {
                }
                if (used != key.size() || id < 0 || id > (1LL << 30)) n.fail("expected a token id as the key");
                t.id = static_cast<int>(id);
                t.content = n.at("content").str();
                t.special = n.bool_or("special", false);
                t.single_word = n.bool_or("single_word", false);
                t.lstrip = n.bool_or("lstrip", false);
                t.rstrip = n.bool_or("rstrip", false);
                t.normalized = n.bool_or("normalized", !t.special);
                if (!known(t.content)) impl.added.push_back(std::move(t));
            }
        }
    }
    const fs::path extra = folder / "added_tokens.json";
    std::error_code ec;
    if (!fs::exists(extra, ec)) return;
    json::Value v;
    try {
        v = json::parse(read_file_capped(extra));
    } catch (const json::ParseError& e) {
        throw std::invalid_argument(extra.string() + ": not valid JSON: " + e.what());
    }
    const std::string file = extra.string();
    const Node top(v, "", file);
    for (const auto& [content, id] : top.object()) {
        std::string where = "\"";  // built in steps: GCC 12 warns wrongly (-Wrestrict) on "\"" + s + "\""
        where += content.substr(0, 20);
        where += '"';
        const Node n(id, where, file);
        AddedToken t;
        t.id = static_cast<int>(n.integer(0, 1LL << 30));
        t.content = content;
        t.special = true;
        if (!known(t.content)) impl.added.push_back(std::move(t));
    }
}

}  // namespace

std::unique_ptr<Tokenizer::Impl> impl_from_bpe_files(const fs::path& vocab_path, const fs::path& merges_path,
                                                     const json::Value* config)
{
    const std::string vocab_name = vocab_path.string(), merges_name = merges_path.string();
    json::Value vocab_json;
    try {
        vocab_json = json::parse(read_file_capped(vocab_path));
    } catch (const json::ParseError& e) {
        throw std::invalid_argument(vocab_name + ": not valid JSON: " + e.what());
    }
    Vocab vocab = vocab_from_json(Node(vocab_json, "", vocab_name));
    std::vector<std::pair<std::string, std::string>> merges;
    const std::vector<std::string> lines = lines_of(read_file_capped(merges_path));
    if (lines.size() > limits::kMaxMerges)
        throw std::invalid_argument(merges_name + ": " + std::to_string(lines.size()) + " lines, over the limit of " +
                                    std::to_string(limits::kMaxMerges) + " merges");
    merges.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.empty() || (i == 0 && line.rfind("#version", 0) == 0)) continue;
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
            throw std::invalid_argument(merges_name + ": line " + std::to_string(i + 1) +
                                        ": expected two tokens separated by one space, got \"" + line.substr(0, 80) + "\"");
        merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    }
    auto impl = std::make_unique<Tokenizer::Impl>();
    BpeOptions options;
    options.byte_level = true;
    impl->model = make_bpe(std::move(vocab), merges, options, merges_name);
    impl->byte_level = true;
    impl->pre_tokenizer = make_byte_level_pre_tokenizer(config_bool(config, "add_prefix_space").value_or(false), true);
    impl->decoder = make_byte_level_decoder();
    add_config_tokens(*impl, config, vocab_path.parent_path());
    add_specials(*impl, config, {"<|endoftext|>"});
    impl->finish(vocab_name);
    if (config) apply_tokenizer_config(*impl, *config, "tokenizer_config.json");
    return impl;
}

std::unique_ptr<Tokenizer::Impl> impl_from_vocab_txt(const fs::path& vocab_path, const json::Value* config)
{
    const std::string name = vocab_path.string();
    std::vector<std::string> lines = lines_of(read_file_capped(vocab_path));
    if (lines.size() > limits::kMaxVocabulary)
        throw std::invalid_argument(name + ": " + std::to_string(lines.size()) + " tokens, over the limit of " +
                                    std::to_string(limits::kMaxVocabulary));
    Vocab vocab;
    vocab.ids.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].size() > limits::kMaxTokenBytes)
            throw std::invalid_argument(name + ": line " + std::to_string(i + 1) + ": a token longer than " +
                                        std::to_string(limits::kMaxTokenBytes) + " bytes");
        vocab.add(lines[i], static_cast<int>(i));
    }
    const std::string unk = config_string(config, "unk_token").value_or("[UNK]");
    const std::string cls = config_string(config, "cls_token").value_or("[CLS]");
    const std::string sep = config_string(config, "sep_token").value_or("[SEP]");
    const bool lower = config_bool(config, "do_lower_case").value_or(true);
    auto impl = std::make_unique<Tokenizer::Impl>();
    const auto cls_id = vocab.find(cls), sep_id = vocab.find(sep);
    impl->model = make_wordpiece(std::move(vocab), unk, "##", 100, name);
    impl->normalizer = make_bert_normalizer(true, config_bool(config, "tokenize_chinese_chars").value_or(true),
                                            config_bool(config, "strip_accents"), lower);
    impl->pre_tokenizer = make_bert_pre_tokenizer();
    impl->decoder = make_wordpiece_decoder("##", true);
    if (cls_id && sep_id) impl->post_processor = make_wrap_processor({{*cls_id, cls}}, {{*sep_id, sep}});
    add_config_tokens(*impl, config, vocab_path.parent_path());
    add_specials(*impl, config, {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"});
    impl->finish(name);
    if (config) apply_tokenizer_config(*impl, *config, "tokenizer_config.json");
    return impl;
}

}  // namespace attnviz::tokenizers
