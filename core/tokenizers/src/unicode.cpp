// SPDX-License-Identifier: GPL-3.0-or-later
#include "unicode.hpp"

#include <utf8proc.h>

#include <utility>

namespace attnviz::tokenizers::unicode {

namespace {
utf8proc_category_t category(char32_t c)
{
    return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}
}  // namespace

bool is_whitespace(char32_t c)
{
    if ((c >= 0x09 && c <= 0x0D) || c == 0x85) return true;
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

bool is_control(char32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r') return false;
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CS ||
           cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CN;
}

bool is_punctuation(char32_t c)
{
    const auto cat = category(c);
    return cat == UTF8PROC_CATEGORY_PC || cat == UTF8PROC_CATEGORY_PD || cat == UTF8PROC_CATEGORY_PS ||
           cat == UTF8PROC_CATEGORY_PE || cat == UTF8PROC_CATEGORY_PI || cat == UTF8PROC_CATEGORY_PF ||
           cat == UTF8PROC_CATEGORY_PO;
}

bool is_bert_punctuation(char32_t c)
{
    const bool ascii_punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
                             (c >= 123 && c <= 126);
    return ascii_punct || is_punctuation(c);
}

bool is_alphanumeric(char32_t c)
{
    const auto cat = category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool is_nonspacing_mark(char32_t c)
{
    return category(c) == UTF8PROC_CATEGORY_MN;
}

bool is_chinese_char(char32_t c)
{
    // The "CJK Unified Ideographs" blocks as BERT's tokenization.py names them.
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

int combining_class(char32_t c)
{
    return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class;
}

char32_t to_lower(char32_t c)
{
    return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

void decompose(char32_t c, bool compat, std::u32string& out)
{
    utf8proc_int32_t buf[32];
    const int options = UTF8PROC_DECOMPOSE | (compat ? UTF8PROC_COMPAT : 0);
    int last = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf, 32,
                                                       static_cast<utf8proc_option_t>(options), &last);
    if (n <= 0 || n > 32) {
        out.push_back(c);
        return;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i) out.push_back(static_cast<char32_t>(buf[i]));
}

void canonical_order(std::u32string& s, std::vector<std::size_t>* sources)
{
    // Bubble each mark left past marks of a higher combining class (runs are short).
    for (std::size_t i = 1; i < s.size(); ++i) {
        for (std::size_t j = i; j > 0; --j) {
            const int a = combining_class(s[j - 1]), b = combining_class(s[j]);
            if (b == 0 || a <= b) break;
            std::swap(s[j - 1], s[j]);
            if (sources) std::swap((*sources)[j - 1], (*sources)[j]);
        }
    }
}

std::u32string compose(const std::u32string& run, bool compat)
{
    std::u32string decomposed;
    for (char32_t c : run) decompose(c, compat, decomposed);
    canonical_order(decomposed, nullptr);
    std::u32string buf(decomposed.size() + 1, U'\0');
    for (std::size_t i = 0; i < decomposed.size(); ++i) buf[i] = decomposed[i];
    // utf8proc orders the marks and composes in place (the buffer holds the decomposed form).
    const int options = UTF8PROC_COMPOSE | UTF8PROC_STABLE;
    const utf8proc_ssize_t n = utf8proc_normalize_utf32(reinterpret_cast<utf8proc_int32_t*>(buf.data()),
                                                        static_cast<utf8proc_ssize_t>(decomposed.size()),
                                                        static_cast<utf8proc_option_t>(options));
    if (n < 0) return run;
    buf.resize(static_cast<std::size_t>(n));
    return buf;
}

}  // namespace attnviz::tokenizers::unicode
