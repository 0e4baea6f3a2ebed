// SPDX-License-Identifier: GPL-3.0-or-later
// The models of tokenizer.json: BPE (byte-level or with byte fallback), WordPiece, WordLevel.
#pragma once

#include "components.hpp"
#include "json_node.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::tokenizers {

// A "vocab" object (token -> id), with the size limits checked.
Vocab vocab_from_json(const Node& node);

struct BpeOptions {
    std::optional<std::string> unk_token;
    std::string continuing_subword_prefix;
    std::string end_of_word_suffix;
    bool fuse_unk = false;
    bool byte_fallback = false;
    bool ignore_merges = false;
    bool byte_level = false;  // for kind()
};

// MERGES in priority order. Throws std::invalid_argument("WHERE: merge 12 (\"a b\"): \"b\" is not
// in the vocabulary") for a merge naming a missing token (WHERE names the file).
std::unique_ptr<Model> make_bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                                BpeOptions options, const std::string& where);
std::unique_ptr<Model> make_wordpiece(Vocab vocab, const std::string& unk_token, std::string continuing_subword_prefix,
                                      std::size_t max_input_chars_per_word, const std::string& where);
std::unique_ptr<Model> make_word_level(Vocab vocab, std::optional<std::string> unk_token, const std::string& where);

struct ModelFacts {
    bool byte_level = false;  // set by the caller from the pre-tokenizer
};
// From the "model" object (its "type", or the fields when "type" is absent, as older files).
std::unique_ptr<Model> make_model(const Node& node, const ModelFacts& facts);

}  // namespace attnviz::tokenizers
