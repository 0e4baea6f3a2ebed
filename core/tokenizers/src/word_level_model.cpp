// SPDX-License-Identifier: GPL-3.0-or-later
// WordLevel: each pre-tokenized word is one token, or the unknown token (the Transformer lab's
// task vocabularies are of this kind).
#include "components.hpp"
#include "models.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

// WordLevel: each pre-tokenized word is one token, or the unknown token.
class WordLevel final : public Model {
public:
    // As Hugging Face, an unk_token missing from the vocabulary is an error only when a word
    // needs it.
    WordLevel(Vocab vocab, std::optional<std::string> unk, const std::string&) : vocab_(std::move(vocab))
    {
        if (unk) unk_ = vocab_.find(*unk);
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
            throw std::invalid_argument("\"" + shown + "\" is not in the vocabulary and the WordLevel model has no unknown token in it");
        }
    }

    const Vocab& vocab() const override { return vocab_; }
    std::string kind() const override { return "WordLevel"; }

private:
    Vocab vocab_;
    std::optional<int> unk_;
};

}  // namespace

std::unique_ptr<Model> make_word_level(Vocab vocab, std::optional<std::string> unk_token, const std::string& where)
{
    return std::make_unique<WordLevel>(std::move(vocab), std::move(unk_token), where);
}

}  // namespace attnviz::tokenizers
