// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/nmt_text.hpp"

#include "attnviz/core/utf8.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace attnviz::seq2seq {

namespace {

char32_t lower(char32_t c)
{
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0xC0) return c;
    if (c <= 0xDE) return c == 0xD7 ? c : c + 32;                                 // Latin-1
    if (c >= 0x100 && c <= 0x137) return c == 0x130 ? 'i' : (c | 1);              // Ā … ķ (İ → i)
    if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;                     // Ĺ … ň
    if (c >= 0x14A && c <= 0x177) return c | 1;                                   // Ŋ … ŷ, Œ → œ
    if (c == 0x178) return 0xFF;                                                  // Ÿ
    if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;                     // Ź … ž
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;                    // Greek
    if (c >= 0x400 && c <= 0x40F) return c + 80;                                  // Ѐ … Џ
    if (c >= 0x410 && c <= 0x42F) return c + 32;                                  // А … Я
    return c;
}

}  // namespace

std::string utf8_lower(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decode(text, i, cp);
        if (n == 0) {
            out += text[i++];
            continue;
        }
        if (n == 1)
            out += static_cast<char>(lower(cp));
        else
            utf8::append(out, lower(cp));
        i += n;
    }
    return out;
}

std::string preprocess_nmt(std::string_view text)
{
    std::string spaced;
    spaced.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "\xE2\x80\xAF") == 0) {  // U+202F
            spaced += ' ';
            i += 2;
        } else if (text.compare(i, 2, "\xC2\xA0") == 0) {  // U+00A0
            spaced += ' ';
            i += 1;
        } else {
            spaced += text[i];
        }
    }
    const std::string low = utf8_lower(spaced);
    std::string out;
    out.reserve(low.size() + low.size() / 8);
    for (std::size_t i = 0; i < low.size(); ++i) {
        const char c = low[i];
        // Byte-wise is exact: , . ! ? and ' ' are ASCII and never part of a multi-byte character.
        if (i > 0 && (c == ',' || c == '.' || c == '!' || c == '?') && low[i - 1] != ' ') out += ' ';
        out += c;
    }
    return out;
}

TokenList split_on_spaces(std::string_view line)
{
    TokenList out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t sp = line.find(' ', start);
        if (sp == std::string_view::npos) {
            out.emplace_back(line.substr(start));
            return out;
        }
        out.emplace_back(line.substr(start, sp - start));
        start = sp + 1;
    }
}

SentencePairs tokenize_nmt(std::string_view text, int num_examples)
{
    SentencePairs pairs;
    std::size_t start = 0;
    for (long long i = 0;; ++i) {
        if (num_examples > 0 && i > num_examples) break;
        const std::size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        std::size_t fields = 1;
        for (char c : line) fields += c == '\t';
        if (fields == 2 || fields == 3) {
            const std::size_t tab1 = line.find('\t');
            const std::size_t tab2 = line.find('\t', tab1 + 1);
            pairs.source.push_back(split_on_spaces(line.substr(0, tab1)));
            pairs.target.push_back(split_on_spaces(
                line.substr(tab1 + 1, tab2 == std::string_view::npos ? std::string_view::npos : tab2 - tab1 - 1)));
        }
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return pairs;
}

std::string read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot open " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string raw = ss.str();
    // Python's universal newlines: "\r\n" and "\r" → "\n".
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r') {
            out += '\n';
            if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
        } else {
            out += raw[i];
        }
    }
    return out;
}

}  // namespace attnviz::seq2seq
