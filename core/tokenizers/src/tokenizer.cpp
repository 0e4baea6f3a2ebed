// SPDX-License-Identifier: GPL-3.0-or-later
// The Tokenizer: loading (a tokenizer.json or a folder), and the encode pipeline
//   added tokens (raw) -> normalizer -> added tokens (normalized) -> pre-tokenizer -> model
//   -> post-processor,
// and decoding back through the decoder.
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include "impl.hpp"
#include "limits.hpp"

#include <fstream>
#include <stdexcept>

namespace attnviz::tokenizers {

namespace fs = std::filesystem;

std::string read_file_capped(const fs::path& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw std::invalid_argument(path.string() + ": " + (fs::exists(path, ec) ? "not a regular file" : "no such file"));
    const auto too_large = [&] {
        return std::invalid_argument(path.string() + ": larger than the " + std::to_string(limits::kMaxFileBytes >> 20) +
                                     " MB limit of a tokenizer file");
    };
    if (fs::file_size(path, ec) > limits::kMaxFileBytes && !ec) throw too_large();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path.string() + ": cannot be opened");
    std::string text;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > limits::kMaxFileBytes) throw too_large();  // it grew while read
    }
    return text;
}

void Tokenizer::Impl::add_to_matcher(const AddedToken& t, std::size_t index)
{
    // Normalized tokens are matched in the normalized text, as their normalizer spells them.
    if (t.normalized && normalizer) {
        NormalizedString n = NormalizedString::from_original(t.content, 0, true);
        normalizer->normalize(n);
        normalized_matcher.add(t, index, n.text);
    } else if (t.normalized) {
        normalized_matcher.add(t, index, t.content);
    } else {
        raw_matcher.add(t, index, t.content);
    }
}

void Tokenizer::Impl::finish(const std::string& where)
{
    if (added.size() > limits::kMaxAddedTokens)
        throw std::invalid_argument(where + ": " + std::to_string(added.size()) + " added tokens, over the limit of " +
                                    std::to_string(limits::kMaxAddedTokens));
    const Vocab& vocab = model->vocab();
    std::size_t size = vocab.tokens.size();
    for (const AddedToken& t : added) {
        if (t.content.empty()) throw std::invalid_argument(where + ": an added token with empty content (id " + std::to_string(t.id) + ")");
        if (t.content.size() > limits::kMaxTokenBytes)
            throw std::invalid_argument(where + ": added token " + std::to_string(t.id) + " is longer than " +
                                        std::to_string(limits::kMaxTokenBytes) + " bytes");
        if (t.id < 0 || static_cast<std::size_t>(t.id) > vocab.ids.size() + added.size() + limits::kMaxIdGap)
            throw std::invalid_argument(where + ": added token \"" + t.content.substr(0, 40) + "\" has id " +
                                        std::to_string(t.id) + ", far past the vocabulary of " +
                                        std::to_string(vocab.ids.size()) + " tokens");
        size = std::max(size, static_cast<std::size_t>(t.id) + 1);
    }
    id_tokens = vocab.tokens;
    id_present = vocab.present;
    id_tokens.resize(size);
    id_present.resize(size, 0);
    id_special.assign(size, 0);
    for (std::size_t i = 0; i < added.size(); ++i) {
        const AddedToken& t = added[i];
        id_tokens[static_cast<std::size_t>(t.id)] = t.content;
        id_present[static_cast<std::size_t>(t.id)] = 1;
        id_special[static_cast<std::size_t>(t.id)] = t.special ? 1 : 0;
        added_ids[t.content] = t.id;
        try {
            add_to_matcher(t, i);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where + ": " + e.what());
        }
    }
    auto find = [&](std::string_view s) -> std::optional<int> {
        if (const auto it = added_ids.find(s); it != added_ids.end()) return it->second;
        return vocab.find(s);
    };
    if (mask_token) mask_id = find(*mask_token);
    if (!mask_id) mask_id = find("[MASK]");
    if (!mask_id) mask_id = find("<mask>");
}

namespace {

void append_token(Encoding& e, int id, std::string token, Range offsets, bool special)
{
    e.ids.push_back(id);
    e.tokens.push_back(std::move(token));
    e.offsets.push_back(offsets);
    e.special.push_back(special);
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& source_name)
{
    return Tokenizer(impl_from_json(json_text, source_name));
}

Tokenizer Tokenizer::load(const fs::path& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec)) throw std::invalid_argument(path.string() + ": no such file or folder");
    auto config_of = [](const fs::path& dir, json::Value& holder) -> const json::Value* {
        const fs::path p = dir / "tokenizer_config.json";
        std::error_code e;
        if (!fs::exists(p, e)) return nullptr;
        try {
            holder = json::parse(read_file_capped(p));
        } catch (const json::ParseError& err) {
            throw std::invalid_argument(p.string() + ": " + err.what());
        }
        if (!holder.is_object()) throw std::invalid_argument(p.string() + ": expected a JSON object");
        return &holder;
    };
    json::Value config_holder;
    // One of the older files (or the config) named instead of its folder: the folder.
    const std::string name = path.filename().string();
    if (!fs::is_directory(path, ec) &&
        (name == "vocab.txt" || name == "vocab.json" || name == "merges.txt" || name == "tokenizer_config.json"))
        return load(path.parent_path().empty() ? fs::path(".") : path.parent_path());
    if (!fs::is_directory(path, ec)) {
        auto impl = impl_from_json(read_file_capped(path), path.string());
        if (const json::Value* config = config_of(path.parent_path().empty() ? "." : path.parent_path(), config_holder))
            apply_tokenizer_config(*impl, *config, (path.parent_path() / "tokenizer_config.json").string());
        return Tokenizer(std::move(impl));
    }
    const json::Value* config = config_of(path, config_holder);
    if (fs::exists(path / "tokenizer.json", ec)) {
        auto impl = impl_from_json(read_file_capped(path / "tokenizer.json"), (path / "tokenizer.json").string());
        if (config) apply_tokenizer_config(*impl, *config, (path / "tokenizer_config.json").string());
        return Tokenizer(std::move(impl));
    }
    if (fs::exists(path / "vocab.json", ec) && fs::exists(path / "merges.txt", ec))
        return Tokenizer(impl_from_bpe_files(path / "vocab.json", path / "merges.txt", config));
    if (fs::exists(path / "vocab.txt", ec)) return Tokenizer(impl_from_vocab_txt(path / "vocab.txt", config));
    throw std::invalid_argument(path.string() +
                                ": no tokenizer files (looked for tokenizer.json, vocab.json + merges.txt, vocab.txt)");
}

Encoding Tokenizer::encode(std::string_view text, bool add_special_tokens) const
{
    const Impl& m = *impl_;
    if (text.size() >= (std::size_t{1} << 32))  // offsets are kept in 32 bits (Span)
        throw std::invalid_argument("a text of " + std::to_string(text.size()) + " bytes: at most 4 GiB can be encoded at once");
    Encoding e;
    std::vector<Token> tokens;
    std::vector<NormalizedString> pieces;
    auto encode_normalized = [&](NormalizedString n) {
        pieces.clear();
        pieces.push_back(std::move(n));
        if (m.pre_tokenizer) m.pre_tokenizer->pre_tokenize(pieces);
        for (const NormalizedString& p : pieces) {
            tokens.clear();
            m.model->tokenize(p, tokens);
            for (Token& t : tokens) append_token(e, t.id, std::move(t.value), t.offsets, false);
        }
    };
    auto encode_segment = [&](std::size_t begin, std::size_t end) {
        if (begin >= end) return;
        NormalizedString n = NormalizedString::from_original(text.substr(begin, end - begin), begin, !m.byte_level);
        if (m.normalizer) m.normalizer->normalize(n);
        if (m.normalized_matcher.empty()) {
            encode_normalized(std::move(n));
            return;
        }
        std::size_t pos = 0;
        for (const AddedMatcher::Match& hit : m.normalized_matcher.find(n.text)) {
            if (hit.begin > pos) encode_normalized(n.slice(pos, hit.begin));
            const AddedToken& t = m.added[hit.token];
            append_token(e, t.id, t.content, n.original(hit.begin, hit.end), t.special);
            pos = hit.end;
        }
        if (pos < n.text.size()) encode_normalized(n.slice(pos, n.text.size()));
    };
    std::size_t pos = 0;
    for (const AddedMatcher::Match& hit : m.raw_matcher.find(text)) {
        encode_segment(pos, hit.begin);
        const AddedToken& t = m.added[hit.token];
        append_token(e, t.id, t.content, {hit.begin, hit.end}, t.special);
        pos = hit.end;
    }
    encode_segment(pos, text.size());
    if (m.post_processor) m.post_processor->process(e, add_special_tokens, text);
    return e;
}

const std::string& Tokenizer::id_to_token(int id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= impl_->id_tokens.size() || !impl_->id_present[static_cast<std::size_t>(id)])
        throw std::invalid_argument("token id " + std::to_string(id) + " is not in the vocabulary of " +
                                    std::to_string(impl_->id_tokens.size()) + " ids");
    return impl_->id_tokens[static_cast<std::size_t>(id)];
}

std::string Tokenizer::decode(std::span<const int> ids, bool skip_special_tokens) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int id : ids) {
        const std::string& t = id_to_token(id);
        if (skip_special_tokens && impl_->id_special[static_cast<std::size_t>(id)]) continue;
        tokens.push_back(t);
    }
    if (!impl_->decoder) {
        std::string out;
        for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
        return out;
    }
    impl_->decoder->decode_chain(tokens, false);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
}

std::string Tokenizer::token_text(int id) const
{
    std::vector<std::string> tokens{id_to_token(id)};
    if (impl_->id_special[static_cast<std::size_t>(id)] || !impl_->decoder) return tokens[0];
    impl_->decoder->decode_chain(tokens, true);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
}

std::optional<int> Tokenizer::token_to_id(std::string_view token) const
{
    if (const auto it = impl_->added_ids.find(token); it != impl_->added_ids.end()) return it->second;
    return impl_->model->vocab().find(token);
}

std::size_t Tokenizer::vocab_size() const
{
    return impl_->id_tokens.size();
}

std::optional<int> Tokenizer::mask_token_id() const
{
    return impl_->mask_id;
}

std::string Tokenizer::kind() const
{
    return impl_->model->kind();
}

std::optional<std::size_t> Tokenizer::model_max_length() const
{
    return impl_->max_length;
}

}  // namespace attnviz::tokenizers
