// SPDX-License-Identifier: GPL-3.0-or-later
#include "normalizers.hpp"

#include "regex.hpp"
#include "unicode.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

const std::vector<std::string> kSupported = {"BertNormalizer", "NFD", "NFKD", "NFC", "NFKC", "Lowercase", "Strip",
                                             "StripAccents", "Replace", "Prepend", "Sequence"};

// NFD / NFKD: each character decomposed (aligned to the character it came from), then the marks
// put in canonical order.
void decompose(NormalizedString& s, bool compat)
{
    const std::vector<Unit> in = s.units();
    std::vector<Unit> out;
    out.reserve(in.size());
    std::u32string buf;
    for (const Unit& u : in) {
        if (u.raw || u.cp < 0x80) {
            out.push_back(u);
            continue;
        }
        buf.clear();
        unicode::decompose(u.cp, compat, buf);
        for (char32_t c : buf) out.push_back(Unit{c, false, u.source});
    }
    // Canonical ordering, moving each unit's source with it.
    std::u32string cps;
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < out.size(); ++i) {
        cps.push_back(out[i].raw ? U'\0' : out[i].cp);
        order.push_back(i);
    }
    unicode::canonical_order(cps, &order);
    std::vector<Unit> ordered;
    ordered.reserve(out.size());
    for (std::size_t i : order) ordered.push_back(out[i]);
    s.assign(ordered);
}

// NFC / NFKC: composed run by run (a starter and the marks after it), each run aligned to the
// original bytes it covers.
void compose(NormalizedString& s, bool compat)
{
    const std::vector<Unit> in = s.units();
    bool ascii = true;
    for (const Unit& u : in) ascii = ascii && (u.raw || u.cp < 0x80);
    if (ascii) return;
    std::vector<Unit> out;
    std::size_t i = 0;
    while (i < in.size()) {
        if (in[i].raw) {
            out.push_back(in[i++]);
            continue;
        }
        std::size_t j = i + 1;
        while (j < in.size() && !in[j].raw && unicode::combining_class(in[j].cp) != 0) ++j;
        std::u32string run;
        for (std::size_t k = i; k < j; ++k) run.push_back(in[k].cp);
        const std::u32string composed = unicode::compose(run, compat);
        const Range source{in[i].source.first, in[j - 1].source.second};
        if (composed == run) {
            out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.begin() + static_cast<std::ptrdiff_t>(j));
        } else {
            for (char32_t c : composed) out.push_back(Unit{c, false, source});
        }
        i = j;
    }
    s.assign(out);
}

class BertNormalizer final : public Normalizer {
public:
    BertNormalizer(bool clean_text, bool chinese, bool strip_accents, bool lowercase)
        : clean_text_(clean_text), chinese_(chinese), strip_accents_(strip_accents), lowercase_(lowercase)
    {
    }
    void normalize(NormalizedString& s) const override
    {
        std::vector<Unit> units = s.units();
        std::vector<Unit> out;
        out.reserve(units.size());
        for (const Unit& u : units) {
            if (clean_text_) {
                if (u.raw || u.cp == 0 || u.cp == 0xFFFD || unicode::is_control(u.cp)) continue;
                if (unicode::is_whitespace(u.cp)) {
                    out.push_back(Unit{U' ', false, u.source});
                    continue;
                }
            }
            if (chinese_ && !u.raw && unicode::is_chinese_char(u.cp)) {
                out.push_back(Unit{U' ', false, u.source});
                out.push_back(u);
                out.push_back(Unit{U' ', false, u.source});
                continue;
            }
            out.push_back(u);
        }
        s.assign(out);
        if (strip_accents_) {
            decompose(s, false);
            units = s.units();
            out.clear();
            for (const Unit& u : units)
                if (u.raw || !unicode::is_nonspacing_mark(u.cp)) out.push_back(u);
            s.assign(out);
        }
        if (lowercase_) {
            units = s.units();
            for (Unit& u : units)
                if (!u.raw) u.cp = unicode::to_lower(u.cp);
            s.assign(units);
        }
    }

private:
    bool clean_text_, chinese_, strip_accents_, lowercase_;
};

class FunctionNormalizer final : public Normalizer {
public:
    explicit FunctionNormalizer(std::function<void(NormalizedString&)> f) : f_(std::move(f)) {}
    void normalize(NormalizedString& s) const override { f_(s); }

private:
    std::function<void(NormalizedString&)> f_;
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(const std::string& pattern, bool literal, std::string content)
        : regex_(pattern, literal), content_(std::move(content))
    {
    }
    void normalize(NormalizedString& s) const override
    {
        const std::vector<Range> matches = regex_.find_all(s.text);
        if (matches.empty()) return;
        NormalizedString out;
        std::size_t pos = 0;
        for (const Range& m : matches) {
            out.text.append(s.text, pos, m.first - pos);
            out.align.insert(out.align.end(), s.align.begin() + static_cast<std::ptrdiff_t>(pos),
                             s.align.begin() + static_cast<std::ptrdiff_t>(m.first));
            out.text += content_;
            out.align.insert(out.align.end(), content_.size(), Span(s.original(m.first, m.second)));
            pos = m.second;
        }
        out.text.append(s.text, pos, std::string::npos);
        out.align.insert(out.align.end(), s.align.begin() + static_cast<std::ptrdiff_t>(pos), s.align.end());
        s = std::move(out);
    }

private:
    Regex regex_;
    std::string content_;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
    void normalize(NormalizedString& s) const override
    {
        for (const auto& n : steps_) n->normalize(s);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> steps_;
};

void strip(NormalizedString& s, bool left, bool right)
{
    std::vector<Unit> units = s.units();
    std::size_t a = 0, b = units.size();
    if (left)
        while (a < b && !units[a].raw && unicode::is_whitespace(units[a].cp)) ++a;
    if (right)
        while (b > a && !units[b - 1].raw && unicode::is_whitespace(units[b - 1].cp)) --b;
    s.assign(std::vector<Unit>(units.begin() + static_cast<std::ptrdiff_t>(a), units.begin() + static_cast<std::ptrdiff_t>(b)));
}

void lowercase(NormalizedString& s)
{
    std::vector<Unit> units = s.units();
    for (Unit& u : units)
        if (!u.raw) u.cp = unicode::to_lower(u.cp);
    s.assign(units);
}

void strip_accents(NormalizedString& s)
{
    std::vector<Unit> units = s.units();
    std::vector<Unit> out;
    for (const Unit& u : units)
        if (u.raw || !unicode::is_nonspacing_mark(u.cp)) out.push_back(u);
    s.assign(out);
}

}  // namespace

std::unique_ptr<Normalizer> make_bert_normalizer(bool clean_text, bool handle_chinese_chars,
                                                 std::optional<bool> strip_accents, bool lowercase)
{
    return std::make_unique<BertNormalizer>(clean_text, handle_chinese_chars, strip_accents.value_or(lowercase),
                                            lowercase);
}

std::unique_ptr<Normalizer> make_normalizer(const Node& node)
{
    const std::string type = node.type();
    try {
        if (type == "BertNormalizer") {
            std::optional<bool> accents;
            if (auto a = node.get("strip_accents")) accents = a->boolean();
            return make_bert_normalizer(node.bool_or("clean_text", true), node.bool_or("handle_chinese_chars", true),
                                        accents, node.bool_or("lowercase", true));
        }
        if (type == "NFD") return std::make_unique<FunctionNormalizer>([](NormalizedString& s) { decompose(s, false); });
        if (type == "NFKD") return std::make_unique<FunctionNormalizer>([](NormalizedString& s) { decompose(s, true); });
        if (type == "NFC") return std::make_unique<FunctionNormalizer>([](NormalizedString& s) { compose(s, false); });
        if (type == "NFKC") return std::make_unique<FunctionNormalizer>([](NormalizedString& s) { compose(s, true); });
        if (type == "Lowercase") return std::make_unique<FunctionNormalizer>(lowercase);
        if (type == "StripAccents") return std::make_unique<FunctionNormalizer>(strip_accents);
        if (type == "Strip") {
            const bool left = node.bool_or("strip_left", true), right = node.bool_or("strip_right", true);
            return std::make_unique<FunctionNormalizer>([left, right](NormalizedString& s) { strip(s, left, right); });
        }
        if (type == "Prepend") {
            const std::string prefix = node.at("prepend").str();
            return std::make_unique<FunctionNormalizer>([prefix](NormalizedString& s) {
                if (!s.empty()) s.prepend(prefix);
            });
        }
        if (type == "Replace") {
            const Node pattern = node.at("pattern");
            const std::string content = node.at("content").str();
            if (auto s = pattern.get("String")) return std::make_unique<ReplaceNormalizer>(s->str(), true, content);
            if (auto r = pattern.get("Regex")) return std::make_unique<ReplaceNormalizer>(r->str(), false, content);
            pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
        }
        if (type == "Sequence") {
            const Node list = node.at("normalizers");
            std::vector<std::unique_ptr<Normalizer>> steps;
            for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(make_normalizer(list.item(i)));
            return std::make_unique<SequenceNormalizer>(std::move(steps));
        }
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        if (what.rfind(node.file() + ":", 0) == 0) throw;
        node.fail(what);
    }
    node.at("type").fail("normalizer \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
