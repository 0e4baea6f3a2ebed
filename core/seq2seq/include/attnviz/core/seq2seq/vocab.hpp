// SPDX-License-Identifier: GPL-3.0-or-later
// d2l's Vocab (v0.17): index 0 is '<unk>', then the reserved tokens in the order given, then the
// corpus tokens with frequency ≥ min_freq by decreasing frequency, ties in first-seen order
// (Python's sorted(..., reverse=True) is stable over a Counter's insertion order).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnviz::seq2seq {

using TokenList = std::vector<std::string>;

class Vocab {
public:
    Vocab() : Vocab(std::vector<std::string>{}) {}
    // A vocabulary read back from a model file: the tokens in index order.
    explicit Vocab(std::vector<std::string> idx_to_token);

    static Vocab build(const std::vector<TokenList>& lines, int min_freq,
                       const std::vector<std::string>& reserved = {"<pad>", "<bos>", "<eos>"});

    int size() const { return static_cast<int>(idx_to_token_.size()); }
    // The token's index, or unk() (0) when it is not in the vocabulary.
    int operator[](std::string_view token) const;
    bool contains(std::string_view token) const;
    // Throws std::invalid_argument when index is outside [0, size()).
    const std::string& token(int index) const;
    std::vector<int> indices(const TokenList& tokens) const;
    TokenList tokens(const std::vector<int>& indices) const;
    const std::vector<std::string>& idx_to_token() const { return idx_to_token_; }

    int unk() const { return 0; }
    int pad() const { return (*this)["<pad>"]; }
    int bos() const { return (*this)["<bos>"]; }
    int eos() const { return (*this)["<eos>"]; }

private:
    std::vector<std::string> idx_to_token_;
    std::unordered_map<std::string, int> token_to_idx_;
};

}  // namespace attnviz::seq2seq
