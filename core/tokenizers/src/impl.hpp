// SPDX-License-Identifier: GPL-3.0-or-later
// What a Tokenizer holds: its pipeline stages, added tokens and the id table over both.
#pragma once

#include "added_tokens.hpp"
#include "components.hpp"

#include "attnviz/core/json.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attnviz::tokenizers {

struct Tokenizer::Impl {
    std::unique_ptr<Normalizer> normalizer;        // may be null
    std::unique_ptr<PreTokenizer> pre_tokenizer;   // may be null: the whole text is one word
    std::unique_ptr<Model> model;
    std::unique_ptr<PostProcessor> post_processor;  // may be null
    std::unique_ptr<Decoder> decoder;              // may be null: tokens joined with spaces
    std::vector<AddedToken> added;
    bool byte_level = false;  // encode the input's bytes as they are (no U+FFFD)
    std::optional<std::size_t> max_length;
    std::optional<std::string> mask_token;  // from tokenizer_config.json

    // Built by finish().
    AddedMatcher raw_matcher, normalized_matcher;
    std::vector<std::string> id_tokens;  // by id: added tokens over the model's vocabulary
    std::vector<char> id_present, id_special;
    TokenMap added_ids;
    std::optional<int> mask_id;

    // Checks the added tokens (ids, sizes) and builds the matchers and the id table.
    void finish(const std::string& where);
    void add_to_matcher(const AddedToken& token, std::size_t index);
};

// tokenizer.json's text into a pipeline (SOURCE names the file in messages).
std::unique_ptr<Tokenizer::Impl> impl_from_json(std::string_view text, const std::string& source);
// The older files of a folder: vocab.json + merges.txt, or vocab.txt (CONFIG: tokenizer_config.json
// or null).
std::unique_ptr<Tokenizer::Impl> impl_from_bpe_files(const std::filesystem::path& vocab, const std::filesystem::path& merges,
                                                     const json::Value* config);
std::unique_ptr<Tokenizer::Impl> impl_from_vocab_txt(const std::filesystem::path& vocab, const json::Value* config);
// tokenizer_config.json's settings over a loaded pipeline (bos / add_bos_token when there is no
// post-processor, model_max_length, mask_token).
void apply_tokenizer_config(Tokenizer::Impl& impl, const json::Value& config, const std::string& source);

// A file read whole, refusing more than limits::kMaxFileBytes ("PATH: larger than the 64 MB limit").
std::string read_file_capped(const std::filesystem::path& path);

}  // namespace attnviz::tokenizers
