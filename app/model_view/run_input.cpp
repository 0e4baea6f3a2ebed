// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/run_input.hpp"

#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace attnviz::model_view {

namespace fs = std::filesystem;

namespace {

// The files a Hugging Face tokenizer is read from, in the order the tokenizer looks for them.
bool has_tokenizer_files(const fs::path& folder)
{
    std::error_code ec;
    const auto there = [&](const char* name) { return fs::is_regular_file(folder / name, ec); };
    return there("tokenizer.json") || (there("vocab.json") && there("merges.txt")) || there("vocab.txt");
}

std::string limit_name(const hf::ModelInfo& info)
{
    return info.model_type == "gpt2" ? "n_positions" : "max_position_embeddings";
}

void check_length(const OpenedModel& m, std::size_t n)
{
    if (n == 0) throw std::invalid_argument("the input is empty: give some text or at least one id");
    if (n > static_cast<std::size_t>(m.info().max_positions)) throw std::invalid_argument(too_long_message(m, n));
}

// The tokenizer's answers; ids past its vocabulary (a model's padded embeddings) are unknown.
bool knows(const OpenedModel& m, int id)
{
    return m.tokenizer && id >= 0 && static_cast<std::size_t>(id) < m.tokenizer->vocab_size();
}
std::optional<int> mask_id(const OpenedModel& m) { return m.tokenizer ? m.tokenizer->mask_token_id() : std::nullopt; }
std::string piece_of(const OpenedModel& m, int id) { return m.tokenizer->id_to_token(id); }
std::string text_of(const OpenedModel& m, int id) { return m.tokenizer->token_text(id); }
tokenizers::Encoding encode(const OpenedModel& m, const std::string& text) { return m.tokenizer->encode(text, true); }

}  // namespace

OpenedModel open_model(const fs::path& folder_or_config)
{
    OpenedModel m;
    m.model = hf::Model::open(folder_or_config);
    const fs::path folder = m.info().folder.empty() ? folder_or_config : m.info().folder;
    fs::path named = folder;
    if (!named.has_filename()) named = named.parent_path();  // "gpt2/" → "gpt2"
    m.name = named.filename().string();
    if (!has_tokenizer_files(folder)) {
        m.tokenizer_problem = folder.string() +
                              " has no tokenizer files (tokenizer.json, vocab.json + merges.txt or vocab.txt)";
        return m;
    }
    try {
        m.tokenizer = std::make_shared<const tokenizers::Tokenizer>(tokenizers::Tokenizer::load(folder));
    } catch (const std::exception& e) {
        m.tokenizer_problem = e.what();
    }

    return m;
}

std::string too_long_message(const OpenedModel& m, std::size_t n)
{
    return "the input is " + std::to_string(n) + " tokens long, over the limit of " +
           std::to_string(m.info().max_positions) + " positions of this " + m.info().model_type + " model (" +
           limit_name(m.info()) + ")";
}

RunInput input_from_text(const OpenedModel& m, const std::string& text)
{
    if (!m.tokenizer)
        throw std::invalid_argument(m.tokenizer_problem + ": cannot tokenize text, give token ids instead");
    if (text.empty()) throw std::invalid_argument("the text is empty");
    const tokenizers::Encoding e = encode(m, text);
    check_length(m, e.ids.size());
    RunInput in;
    in.ids = e.ids;
    in.tokens = e.tokens;
    in.labels.reserve(in.ids.size());
    const std::optional<int> mask = mask_id(m);
    for (std::size_t i = 0; i < in.ids.size(); ++i) {
        in.labels.push_back(text_of(m, in.ids[i]));
        if (mask && in.ids[i] == *mask) in.mask_positions.push_back(static_cast<int>(i));
    }
    // Ids past the model's vocabulary (a tokenizer with added tokens the model lacks).
    const int vocab = m.info().vocab;
    for (int id : in.ids)
        if (id < 0 || id >= vocab)
            throw std::invalid_argument("the tokenizer gave id " + std::to_string(id) +
                                        ", outside the model's vocabulary of " + std::to_string(vocab));
    return in;
}

RunInput input_from_ids(const OpenedModel& m, std::vector<int> ids)
{
    check_length(m, ids.size());
    const int vocab = m.info().vocab;
    for (int id : ids)
        if (id < 0 || id >= vocab)
            throw std::invalid_argument("id " + std::to_string(id) + " is outside the vocabulary (0.." +
                                        std::to_string(vocab - 1) + ")");
    RunInput in;
    in.ids = std::move(ids);
    const std::optional<int> mask = mask_id(m);
    for (std::size_t i = 0; i < in.ids.size(); ++i) {
        const int id = in.ids[i];
        in.tokens.push_back(knows(m, id) ? piece_of(m, id) : std::to_string(id));
        in.labels.push_back(token_label(m, id));
        if (mask && id == *mask) in.mask_positions.push_back(static_cast<int>(i));
    }
    return in;
}

std::vector<int> parse_ids(std::string_view text)
{
    std::vector<int> ids;
    std::size_t i = 0;
    const auto separator = [](char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n'; };
    while (i < text.size()) {
        while (i < text.size() && separator(text[i])) ++i;
        if (i == text.size()) break;
        std::size_t end = i;
        while (end < text.size() && !separator(text[end])) ++end;
        const std::string_view word = text.substr(i, end - i);
        int id = 0;
        const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
        if (ec != std::errc() || ptr != word.data() + word.size() || id < 0)
            throw std::invalid_argument("expected token ids separated by commas, such as 464,3797: got '" +
                                        std::string(word.substr(0, 40)) + "'");
        ids.push_back(id);
        i = end;
    }
    if (ids.empty()) throw std::invalid_argument("no token ids given (such as 464,3797)");
    return ids;
}

std::string token_label(const OpenedModel& m, int id)
{
    return knows(m, id) ? text_of(m, id) : std::to_string(id);
}

}  // namespace attnviz::model_view
