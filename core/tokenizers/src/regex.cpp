// SPDX-License-Identifier: GPL-3.0-or-later
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.hpp"

#include <pcre2.h>

#include <stdexcept>

namespace attnviz::tokenizers {

struct Regex::Code {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Code()
    {
        if (code) pcre2_code_free(code);
    }
};

namespace {

// One JIT stack per thread, larger than the 32 KB default so that long runs of whitespace
// under a lookahead do not fail (1 MB at most).
struct JitStack {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    JitStack()
    {
        if (stack && context) pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~JitStack()
    {
        if (context) pcre2_match_context_free(context);
        if (stack) pcre2_jit_stack_free(stack);
    }
};

std::string error_text(int code)
{
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(code, buf, sizeof buf);
    return reinterpret_cast<const char*>(buf);
}

std::size_t char_length(std::string_view text, std::size_t i)
{
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + len > text.size()) len = 1;
    return len;
}

}  // namespace

Regex::Regex(const std::string& pattern, bool literal) : code_(std::make_unique<Code>())
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    // PCRE2_LITERAL refuses PCRE2_UCP (it has no character classes to apply it to).
    const uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
    code_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &error,
                                &offset, nullptr);
    if (!code_->code) {
        std::string shown = pattern.size() > 80 ? pattern.substr(0, 80) + "..." : pattern;
        throw std::invalid_argument("regular expression \"" + shown + "\": " + error_text(error) + " at offset " +
                                    std::to_string(offset));
    }
    code_->jit = pcre2_jit_compile(code_->code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() = default;

std::vector<Range> Regex::find_all(std::string_view text) const
{
    thread_local JitStack jit_stack;
    std::vector<Range> out;
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_->code, nullptr);
    if (!md) throw std::bad_alloc();
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t start = 0;
    while (start <= text.size()) {
        int rc = pcre2_match(code_->code, subject, text.size(), start, 0, md, jit_stack.context);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)  // the interpreter keeps its frames on the heap
            rc = pcre2_match(code_->code, subject, text.size(), start, PCRE2_NO_JIT, md, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            pcre2_match_data_free(md);
            throw std::invalid_argument("regular expression failed on the text: " + error_text(rc));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        const std::size_t b = ov[0], e = ov[1];
        std::size_t next = start;
        if (e > b) {
            out.emplace_back(b, e);
            next = e;
        } else if (b < text.size()) {
            next = b + char_length(text, b);  // an empty match: step over one character
        }
        // Always forward (\K can report a match that ends before it starts).
        if (next <= start) {
            if (start >= text.size()) break;
            next = start + char_length(text, start);
        }
        start = next;
    }
    pcre2_match_data_free(md);
    return out;
}

}  // namespace attnviz::tokenizers
