// SPDX-License-Identifier: GPL-3.0-or-later
#include "added_tokens.hpp"

#include "limits.hpp"
#include "unicode.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

bool is_word_char(char32_t c)
{
    return c == U'_' || unicode::is_alphanumeric(c);
}

// The character ending just before byte I (0 when none or not UTF-8); LEN: its bytes.
char32_t char_before(std::string_view text, std::size_t i, std::size_t& len)
{
    for (std::size_t back = 1; back <= 4 && back <= i; ++back) {
        char32_t c = 0;
        if (utf8::decode(text, i - back, c) == back) {
            len = back;
            return c;
        }
    }
    len = 0;
    return 0;
}

char32_t char_at(std::string_view text, std::size_t i, std::size_t& len)
{
    char32_t c = 0;
    len = i < text.size() ? utf8::decode(text, i, c) : 0;
    return len ? c : 0;
}

}  // namespace

int AddedMatcher::child(int node, unsigned char byte) const
{
    const auto& c = nodes_[static_cast<std::size_t>(node)].children;
    const auto it = std::lower_bound(c.begin(), c.end(), std::pair<unsigned char, int>{byte, -1});
    return it != c.end() && it->first == byte ? it->second : -1;
}

void AddedMatcher::add(const AddedToken& token, std::size_t index, const std::string& pattern)
{
    if (pattern.empty()) return;
    if (nodes_.size() + pattern.size() > limits::kMaxAddedTokenBytes)
        throw std::invalid_argument("the added tokens hold more than " + std::to_string(limits::kMaxAddedTokenBytes) +
                                    " bytes together");
    int node = 0;
    for (const char ch : pattern) {
        const auto byte = static_cast<unsigned char>(ch);
        int next = child(node, byte);
        if (next < 0) {
            next = static_cast<int>(nodes_.size());
            nodes_.emplace_back();
            auto& c = nodes_[static_cast<std::size_t>(node)].children;
            c.insert(std::lower_bound(c.begin(), c.end(), std::pair<unsigned char, int>{byte, -1}), {byte, next});
        }
        node = next;
    }
    if (nodes_[static_cast<std::size_t>(node)].entry >= 0) return;
    nodes_[static_cast<std::size_t>(node)].entry = static_cast<int>(entries_.size());
    entries_.push_back(Entry{index, token.single_word, token.lstrip, token.rstrip});
    ++count_;
}

std::vector<AddedMatcher::Match> AddedMatcher::find(std::string_view text) const
{
    std::vector<Match> out;
    if (count_ == 0) return out;
    std::size_t last_end = 0;
    for (std::size_t i = 0; i < text.size();) {
        // The longest pattern starting at i (that keeps single_word's rule).
        const Entry* hit = nullptr;
        std::size_t hit_length = 0;
        int node = 0;
        for (std::size_t k = i; k < text.size(); ++k) {
            node = child(node, static_cast<unsigned char>(text[k]));
            if (node < 0) break;
            const int e = nodes_[static_cast<std::size_t>(node)].entry;
            if (e < 0) continue;
            const Entry& entry = entries_[static_cast<std::size_t>(e)];
            if (entry.single_word) {
                std::size_t len = 0;
                if (is_word_char(char_before(text, i, len)) || is_word_char(char_at(text, k + 1, len))) continue;
            }
            hit = &entry;
            hit_length = k + 1 - i;
        }
        if (!hit) {
            ++i;
            continue;
        }
        std::size_t begin = i, end = i + hit_length;
        if (hit->lstrip) {
            std::size_t len = 0;
            while (begin > last_end) {
                const char32_t c = char_before(text, begin, len);
                if (!len || begin - len < last_end || !unicode::is_whitespace(c)) break;
                begin -= len;
            }
        }
        if (hit->rstrip) {
            std::size_t len = 0;
            while (end < text.size()) {
                const char32_t c = char_at(text, end, len);
                if (!len || !unicode::is_whitespace(c)) break;
                end += len;
            }
        }
        out.push_back(Match{begin, end, hit->token});
        last_end = end;
        i = end;
    }
    return out;
}

}  // namespace attnviz::tokenizers
