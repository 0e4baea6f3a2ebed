// SPDX-License-Identifier: GPL-3.0-or-later
// WordPiece as BERT: greedy longest match first from the start of the word, pieces after the
// first spelled with the continuing-subword prefix ("##"); a word that cannot be covered, or is
// longer than max_input_chars_per_word characters, becomes the unknown token whole.
#include "components.hpp"
#include "limits.hpp"
#include "models.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
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
        for (const std::string& t : vocab_.tokens) longest_ = std::max(longest_, t.size());
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
            // No candidate is longer than the longest token: the search stays O(n · longest) for
            // long words (an untrusted max_input_chars_per_word may allow them).
            std::size_t end = std::min(chars, start + longest_ + 1);  // a character has at least one byte
            const std::size_t prefix = start > 0 ? prefix_.size() : 0;
            while (end > start + 1 && bounds[end] - bounds[start] + prefix > longest_) --end;
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
    std::size_t longest_ = 0;  // bytes of the longest token
};

}  // namespace

std::unique_ptr<Model> make_wordpiece(Vocab vocab, const std::string& unk_token, std::string continuing_subword_prefix,
                                      std::size_t max_input_chars_per_word, const std::string& where)
{
    return std::make_unique<WordPiece>(std::move(vocab), unk_token, std::move(continuing_subword_prefix),
                                       max_input_chars_per_word, where);
}

}  // namespace attnviz::tokenizers
