// SPDX-License-Identifier: GPL-3.0-or-later
// Added tokens ("added_tokens" of tokenizer.json: special ones such as [CLS], <|endoftext|>,
// and ordinary ones), found in the text before it is pre-tokenized: leftmost, longest first,
// with Hugging Face's single_word, lstrip and rstrip.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::tokenizers {

struct AddedToken {
    int id = 0;
    std::string content;
    bool single_word = false;
    bool lstrip = false;  // the match takes the whitespace on its left
    bool rstrip = false;  // ... and on its right
    bool normalized = false;  // matched in the normalized text (else in the raw input)
    bool special = false;
};

class AddedMatcher {
public:
    // TOKEN (index INDEX) is matched as PATTERN (its content, normalized for normalized tokens).
    // The first token given a pattern keeps it. Throws std::invalid_argument when the patterns
    // together pass limits::kMaxAddedTokenBytes.
    void add(const AddedToken& token, std::size_t index, const std::string& pattern);
    bool empty() const { return count_ == 0; }

    struct Match {
        std::size_t begin, end;  // bytes of the text, whitespace taken by lstrip / rstrip included
        std::size_t token;       // index given to add()
    };
    std::vector<Match> find(std::string_view text) const;

private:
    // A byte trie of the patterns: at each position of the text one walk finds the longest
    // pattern starting there, whatever the number of added tokens.
    struct TrieNode {
        std::vector<std::pair<unsigned char, int>> children;  // sorted by byte
        int entry = -1;                                       // index into entries_ when a pattern ends here
    };
    struct Entry {
        std::size_t token;
        bool single_word, lstrip, rstrip;
    };
    int child(int node, unsigned char byte) const;
    std::vector<TrieNode> nodes_{TrieNode{}};
    std::vector<Entry> entries_;
    std::size_t count_ = 0;
};

}  // namespace attnviz::tokenizers
