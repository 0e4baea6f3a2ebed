// SPDX-License-Identifier: GPL-3.0-or-later
// What `attnviz run` and the model window share before a forward: the opened checkpoint with its
// tokenizer (when the folder has one), and the text or the ids turned into a checked input
// (ids, their labels, the [MASK] positions). Qt-free: the command line and the window's worker
// call it alike. Every refusal is a std::invalid_argument with one readable line.
#pragma once

#include "attnviz/core/hf/model.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::tokenizers {
class Tokenizer;
}

namespace attnviz::model_view {

// A checkpoint and its tokenizer, immutable once opened and shared by pointer (the window's
// worker runs forwards on it while the GUI thread reads its facts).
struct OpenedModel {
    std::shared_ptr<const hf::Model> model;
    // Null when the folder holds no tokenizer files (ids only) or they could not be read.
    std::shared_ptr<const tokenizers::Tokenizer> tokenizer;
    // Why there is no tokenizer: "no tokenizer files in DIR (tokenizer.json, ...)" or the
    // tokenizer's own error. Empty when there is one.
    std::string tokenizer_problem;
    std::string name;  // the folder's name ("gpt2", or the parent's for a config.json)

    const hf::ModelInfo& info() const { return model->info(); }
};

// Opens a folder holding config.json, or the config.json itself: maps the weights (reads
// nothing else of them) and loads the tokenizer when there is one. Throws
// std::invalid_argument for a bad checkpoint (the core's message); a bad tokenizer is not an
// error here, it is recorded in tokenizer_problem (ids still run).
OpenedModel open_model(const std::filesystem::path& folder_or_config);

// A checked input for one forward.
struct RunInput {
    std::vector<int> ids;
    std::vector<std::string> tokens;  // the tokenizer's pieces ("Ġthe"), or the ids as text
    std::vector<std::string> labels;  // readable text (" the"), or the ids as text
    std::vector<int> mask_positions;  // where the ids are the tokenizer's mask token
};

// Tokenizes `text` (with the special tokens the model's tokenizer adds by default). Throws:
// no tokenizer ("DIR has no tokenizer files …: give --ids"), empty text, more tokens than the
// model's positions ("… 40 tokens, over the limit of 32 positions of this gpt2 model").
RunInput input_from_text(const OpenedModel& m, const std::string& text);
// Checks ids against the vocabulary and the positions; labels from the tokenizer when present.
RunInput input_from_ids(const OpenedModel& m, std::vector<int> ids);

// "464, 3797,318" → {464, 3797, 318}: integers separated by commas and/or spaces. Throws
// std::invalid_argument("expected token ids separated by commas, such as 464,3797: got 'x'").
std::vector<int> parse_ids(std::string_view text);

// A vocabulary id as shown to a person: the tokenizer's text for it (" the"), or the id.
std::string token_label(const OpenedModel& m, int id);

// The refusal of an input of `n` tokens longer than the model's positions, named by limit.
std::string too_long_message(const OpenedModel& m, std::size_t n);

}  // namespace attnviz::model_view
