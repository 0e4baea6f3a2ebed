// SPDX-License-Identifier: GPL-3.0-or-later
// Normalizers of tokenizer.json: BertNormalizer, NFD, NFKD, NFC, NFKC, Lowercase, Strip,
// StripAccents, Replace, Prepend, Sequence. Unicode through utf8proc.
#pragma once

#include "components.hpp"
#include "json_node.hpp"

#include <memory>
#include <optional>

namespace attnviz::tokenizers {

// From the "normalizer" object; throws naming an unsupported type and listing the supported.
std::unique_ptr<Normalizer> make_normalizer(const Node& node);

// BERT's normalizer (also for vocab.txt). STRIP_ACCENTS unset: follows LOWERCASE.
std::unique_ptr<Normalizer> make_bert_normalizer(bool clean_text, bool handle_chinese_chars,
                                                 std::optional<bool> strip_accents, bool lowercase);

}  // namespace attnviz::tokenizers
