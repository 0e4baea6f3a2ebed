// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/vocab.hpp"

#include <algorithm>
#include <stdexcept>

namespace attnviz::seq2seq {

Vocab::Vocab(std::vector<std::string> idx_to_token) : idx_to_token_(std::move(idx_to_token))
{
    if (idx_to_token_.empty()) idx_to_token_.push_back("<unk>");
    for (int i = 0; i < size(); ++i) token_to_idx_.emplace(idx_to_token_[i], i);  // first wins, like d2l
}

Vocab Vocab::build(const std::vector<TokenList>& lines, int min_freq, const std::vector<std::string>& reserved)
{
    // collections.Counter: counts in first-seen order.
    std::unordered_map<std::string, std::size_t> slot;
    std::vector<std::pair<std::string, long long>> counts;
    for (const auto& line : lines)
        for (const auto& tok : line) {
            auto [it, inserted] = slot.emplace(tok, counts.size());
            if (inserted) counts.emplace_back(tok, 0);
            ++counts[it->second].second;
        }
    std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> itos{"<unk>"};
    itos.insert(itos.end(), reserved.begin(), reserved.end());
    Vocab v(itos);
    for (const auto& [tok, freq] : counts) {
        if (freq < min_freq) break;
        if (v.token_to_idx_.count(tok)) continue;
        v.token_to_idx_.emplace(tok, v.size());
        v.idx_to_token_.push_back(tok);
    }
    return v;
}

int Vocab::operator[](std::string_view token) const
{
    const auto it = token_to_idx_.find(std::string(token));
    return it == token_to_idx_.end() ? unk() : it->second;
}

bool Vocab::contains(std::string_view token) const { return token_to_idx_.count(std::string(token)) > 0; }

const std::string& Vocab::token(int index) const
{
    if (index < 0 || index >= size())
        throw std::invalid_argument("Vocab: index " + std::to_string(index) + " outside [0, " +
                                    std::to_string(size()) + ")");
    return idx_to_token_[static_cast<std::size_t>(index)];
}

std::vector<int> Vocab::indices(const TokenList& tokens) const
{
    std::vector<int> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) out.push_back((*this)[t]);
    return out;
}

TokenList Vocab::tokens(const std::vector<int>& indices) const
{
    TokenList out;
    out.reserve(indices.size());
    for (int i : indices) out.push_back(token(i));
    return out;
}

}  // namespace attnviz::seq2seq
