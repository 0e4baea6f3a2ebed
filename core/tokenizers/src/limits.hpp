// SPDX-License-Identifier: GPL-3.0-or-later
// Sizes a tokenizer file may ask for, checked before memory is reserved. The largest real
// vocabularies (Gemma: 256,000 tokens; Qwen2: 151,643 tokens and 151,387 merges; tokenizer.json
// files of 10 to 35 MB) fit with room to spare.
#pragma once

#include <cstddef>

namespace attnviz::tokenizers::limits {

inline constexpr std::size_t kMaxFileBytes = 64u << 20;    // one tokenizer file
inline constexpr std::size_t kMaxVocabulary = 2'000'000;  // tokens in a vocabulary
inline constexpr std::size_t kMaxMerges = 2'000'000;      // BPE merges
inline constexpr std::size_t kMaxAddedTokens = 100'000;
// All added tokens' bytes together (their matching trie's nodes): Llama 3's 256 take 7 KB.
inline constexpr std::size_t kMaxAddedTokenBytes = 4u << 20;
inline constexpr std::size_t kMaxTokenBytes = 4096;       // one token string
// Ids may leave gaps, but the id table is sized by the largest id: it may exceed the number of
// tokens by at most this much.
inline constexpr std::size_t kMaxIdGap = 1'000'000;

}  // namespace attnviz::tokenizers::limits
