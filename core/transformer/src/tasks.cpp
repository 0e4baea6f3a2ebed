// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/transformer/tasks.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

namespace attnviz::transformer {

namespace {

std::string str(long long v) { return std::to_string(v); }

int below(Rng& rng, int n) { return static_cast<int>(rng.below(static_cast<std::uint64_t>(n))); }

// The English side of d2l sentence pairs (every non-empty line holds a tab): the text before
// each line's first tab, lines joined by '\n'. Anything else is returned as it is.
std::string english_side_if_pairs(std::string_view text)
{
    bool pairs = false, any = false;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line != "\r") {
            any = true;
            if (line.find('\t') == std::string_view::npos) return std::string(text);
            pairs = true;
        }
        start = end + 1;
    }
    if (!any || !pairs) return std::string(text);
    std::string out;
    start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(start, end - start);
        const std::size_t tab = line.find('\t');
        if (tab != std::string_view::npos) {
            out.append(line.substr(0, tab));
            out.push_back('\n');
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string_view task_name(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Induction: return "induction";
    case TaskKind::Copy: return "copy";
    case TaskKind::Reverse: return "reverse";
    case TaskKind::Sort: return "sort";
    case TaskKind::Text: return "text";
    }
    return "induction";
}

std::optional<TaskKind> task_from_name(std::string_view name)
{
    for (TaskKind k : {TaskKind::Induction, TaskKind::Copy, TaskKind::Reverse, TaskKind::Sort, TaskKind::Text})
        if (task_name(k) == name) return k;
    return std::nullopt;
}

Task::Task(TaskKind kind, int vocab, int ctx) : kind_(kind), ctx_(ctx), base_vocab_(vocab)
{
    if (kind == TaskKind::Text)
        throw std::invalid_argument("the text task is made from a file (Task::from_text_file)");
    const int min_ctx = kind == TaskKind::Induction ? 4 : 5;
    if (vocab < 2) throw std::invalid_argument("task " + std::string(task_name(kind)) + ": vocab must be ≥ 2, got " + str(vocab));
    if (ctx < min_ctx)
        throw std::invalid_argument("task " + std::string(task_name(kind)) + ": ctx must be ≥ " + str(min_ctx) +
                                    ", got " + str(ctx));
    for (int i = 0; i < vocab; ++i) {
        std::string name(1, 't');
        name += std::to_string(i);
        names_.push_back(std::move(name));
    }
    if (kind != TaskKind::Induction) {
        separator_ = vocab;
        names_.push_back("|");
    }
}

Task Task::from_text(std::string_view utf8_text, int ctx, std::string_view what)
{
    const std::string label(what);
    if (ctx < 4) throw std::invalid_argument(label + ": ctx must be ≥ 4, got " + str(ctx));
    const std::string text = english_side_if_pairs(utf8_text);
    std::vector<char32_t> cps;
    cps.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t len = utf8::decode(text, i, cp);
        if (len == 0) throw std::invalid_argument(label + ": not UTF-8 text (byte " + str(static_cast<long long>(i)) + ")");
        if (cp != U'\r') cps.push_back(cp);
        i += len;
    }
    if (static_cast<long long>(cps.size()) < ctx + 1)
        throw std::invalid_argument(label + ": " + str(static_cast<long long>(cps.size())) +
                                    " characters, need at least ctx + 1 = " + str(ctx + 1));
    std::map<char32_t, int> ids;
    for (char32_t c : cps) ids.emplace(c, 0);
    if (static_cast<int>(ids.size()) > kMaxTextVocab)
        throw std::invalid_argument(label + ": " + str(static_cast<long long>(ids.size())) +
                                    " distinct characters, the limit is " + str(kMaxTextVocab));
    Task t;
    t.kind_ = TaskKind::Text;
    t.ctx_ = ctx;
    int next = 0;
    for (auto& [c, id] : ids) {
        id = next++;
        std::string name;
        utf8::append(name, c);
        t.names_.push_back(name);
    }
    t.base_vocab_ = next;
    t.text_.reserve(cps.size());
    for (char32_t c : cps) t.text_.push_back(ids[c]);
    return t;
}

Task Task::from_text_file(const std::filesystem::path& path, int ctx)
{
    std::ifstream in(path, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(path, ec))
        throw std::invalid_argument("cannot read text file " + path.string());
    std::string bytes(kMaxTextBytes, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (bytes.size() == kMaxTextBytes) {  // cut at the cap: drop a code point cut in half
        std::size_t back = 0;
        while (back < 4 && back < bytes.size() && (static_cast<unsigned char>(bytes[bytes.size() - 1 - back]) & 0xC0) == 0x80)
            ++back;
        if (back < bytes.size()) bytes.resize(bytes.size() - back - 1);
    }
    return from_text(bytes, ctx, path.string());
}

void Task::sample_into(Rng& rng, std::vector<int>& out, std::vector<char>& scored, int& repeat) const
{
    const int n = ctx_, V = base_vocab_;
    out.resize(static_cast<std::size_t>(n));
    scored.assign(static_cast<std::size_t>(n - 1), 0);
    repeat = 0;
    switch (kind_) {
    case TaskKind::Induction: {
        const int lo = std::max(2, n / 8), hi = n / 2;
        const int k = lo + below(rng, hi - lo + 1);
        for (int i = 0; i < k; ++i) out[i] = below(rng, V);
        for (int i = k; i < 2 * k; ++i) out[i] = out[i - k];
        for (int i = 2 * k; i < n; ++i) out[i] = below(rng, V);
        for (int t = k; t <= 2 * k - 2; ++t) scored[t] = 1;  // predicts out[t + 1], a copied token
        repeat = k;
        break;
    }
    case TaskKind::Copy:
    case TaskKind::Reverse:
    case TaskKind::Sort: {
        const int m = 1 + below(rng, (n - 1) / 2);
        for (int i = 0; i < m; ++i) out[i] = below(rng, V);
        out[m] = separator_;
        for (int i = 0; i < m; ++i) out[m + 1 + i] = out[i];
        if (kind_ == TaskKind::Reverse) std::reverse(out.begin() + m + 1, out.begin() + 2 * m + 1);
        if (kind_ == TaskKind::Sort) std::sort(out.begin() + m + 1, out.begin() + 2 * m + 1);
        for (int i = 2 * m + 1; i < n; ++i) out[i] = separator_;
        for (int t = m; t <= 2 * m - 1; ++t) scored[t] = 1;  // predicts the answer tokens
        repeat = m;
        break;
    }
    case TaskKind::Text: {
        const int start = below(rng, static_cast<int>(text_.size()) - n + 1);
        for (int i = 0; i < n; ++i) out[i] = text_[static_cast<std::size_t>(start + i)];
        std::fill(scored.begin(), scored.end(), 1);
        break;
    }
    }
}

Sequence Task::sample(Rng& rng) const
{
    Sequence s;
    sample_into(rng, s.tokens, s.scored, s.repeat);
    return s;
}

}  // namespace attnviz::transformer
