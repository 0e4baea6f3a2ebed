// SPDX-License-Identifier: GPL-3.0-or-later
#include "added_tokens.hpp"

#include "unicode.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>

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

void AddedMatcher::add(const AddedToken& token, std::size_t index, std::string pattern)
{
    if (pattern.empty()) return;
    auto& list = by_first_byte_[static_cast<unsigned char>(pattern[0])];
    list.push_back(Entry{std::move(pattern), index, token.single_word, token.lstrip, token.rstrip});
    std::stable_sort(list.begin(), list.end(),
                     [](const Entry& a, const Entry& b) { return a.pattern.size() > b.pattern.size(); });
    ++count_;
}

std::vector<AddedMatcher::Match> AddedMatcher::find(std::string_view text) const
{
    std::vector<Match> out;
    if (count_ == 0) return out;
    std::size_t last_end = 0;
    for (std::size_t i = 0; i < text.size();) {
        const Entry* hit = nullptr;
        for (const Entry& e : by_first_byte_[static_cast<unsigned char>(text[i])]) {
            if (text.compare(i, e.pattern.size(), e.pattern) != 0) continue;
            if (e.single_word) {
                std::size_t len = 0;
                if (is_word_char(char_before(text, i, len)) || is_word_char(char_at(text, i + e.pattern.size(), len))) continue;
            }
            hit = &e;
            break;
        }
        if (!hit) {
            ++i;
            continue;
        }
        std::size_t begin = i, end = i + hit->pattern.size();
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
