// SPDX-License-Identifier: GPL-3.0-or-later
#include "split.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <stdexcept>

namespace attnviz::tokenizers {

SplitBehavior split_behavior_from_name(const std::string& name)
{
    if (name == "Removed") return SplitBehavior::Removed;
    if (name == "Isolated") return SplitBehavior::Isolated;
    if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
    if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
    if (name == "Contiguous") return SplitBehavior::Contiguous;
    throw std::invalid_argument("unknown split behavior \"" + name +
                                "\" (known: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
}

void split_at(const NormalizedString& s, const std::vector<Range>& delimiters, SplitBehavior behavior, bool invert,
              std::vector<NormalizedString>& out)
{
    // The whole text as alternating (range, is_delimiter) parts, as Hugging Face's find_matches.
    std::vector<std::pair<Range, bool>> parts;
    std::size_t pos = 0;
    for (const Range& d : delimiters) {
        if (d.first > pos) parts.push_back({{pos, d.first}, invert});
        parts.push_back({d, !invert});
        pos = d.second;
    }
    if (pos < s.text.size()) parts.push_back({{pos, s.text.size()}, invert});

    std::vector<Range> pieces;
    switch (behavior) {
    case SplitBehavior::Removed:
        for (const auto& [r, delim] : parts)
            if (!delim) pieces.push_back(r);
        break;
    case SplitBehavior::Isolated:
        for (const auto& [r, delim] : parts) pieces.push_back(r);
        break;
    case SplitBehavior::MergedWithPrevious: {
        bool previous_delim = false;
        for (const auto& [r, delim] : parts) {
            if (delim && !previous_delim && !pieces.empty())
                pieces.back().second = r.second;
            else
                pieces.push_back(r);
            previous_delim = delim;
        }
        break;
    }
    case SplitBehavior::MergedWithNext: {
        bool next_delim = false;
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
            const auto& [r, delim] = *it;
            if (delim && !next_delim && !pieces.empty())
                pieces.back().first = r.first;
            else
                pieces.push_back(r);
            next_delim = delim;
        }
        std::reverse(pieces.begin(), pieces.end());
        break;
    }
    case SplitBehavior::Contiguous: {
        bool previous_delim = false;
        for (const auto& [r, delim] : parts) {
            if (delim == previous_delim && !pieces.empty())
                pieces.back().second = r.second;
            else
                pieces.push_back(r);
            previous_delim = delim;
        }
        break;
    }
    }
    for (const Range& r : pieces)
        if (r.second > r.first) out.push_back(s.slice(r.first, r.second));
}

std::vector<Range> char_matches(const std::string& text, const std::function<bool(char32_t)>& is_delimiter)
{
    std::vector<Range> out;
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        std::size_t len = utf8::decode(text, i, c);
        if (len == 0) {
            len = 1;
            c = 0xFFFD;
        }
        if (is_delimiter(c)) out.emplace_back(i, i + len);
        i += len;
    }
    return out;
}

}  // namespace attnviz::tokenizers
