// SPDX-License-Identifier: GPL-3.0-or-later
// WordPiece as BERT: greedy longest match first from the start of the word, pieces after the
// first spelled with the continuing-subword prefix ("##"); a word that cannot be covered, or is
// longer than max_input_chars_per_word characters, becomes the unknown token whole.
#include "components.hpp"
#include "limits.hpp"
#include "models.hpp"

#include "attnviz/core/utf8.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

class WordPiece final : public Model {
public:
    WordPiece(Vocab vocab, const std::string& unk, std::string prefix, std::size_t max_chars, const std::string& where)
        : vocab_(std::move(vocab)), prefix_(std::move(prefix)), max_chars_(max_chars)
    {
        const auto id = vocab_.find(unk);
        if (!id) throw std::invalid_argument(where + ": the unknown token \"" + unk + "\" is not in the vocabulary");
        unk_ = *id;
    }

    void tokenize(const NormalizedString& piece, std::vector<Token>& out) const override
    {
        const std::string& word = piece.text;
        if (word.empty()) return;
        // Character boundaries (byte positions), so that pieces never cut a character.
        std::vector<std::size_t> bounds;
        for (std::size_t i = 0; i < word.size();) {
            bounds.push_back(i);
            char32_t cp = 0;
            const std::size_t len = utf8::decode(word, i, cp);
            i += len == 0 ? 1 : len;
        }
        bounds.push_back(word.size());
        const std::size_t chars = bounds.size() - 1;
        const Token unknown{unk_, vocab_.tokens[static_cast<std::size_t>(unk_)], piece.original(0, word.size())};
        if (chars > max_chars_) {
            out.push_back(unknown);
            return;
        }
        std::vector<Token> pieces;
        std::size_t start = 0;  // index into bounds
        std::string candidate;
        while (start < chars) {
            std::size_t end = chars;
            std::optional<int> found;
            while (end > start) {
                candidate.assign(start > 0 ? prefix_ : "");
                candidate.append(word, bounds[start], bounds[end] - bounds[start]);
                if ((found = vocab_.find(candidate))) break;
                --end;
            }
            if (!found) {
                out.push_back(unknown);
                return;
            }
            pieces.push_back(Token{*found, candidate, piece.original(bounds[start], bounds[end])});
            start = end;
        }
        out.insert(out.end(), pieces.begin(), pieces.end());
    }

    const Vocab& vocab() const override { return vocab_; }
    std::string kind() const override { return "WordPiece"; }

private:
    Vocab vocab_;
    std::string prefix_;
    std::size_t max_chars_;
    int unk_ = 0;
};

// WordLevel: each pre-tokenized word is one token, or the unknown token.
class WordLevel final : public Model {
public:
    WordLevel(Vocab vocab, std::optional<std::string> unk, const std::string& where) : vocab_(std::move(vocab))
    {
        if (unk) {
            const auto id = vocab_.find(*unk);
            if (!id) throw std::invalid_argument(where + ": the unknown token \"" + *unk + "\" is not in the vocabulary");
            unk_ = *id;
        }
    }

    void tokenize(const NormalizedString& piece, std::vector<Token>& out) const override
    {
        if (piece.text.empty()) return;
        const Range offsets = piece.original(0, piece.text.size());
        if (const auto id = vocab_.find(piece.text)) {
            out.push_back(Token{*id, piece.text, offsets});
        } else if (unk_) {
            out.push_back(Token{*unk_, vocab_.tokens[static_cast<std::size_t>(*unk_)], offsets});
        } else {
            const std::string shown = piece.text.size() > 40 ? piece.text.substr(0, 40) + "..." : piece.text;
            throw std::invalid_argument("\"" + shown + "\" is not in the vocabulary and the WordLevel model has no unk_token");
        }
    }

    const Vocab& vocab() const override { return vocab_; }
    std::string kind() const override { return "WordLevel"; }

private:
    Vocab vocab_;
    std::optional<int> unk_;
};

const std::vector<std::string> kSupported = {"BPE", "WordPiece", "WordLevel"};

std::vector<std::pair<std::string, std::string>> merges_from_json(const Node& list)
{
    const std::size_t n = list.size();
    if (n > limits::kMaxMerges)
        list.fail(std::to_string(n) + " merges, over the limit of " + std::to_string(limits::kMaxMerges));
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Node m = list.item(i);
        if (m.value().is_string()) {
            // "a b": exactly two parts, as Hugging Face reads them.
            const std::string& s = m.value().as_string();
            const std::size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                m.fail("expected \"A B\" (two tokens and one space), got \"" + s.substr(0, 80) + "\"");
            merges.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.value().is_array() && m.size() == 2) {
            merges.emplace_back(m.item(0).str(), m.item(1).str());
        } else {
            m.fail(std::string("expected \"A B\" or [\"A\", \"B\"], got ") + json::type_name(m.value().type()));
        }
    }
    return merges;
}

}  // namespace

std::unique_ptr<Model> make_wordpiece(Vocab vocab, const std::string& unk_token, std::string continuing_subword_prefix,
                                      std::size_t max_input_chars_per_word, const std::string& where)
{
    return std::make_unique<WordPiece>(std::move(vocab), unk_token, std::move(continuing_subword_prefix),
                                       max_input_chars_per_word, where);
}

std::unique_ptr<Model> make_word_level(Vocab vocab, std::optional<std::string> unk_token, const std::string& where)
{
    return std::make_unique<WordLevel>(std::move(vocab), std::move(unk_token), where);
}

std::unique_ptr<Model> make_model(const Node& node, const ModelFacts& facts)
{
    std::string type;
    if (auto t = node.get("type")) {
        type = t->str();
    } else if (node.get("merges")) {  // older files leave the type out
        type = "BPE";
    } else if (node.get("max_input_chars_per_word")) {
        type = "WordPiece";
    } else if (node.get("vocab") && node.at("vocab").value().is_object()) {
        type = "WordLevel";
    } else {
        node.fail("missing \"type\" (supported: " + join_names(kSupported) + ")");
    }
    const std::string where = node.file() + ": " + node.path();
    if (type == "BPE") {
        BpeOptions o;
        o.unk_token = node.optional_str("unk_token");
        o.continuing_subword_prefix = node.str_or("continuing_subword_prefix", "");
        o.end_of_word_suffix = node.str_or("end_of_word_suffix", "");
        o.fuse_unk = node.bool_or("fuse_unk", false);
        o.byte_fallback = node.bool_or("byte_fallback", false);
        o.ignore_merges = node.bool_or("ignore_merges", false);
        o.byte_level = facts.byte_level;
        std::vector<std::pair<std::string, std::string>> merges;
        if (auto m = node.get("merges")) merges = merges_from_json(*m);
        return make_bpe(vocab_from_json(node.at("vocab")), merges, std::move(o), where);
    }
    if (type == "WordPiece") {
        const long long max_chars = node.get("max_input_chars_per_word")
                                        ? node.at("max_input_chars_per_word").integer(0, 1 << 30)
                                        : 100;
        return make_wordpiece(vocab_from_json(node.at("vocab")), node.str_or("unk_token", "[UNK]"),
                              node.str_or("continuing_subword_prefix", "##"), static_cast<std::size_t>(max_chars), where);
    }
    if (type == "WordLevel")
        return make_word_level(vocab_from_json(node.at("vocab")), node.optional_str("unk_token"), where);
    node.at("type").fail("model \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
