// SPDX-License-Identifier: GPL-3.0-or-later
#include "post_processors.hpp"

#include "byte_level.hpp"
#include "unicode.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

const std::vector<std::string> kSupported = {"TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel",
                                             "Sequence"};

void push_special(Encoding& e, int id, const std::string& token, bool front)
{
    const auto at = [&](auto& v) { return front ? v.begin() : v.end(); };
    e.ids.insert(at(e.ids), id);
    e.tokens.insert(at(e.tokens), token);
    e.offsets.insert(at(e.offsets), std::pair<std::size_t, std::size_t>{0, 0});
    e.special.insert(at(e.special), true);
}

// SPECIALS before and after the sequence.
class Wrap final : public PostProcessor {
public:
    Wrap(SpecialList before, SpecialList after) : before_(std::move(before)), after_(std::move(after)) {}
    void process(Encoding& e, bool add_special, std::string_view) const override
    {
        if (!add_special) return;
        for (auto it = before_.rbegin(); it != before_.rend(); ++it) push_special(e, it->first, it->second, true);
        for (const auto& [id, token] : after_) push_special(e, id, token, false);
    }

private:
    SpecialList before_, after_;
};

// Byte-level offsets trimmed of the spaces a token starts or ends with ("Ġthe" covers "the"),
// as Hugging Face's process_offsets.
void trim_offsets(Encoding& e, bool add_prefix_space)
{
    for (std::size_t i = 0; i < e.ids.size(); ++i) {
        if (e.special[i]) continue;
        std::vector<char32_t> chars;
        const std::string& t = e.tokens[i];
        for (std::size_t k = 0; k < t.size();) {
            char32_t c = 0;
            const std::size_t len = utf8::decode(t, k, c);
            chars.push_back(len ? c : 0xFFFD);
            k += len ? len : 1;
        }
        auto is_space = [](char32_t c) { return c == byte_level::char_of_byte(' ') || unicode::is_whitespace(c); };
        std::size_t leading = 0, trailing = 0;
        while (leading < chars.size() && is_space(chars[leading])) ++leading;
        while (trailing < chars.size() && is_space(chars[chars.size() - 1 - trailing])) ++trailing;
        auto& [begin, end] = e.offsets[i];
        if (leading > 0) {
            const bool first = i == 0 || begin == 0;
            if (!(first && add_prefix_space && leading == 1)) begin = std::min(begin + leading, end);
        }
        if (trailing > 0 && end >= trailing) end = std::max(end - trailing, begin);
    }
}

class ByteLevelPost final : public PostProcessor {
public:
    ByteLevelPost(bool trim, bool add_prefix_space) : trim_(trim), add_prefix_space_(add_prefix_space) {}
    void process(Encoding& e, bool, std::string_view) const override
    {
        if (trim_) trim_offsets(e, add_prefix_space_);
    }

private:
    bool trim_, add_prefix_space_;
};

class RobertaPost final : public PostProcessor {
public:
    RobertaPost(std::pair<int, std::string> cls, std::pair<int, std::string> sep, bool trim, bool add_prefix_space)
        : wrap_({cls}, {sep}), trim_(trim), add_prefix_space_(add_prefix_space)
    {
    }
    void process(Encoding& e, bool add_special, std::string_view input) const override
    {
        if (trim_) trim_offsets(e, add_prefix_space_);
        wrap_.process(e, add_special, input);
    }

private:
    Wrap wrap_;
    bool trim_, add_prefix_space_;
};

class SequencePost final : public PostProcessor {
public:
    explicit SequencePost(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
    void process(Encoding& e, bool add_special, std::string_view input) const override
    {
        for (const auto& s : steps_) s->process(e, add_special, input);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> steps_;
};

// ["[SEP]", 102]
std::pair<int, std::string> token_pair(const Node& n)
{
    if (n.size() != 2) n.fail("expected [TOKEN, ID]");
    return {static_cast<int>(n.item(1).integer(0, 1 << 30)), n.item(0).str()};
}

// TemplateProcessing's "single": the specials before and after "$A". The list form
// [{"SpecialToken": {"id": "[CLS]"}}, {"Sequence": {"id": "A"}}] or the string "[CLS] $A [SEP]".
std::unique_ptr<PostProcessor> template_processing(const Node& node)
{
    const Node specials = node.at("special_tokens");
    auto resolve = [&](const std::string& name, const Node& where, SpecialList& into) {
        const auto entry = specials.get(name);
        if (!entry) where.fail("special token \"" + name + "\" is not in special_tokens");
        const Node ids = entry->at("ids"), tokens = entry->at("tokens");
        if (ids.size() != tokens.size()) entry->fail("\"ids\" and \"tokens\" differ in length");
        for (std::size_t i = 0; i < ids.size(); ++i)
            into.emplace_back(static_cast<int>(ids.item(i).integer(0, 1 << 30)), tokens.item(i).str());
    };
    SpecialList before, after;
    bool seen_sequence = false;
    const Node single = node.at("single");
    if (single.value().is_string()) {
        const std::string text = single.str();
        std::size_t pos = 0;
        while (pos < text.size()) {
            const std::size_t end = std::min(text.find(' ', pos), text.size());
            std::string piece = text.substr(pos, end - pos);
            pos = end + 1;
            if (piece.empty()) continue;
            if (piece[0] == '$') {
                seen_sequence = true;
                continue;
            }
            if (const auto colon = piece.rfind(':'); colon != std::string::npos && colon > 0) piece.resize(colon);
            resolve(piece, single, seen_sequence ? after : before);
        }
    } else {
        for (std::size_t i = 0; i < single.size(); ++i) {
            const Node item = single.item(i);
            if (item.get("Sequence")) {
                seen_sequence = true;
            } else if (auto s = item.get("SpecialToken")) {
                resolve(s->at("id").str(), *s, seen_sequence ? after : before);
            } else {
                item.fail("expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
        }
    }
    return std::make_unique<Wrap>(std::move(before), std::move(after));
}

}  // namespace

std::unique_ptr<PostProcessor> make_wrap_processor(SpecialList before, SpecialList after)
{
    return std::make_unique<Wrap>(std::move(before), std::move(after));
}

std::unique_ptr<PostProcessor> make_post_processor(const Node& node)
{
    const std::string type = node.type();
    if (type == "TemplateProcessing") return template_processing(node);
    if (type == "BertProcessing")
        return std::make_unique<Wrap>(SpecialList{token_pair(node.at("cls"))}, SpecialList{token_pair(node.at("sep"))});
    if (type == "RobertaProcessing")
        return std::make_unique<RobertaPost>(token_pair(node.at("cls")), token_pair(node.at("sep")),
                                             node.bool_or("trim_offsets", true), node.bool_or("add_prefix_space", true));
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelPost>(node.bool_or("trim_offsets", true), node.bool_or("add_prefix_space", true));
    if (type == "Sequence") {
        const Node list = node.at("processors");
        std::vector<std::unique_ptr<PostProcessor>> steps;
        for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(make_post_processor(list.item(i)));
        return std::make_unique<SequencePost>(std::move(steps));
    }
    node.at("type").fail("post-processor \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
