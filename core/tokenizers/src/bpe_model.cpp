// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-pair encoding as Hugging Face's BPE model: a word starts as its characters (or, with
// byte fallback, <0xXX> byte tokens for characters outside the vocabulary), then the adjacent
// pair of lowest merge rank is merged (leftmost first among equals) until no pair has a rank.
// A priority queue keeps this O(n log n) for long words; a per-word cache makes running text
// fast (most words repeat).
#include "components.hpp"
#include "limits.hpp"
#include "models.hpp"

#include "attnviz/core/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <unordered_map>

namespace attnviz::tokenizers {

namespace {

struct Merge {
    int rank;
    int new_id;
};

// One token of a word being merged: [start, end) bytes of the piece's text, linked to its
// neighbours (-1 at the ends; id -1 once merged away).
struct Symbol {
    int id;
    std::uint32_t start, end;
    int prev, next;
};

struct CachedToken {
    int id;
    std::uint32_t start, end;
};

std::uint64_t pair_key(int a, int b)
{
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

class Bpe final : public Model {
public:
    Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options,
        const std::string& where)
        : vocab_(std::move(vocab)), options_(std::move(options))
    {
        if (merges.size() > limits::kMaxMerges)
            throw std::invalid_argument(where + ": " + std::to_string(merges.size()) + " merges, over the limit of " +
                                        std::to_string(limits::kMaxMerges));
        merges_.reserve(merges.size());
        const std::size_t prefix = options_.continuing_subword_prefix.size();
        for (std::size_t rank = 0; rank < merges.size(); ++rank) {
            const std::string& a = merges[rank].first;  // not a structured binding: clang 14 cannot capture one
            const std::string& b = merges[rank].second;
            auto shown = [&] { return where + ": merge " + std::to_string(rank) + " (\"" + a + " " + b + "\"): "; };
            const auto ia = vocab_.find(a), ib = vocab_.find(b);
            if (!ia) throw std::invalid_argument(shown() + "\"" + a + "\" is not in the vocabulary");
            if (!ib) throw std::invalid_argument(shown() + "\"" + b + "\" is not in the vocabulary");
            // "a" + "##b" merges into "ab" under a continuing-subword prefix.
            const bool b_prefixed = prefix > 0 && b.compare(0, prefix, options_.continuing_subword_prefix) == 0;
            const std::string merged = a + (b_prefixed ? b.substr(prefix) : b);
            const auto im = vocab_.find(merged);
            if (!im) throw std::invalid_argument(shown() + "the merged token \"" + merged + "\" is not in the vocabulary");
            merges_.emplace(pair_key(*ia, *ib), Merge{static_cast<int>(rank), *im});  // the first rank wins
        }
        if (options_.unk_token && !vocab_.find(*options_.unk_token))
            throw std::invalid_argument(where + ": the unknown token \"" + *options_.unk_token + "\" is not in the vocabulary");
        if (options_.byte_fallback) {
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                byte_ids_[b] = vocab_.find(name).value_or(-1);
            }
        }
    }

    void tokenize(const NormalizedString& piece, std::vector<Token>& out) const override
    {
        const std::string& word = piece.text;
        if (word.empty()) return;
        if (options_.ignore_merges) {
            if (const auto id = vocab_.find(word)) {
                out.push_back(Token{*id, word, piece.original(0, word.size())});
                return;
            }
        }
        std::vector<CachedToken> tokens;
        const bool cacheable = word.size() <= kMaxCachedWordBytes;
        bool cached = false;
        if (cacheable) {
            std::lock_guard lock(cache_mutex_);
            if (const auto it = cache_.find(word); it != cache_.end()) {
                tokens = it->second;
                cached = true;
            }
        }
        if (!cached) {
            tokens = merge_word(word);
            if (cacheable) {
                std::lock_guard lock(cache_mutex_);
                if (cache_.size() >= kCacheCapacity) cache_.clear();
                cache_.emplace(word, tokens);
            }
        }
        for (const CachedToken& t : tokens)
            out.push_back(Token{t.id, vocab_.tokens[static_cast<std::size_t>(t.id)], piece.original(t.start, t.end)});
    }

    const Vocab& vocab() const override { return vocab_; }

    std::string kind() const override
    {
        if (options_.byte_level) return "BPE (byte-level)";
        if (options_.byte_fallback) return "BPE (byte fallback)";
        return "BPE";
    }

private:
    static constexpr std::size_t kMaxCachedWordBytes = 256;
    static constexpr std::size_t kCacheCapacity = 10000;

    // The word's first symbols: its characters as tokens (prefix / suffix added), byte tokens
    // with byte fallback, or the unknown token (fused when asked); a character with none of
    // these is dropped, as Hugging Face does without an unknown token.
    std::vector<Symbol> initial_symbols(const std::string& word) const
    {
        std::vector<Symbol> symbols;
        symbols.reserve(word.size());
        const std::optional<int> unk = options_.unk_token ? vocab_.find(*options_.unk_token) : std::nullopt;
        bool previous_unk = false;
        std::string key;
        for (std::size_t i = 0; i < word.size();) {
            char32_t cp = 0;
            std::size_t len = utf8::decode(word, i, cp);
            if (len == 0) len = 1;  // a stray byte stands for itself
            const bool first = i == 0, last = i + len == word.size();
            key.assign(first ? "" : options_.continuing_subword_prefix);
            key.append(word, i, len);
            if (last) key += options_.end_of_word_suffix;
            const auto start = static_cast<std::uint32_t>(i), end = static_cast<std::uint32_t>(i + len);
            i += len;
            if (const auto id = vocab_.find(key)) {
                symbols.push_back(Symbol{*id, start, end, -1, -1});
                previous_unk = false;
                continue;
            }
            if (options_.byte_fallback) {
                bool all = true;
                for (std::uint32_t k = start; k < end; ++k) all = all && byte_ids_[static_cast<unsigned char>(word[k])] >= 0;
                if (all) {
                    for (std::uint32_t k = start; k < end; ++k)
                        symbols.push_back(Symbol{byte_ids_[static_cast<unsigned char>(word[k])], k, k + 1, -1, -1});
                    previous_unk = false;
                    continue;
                }
            }
            if (!unk) continue;
            if (options_.fuse_unk && previous_unk)
                symbols.back().end = end;
            else
                symbols.push_back(Symbol{*unk, start, end, -1, -1});
            previous_unk = true;
        }
        for (std::size_t k = 0; k < symbols.size(); ++k) {
            symbols[k].prev = static_cast<int>(k) - 1;
            symbols[k].next = k + 1 < symbols.size() ? static_cast<int>(k) + 1 : -1;
        }
        return symbols;
    }

    std::vector<CachedToken> merge_word(const std::string& word) const
    {
        std::vector<Symbol> s = initial_symbols(word);
        struct Candidate {
            int rank, pos, new_id;
            bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
        };
        std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
        auto consider = [&](int left) {
            if (left < 0 || s[static_cast<std::size_t>(left)].next < 0) return;
            const Symbol& a = s[static_cast<std::size_t>(left)];
            const auto it = merges_.find(pair_key(a.id, s[static_cast<std::size_t>(a.next)].id));
            if (it != merges_.end()) queue.push(Candidate{it->second.rank, left, it->second.new_id});
        };
        for (std::size_t k = 0; k + 1 < s.size(); ++k) consider(static_cast<int>(k));
        while (!queue.empty()) {
            const Candidate c = queue.top();
            queue.pop();
            Symbol& a = s[static_cast<std::size_t>(c.pos)];
            if (a.id < 0 || a.next < 0) continue;
            Symbol& b = s[static_cast<std::size_t>(a.next)];
            const auto it = merges_.find(pair_key(a.id, b.id));
            if (it == merges_.end() || it->second.rank != c.rank) continue;  // stale: a neighbour changed
            a.id = c.new_id;
            a.end = b.end;
            a.next = b.next;
            if (b.next >= 0) s[static_cast<std::size_t>(b.next)].prev = c.pos;
            b.id = -1;
            consider(a.prev);
            consider(c.pos);
        }
        std::vector<CachedToken> out;
        for (int k = s.empty() ? -1 : 0; k >= 0; k = s[static_cast<std::size_t>(k)].next)
            out.push_back(CachedToken{s[static_cast<std::size_t>(k)].id, s[static_cast<std::size_t>(k)].start,
                                      s[static_cast<std::size_t>(k)].end});
        return out;
    }

    Vocab vocab_;
    BpeOptions options_;
    std::unordered_map<std::uint64_t, Merge> merges_;
    int byte_ids_[256] = {};
    mutable std::mutex cache_mutex_;
    mutable std::unordered_map<std::string, std::vector<CachedToken>> cache_;
};

}  // namespace

std::unique_ptr<Model> make_bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                                BpeOptions options, const std::string& where)
{
    return std::make_unique<Bpe>(std::move(vocab), merges, std::move(options), where);
}

}  // namespace attnviz::tokenizers
