// SPDX-License-Identifier: GPL-3.0-or-later
// The stages of a Hugging Face tokenizer pipeline, as internal interfaces:
//   added tokens -> normalizer -> pre-tokenizer -> model -> post-processor; decoder back.
#pragma once

#include "normalized_string.hpp"

#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnviz::tokenizers {

// Heterogeneous lookup: find a std::string key with a std::string_view.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using TokenMap = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

struct Normalizer {
    virtual ~Normalizer() = default;
    virtual void normalize(NormalizedString& s) const = 0;
};

struct PreTokenizer {
    virtual ~PreTokenizer() = default;
    // Splits (and may rewrite) each piece; the pieces stay in text order.
    virtual void pre_tokenize(std::vector<NormalizedString>& pieces) const = 0;
};

struct Token {
    int id = 0;
    std::string value;  // as the vocabulary spells it
    Range offsets;      // bytes of the original input
};

// The vocabulary: token <-> id. Ids may leave gaps (an id without a token is refused by lookups).
struct Vocab {
    TokenMap ids;
    std::vector<std::string> tokens;  // by id; "" in a gap
    std::vector<char> present;        // by id
    std::optional<int> find(std::string_view t) const
    {
        const auto it = ids.find(t);
        if (it == ids.end()) return std::nullopt;
        return it->second;
    }
    void add(const std::string& token, int id);
};

struct Model {
    virtual ~Model() = default;
    // Appends the tokens of one pre-tokenized piece.
    virtual void tokenize(const NormalizedString& piece, std::vector<Token>& out) const = 0;
    virtual const Vocab& vocab() const = 0;
    virtual std::string kind() const = 0;
};

struct PostProcessor {
    virtual ~PostProcessor() = default;
    // Adds the special tokens (when ADD_SPECIAL) and adjusts offsets; INPUT is the original text.
    virtual void process(Encoding& e, bool add_special, std::string_view input) const = 0;
};

struct Decoder {
    virtual ~Decoder() = default;
    // Rewrites the token strings in place (Hugging Face's decode_chain). LABEL: one token shown on
    // its own (no stripping of a leading space, no joining with the previous token).
    virtual void decode_chain(std::vector<std::string>& tokens, bool label) const = 0;
};

}  // namespace attnviz::tokenizers
