// SPDX-License-Identifier: GPL-3.0-or-later
// Pre-tokenizers of tokenizer.json: ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit,
// BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit, Sequence.
#pragma once

#include "components.hpp"
#include "json_node.hpp"

#include <memory>
#include <string>

namespace attnviz::tokenizers {

struct PreTokenizerFacts {
    bool byte_level = false;  // a ByteLevel pre-tokenizer is in the chain
};

// From the "pre_tokenizer" object; throws naming an unsupported type and listing the supported.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Node& node, PreTokenizerFacts& facts);

// The pieces for the older files, without JSON.
std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex);
std::unique_ptr<PreTokenizer> make_bert_pre_tokenizer();

}  // namespace attnviz::tokenizers
