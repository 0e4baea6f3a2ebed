// SPDX-License-Identifier: GPL-3.0-or-later
#include "pre_tokenizers.hpp"

#include "byte_level.hpp"
#include "regex.hpp"
#include "split.hpp"
#include "unicode.hpp"

#include "attnviz/core/utf8.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

const std::vector<std::string> kSupported = {"ByteLevel",   "Split",  "Metaspace",          "Whitespace",
                                             "WhitespaceSplit", "BertPreTokenizer", "Punctuation", "Digits",
                                             "CharDelimiterSplit", "Sequence"};

// Applies SPLIT to every piece.
template <class F>
void each_piece(std::vector<NormalizedString>& pieces, F&& split)
{
    std::vector<NormalizedString> out;
    out.reserve(pieces.size());
    for (const NormalizedString& p : pieces) split(p, out);
    pieces.swap(out);
}

class ByteLevelPre final : public PreTokenizer {
public:
    ByteLevelPre(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space)
    {
        if (use_regex) regex_ = std::make_unique<Regex>(byte_level::kGpt2Pattern, false);
        for (int b = 0; b < 256; ++b) utf8::append(byte_chars_[b], byte_level::char_of_byte(static_cast<unsigned char>(b)));
    }
    void pre_tokenize(std::vector<NormalizedString>& pieces) const override
    {
        each_piece(pieces, [&](const NormalizedString& p, std::vector<NormalizedString>& out) {
            NormalizedString prefixed;
            const bool prefix = add_prefix_space_ && (p.text.empty() || p.text[0] != ' ');
            if (prefix) {
                prefixed = p;
                prefixed.prepend(" ");
            }
            const NormalizedString& s = prefix ? prefixed : p;
            // The regex's matches and the gaps between them (Isolated), each mapped straight from
            // S: every byte becomes its printable character, aligned to where the byte came from.
            auto map_range = [&](std::size_t a, std::size_t b) {
                if (b <= a) return;
                NormalizedString mapped;
                mapped.text.reserve((b - a) * 2);
                mapped.align.reserve((b - a) * 2);
                for (std::size_t i = a; i < b; ++i) {
                    const std::string& spelled = byte_chars_[static_cast<unsigned char>(s.text[i])];
                    mapped.text += spelled;
                    mapped.align.insert(mapped.align.end(), spelled.size(), s.align[i]);
                }
                out.push_back(std::move(mapped));
            };
            if (!regex_) {
                map_range(0, s.text.size());
                return;
            }
            std::size_t pos = 0;
            for (const Range& m : regex_->find_all(s.text)) {
                map_range(pos, m.first);
                map_range(m.first, m.second);
                pos = m.second;
            }
            map_range(pos, s.text.size());
        });
    }

private:
    bool add_prefix_space_;
    std::unique_ptr<Regex> regex_;
    std::string byte_chars_[256];  // each byte's character in UTF-8
};

class SplitPre final : public PreTokenizer {
public:
    SplitPre(const std::string& pattern, bool literal, SplitBehavior behavior, bool invert)
        : regex_(pattern, literal), behavior_(behavior), invert_(invert)
    {
    }
    void pre_tokenize(std::vector<NormalizedString>& pieces) const override
    {
        each_piece(pieces, [&](const NormalizedString& p, std::vector<NormalizedString>& out) {
            split_at(p, regex_.find_all(p.text), behavior_, invert_, out);
        });
    }

private:
    Regex regex_;
    SplitBehavior behavior_;
    bool invert_;
};

class CharSplitPre final : public PreTokenizer {
public:
    CharSplitPre(std::function<bool(char32_t)> is_delimiter, SplitBehavior behavior)
        : is_delimiter_(std::move(is_delimiter)), behavior_(behavior)
    {
    }
    void pre_tokenize(std::vector<NormalizedString>& pieces) const override
    {
        each_piece(pieces, [&](const NormalizedString& p, std::vector<NormalizedString>& out) {
            split_at(p, char_matches(p.text, is_delimiter_), behavior_, false, out);
        });
    }

private:
    std::function<bool(char32_t)> is_delimiter_;
    SplitBehavior behavior_;
};

enum class PrependScheme { Always, First, Never };

class MetaspacePre final : public PreTokenizer {
public:
    MetaspacePre(char32_t replacement, PrependScheme scheme, bool split) : scheme_(scheme), split_(split)
    {
        utf8::append(replacement_, replacement);
        replacement_cp_ = replacement;
    }
    void pre_tokenize(std::vector<NormalizedString>& pieces) const override
    {
        each_piece(pieces, [&](const NormalizedString& p, std::vector<NormalizedString>& out) {
            std::vector<Unit> units = p.units();
            for (Unit& u : units)
                if (!u.raw && u.cp == U' ') u.cp = replacement_cp_;
            NormalizedString s;
            s.assign(units);
            const bool starts = s.text.compare(0, replacement_.size(), replacement_) == 0;
            if (!starts && (scheme_ == PrependScheme::Always ||
                            (scheme_ == PrependScheme::First && !s.align.empty() && s.align[0].first == 0)))
                s.prepend(replacement_);
            if (split_)
                split_at(s, char_matches(s.text, [this](char32_t c) { return c == replacement_cp_; }),
                         SplitBehavior::MergedWithNext, false, out);
            else if (!s.empty())
                out.push_back(std::move(s));
        });
    }

private:
    std::string replacement_;
    char32_t replacement_cp_ = 0;
    PrependScheme scheme_;
    bool split_;
};

class SequencePre final : public PreTokenizer {
public:
    explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
    void pre_tokenize(std::vector<NormalizedString>& pieces) const override
    {
        for (const auto& s : steps_) s->pre_tokenize(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

char32_t single_char(const Node& n)
{
    const std::string s = n.str();
    char32_t c = 0;
    const std::size_t len = utf8::decode(s, 0, c);
    if (len == 0 || len != s.size()) n.fail("expected one character, got \"" + s + "\"");
    return c;
}

// Split's "pattern": {"String": "..."} or {"Regex": "..."}.
std::pair<std::string, bool> pattern_of(const Node& n)
{
    if (auto s = n.get("String")) return {s->str(), true};
    if (auto r = n.get("Regex")) return {r->str(), false};
    n.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

}  // namespace

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex)
{
    return std::make_unique<ByteLevelPre>(add_prefix_space, use_regex);
}

std::unique_ptr<PreTokenizer> make_bert_pre_tokenizer()
{
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.push_back(std::make_unique<CharSplitPre>(unicode::is_whitespace, SplitBehavior::Removed));
    steps.push_back(std::make_unique<CharSplitPre>(unicode::is_bert_punctuation, SplitBehavior::Isolated));
    return std::make_unique<SequencePre>(std::move(steps));
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Node& node, PreTokenizerFacts& facts)
{
    const std::string type = node.type();
    try {
        if (type == "ByteLevel") {
            facts.byte_level = true;
            return make_byte_level_pre_tokenizer(node.bool_or("add_prefix_space", true), node.bool_or("use_regex", true));
        }
        if (type == "Split") {
            const auto [pattern, literal] = pattern_of(node.at("pattern"));
            return std::make_unique<SplitPre>(pattern, literal,
                                              split_behavior_from_name(node.str_or("behavior", "Isolated")),
                                              node.bool_or("invert", false));
        }
        if (type == "Metaspace") {
            const char32_t replacement = node.get("replacement") ? single_char(node.at("replacement")) : U'\u2581';
            PrependScheme scheme = node.bool_or("add_prefix_space", true) ? PrependScheme::Always : PrependScheme::Never;
            if (auto s = node.get("prepend_scheme")) {
                const std::string name = s->str();
                if (name == "always") scheme = PrependScheme::Always;
                else if (name == "first") scheme = PrependScheme::First;
                else if (name == "never") scheme = PrependScheme::Never;
                else s->fail("expected always, first or never, got \"" + name + "\"");
            }
            return std::make_unique<MetaspacePre>(replacement, scheme, node.bool_or("split", true));
        }
        if (type == "Whitespace")  // \w+|[^\w\s]+ kept, the rest (whitespace) removed
            return std::make_unique<SplitPre>(R"(\w+|[^\w\s]+)", false, SplitBehavior::Removed, true);
        if (type == "WhitespaceSplit")
            return std::make_unique<CharSplitPre>(unicode::is_whitespace, SplitBehavior::Removed);
        if (type == "BertPreTokenizer") return make_bert_pre_tokenizer();
        if (type == "Punctuation")
            return std::make_unique<CharSplitPre>(unicode::is_bert_punctuation,
                                                  split_behavior_from_name(node.str_or("behavior", "Isolated")));
        if (type == "Digits") {
            const bool individual = node.bool_or("individual_digits", false);
            auto is_digit = [](char32_t c) { return c >= U'0' && c <= U'9'; };
            return std::make_unique<CharSplitPre>(is_digit, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
        }
        if (type == "CharDelimiterSplit") {
            const char32_t delimiter = single_char(node.at("delimiter"));
            return std::make_unique<CharSplitPre>([delimiter](char32_t c) { return c == delimiter; }, SplitBehavior::Removed);
        }
        if (type == "Sequence") {
            const Node list = node.at("pretokenizers");
            std::vector<std::unique_ptr<PreTokenizer>> steps;
            for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(make_pre_tokenizer(list.item(i), facts));
            return std::make_unique<SequencePre>(std::move(steps));
        }
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        if (what.rfind(node.file() + ":", 0) == 0) throw;
        node.fail(what);
    }
    node.at("type").fail("pre-tokenizer \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
