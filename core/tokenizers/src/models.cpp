// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json's "model" object: its type (or, in older files, its fields) decides which.
#include "components.hpp"
#include "limits.hpp"
#include "models.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

const std::vector<std::string> kSupported = {"BPE", "WordPiece", "WordLevel"};

std::vector<std::pair<std::string, std::string>> merges_from_json(const Node& list)
{
    const std::size_t n = list.size();
    if (n > limits::kMaxMerges)
        list.fail(std::to_string(n) + " merges, over the limit of " + std::to_string(limits::kMaxMerges));
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Node m = list.item(i);
        if (m.value().is_string()) {
            // "a b": exactly two parts, as Hugging Face reads them.
            const std::string& s = m.value().as_string();
            const std::size_t space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                m.fail("expected \"A B\" (two tokens and one space), got \"" + s.substr(0, 80) + "\"");
            merges.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.value().is_array() && m.size() == 2) {
            merges.emplace_back(m.item(0).str(), m.item(1).str());
        } else {
            m.fail(std::string("expected \"A B\" or [\"A\", \"B\"], got ") + json::type_name(m.value().type()));
        }
    }
    return merges;
}

}  // namespace

std::unique_ptr<Model> make_model(const Node& node, const ModelFacts& facts)
{
    std::string type;
    if (auto t = node.get("type")) {
        type = t->str();
    } else if (node.get("merges")) {  // older files leave the type out
        type = "BPE";
    } else if (node.get("max_input_chars_per_word")) {
        type = "WordPiece";
    } else if (node.get("vocab") && node.at("vocab").value().is_object()) {
        type = "WordLevel";
    } else {
        node.fail("missing \"type\" (supported: " + join_names(kSupported) + ")");
    }
    const std::string where = node.file() + ": " + node.path();
    if (type == "BPE") {
        BpeOptions o;
        o.unk_token = node.optional_str("unk_token");
        o.continuing_subword_prefix = node.str_or("continuing_subword_prefix", "");
        o.end_of_word_suffix = node.str_or("end_of_word_suffix", "");
        o.fuse_unk = node.bool_or("fuse_unk", false);
        o.byte_fallback = node.bool_or("byte_fallback", false);
        o.ignore_merges = node.bool_or("ignore_merges", false);
        o.byte_level = facts.byte_level;
        std::vector<std::pair<std::string, std::string>> merges;
        if (auto m = node.get("merges")) merges = merges_from_json(*m);
        return make_bpe(vocab_from_json(node.at("vocab")), merges, std::move(o), where);
    }
    if (type == "WordPiece") {
        const long long max_chars = node.get("max_input_chars_per_word")
                                        ? node.at("max_input_chars_per_word").integer(0, 1 << 30)
                                        : 100;
        return make_wordpiece(vocab_from_json(node.at("vocab")), node.str_or("unk_token", "[UNK]"),
                              node.str_or("continuing_subword_prefix", "##"), static_cast<std::size_t>(max_chars), where);
    }
    if (type == "WordLevel")
        return make_word_level(vocab_from_json(node.at("vocab")), node.optional_str("unk_token"), where);
    node.at("type").fail("model \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
