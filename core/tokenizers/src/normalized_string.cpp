// SPDX-License-Identifier: GPL-3.0-or-later
#include "normalized_string.hpp"

#include "attnviz/core/utf8.hpp"

namespace attnviz::tokenizers {

NormalizedString NormalizedString::from_original(std::string_view original, std::size_t offset, bool replace_invalid)
{
    NormalizedString n;
    n.text.reserve(original.size());
    n.align.reserve(original.size());
    for (std::size_t i = 0; i < original.size();) {
        char32_t cp = 0;
        const std::size_t len = utf8::decode(original, i, cp);
        if (len == 0) {
            if (replace_invalid) {
                append_unit(n.text, n.align, Unit{0xFFFD, false, {offset + i, offset + i + 1}});
            } else {
                n.text.push_back(original[i]);
                n.align.emplace_back(offset + i, offset + i + 1);
            }
            ++i;
            continue;
        }
        for (std::size_t k = 0; k < len; ++k) {
            n.text.push_back(original[i + k]);
            n.align.emplace_back(offset + i, offset + i + len);
        }
        i += len;
    }
    return n;
}

Range NormalizedString::original(std::size_t a, std::size_t b) const
{
    if (align.empty()) return {0, 0};
    if (a >= b) {
        const std::size_t p = a < align.size() ? align[a].first : align.back().second;
        return {p, p};
    }
    return {align[a].first, align[b - 1].second};
}

NormalizedString NormalizedString::slice(std::size_t a, std::size_t b) const
{
    NormalizedString n;
    n.text.assign(text, a, b - a);
    n.align.assign(align.begin() + static_cast<std::ptrdiff_t>(a), align.begin() + static_cast<std::ptrdiff_t>(b));
    return n;
}

std::vector<Unit> NormalizedString::units() const
{
    std::vector<Unit> out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t len = utf8::decode(text, i, cp);
        if (len == 0) {
            out.push_back(Unit{static_cast<unsigned char>(text[i]), true, align[i]});
            ++i;
        } else {
            out.push_back(Unit{cp, false, {align[i].first, align[i + len - 1].second}});
            i += len;
        }
    }
    return out;
}

void append_unit(std::string& text, std::vector<Span>& align, const Unit& u)
{
    const std::size_t before = text.size();
    if (u.raw)
        text.push_back(static_cast<char>(u.cp));
    else
        utf8::append(text, u.cp);
    align.insert(align.end(), text.size() - before, Span(u.source));
}

void NormalizedString::assign(const std::vector<Unit>& units)
{
    text.clear();
    align.clear();
    for (const Unit& u : units) append_unit(text, align, u);
}

void NormalizedString::prepend(std::string_view s)
{
    Span first{0, 0};
    if (!align.empty()) first = align.front();  // the whole first character: its bytes share one source
    text.insert(0, s);
    align.insert(align.begin(), s.size(), first);
}

}  // namespace attnviz::tokenizers
