#pragma once
// Hugging Face tokenizers, natively: tokenizer.json (BPE byte-level / byte-fallback, WordPiece,
// WordLevel), the older vocab.json + merges.txt and vocab.txt, tokenizer_config.json where present.
// Regular expressions through PCRE2 (Unicode properties), normalization through utf8proc.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnviz::tokenizers {

// One encoded text: four parallel vectors of the same length (one entry per token).
struct Encoding {
  std::vector<int> ids;
  std::vector<std::string> tokens;  // token strings as the vocabulary spells them ("Ġthe", "##ing")
  // Byte offsets [begin, end) into the input text; (0, 0) for special tokens the post-processor
  // added (e.g. [CLS], <s>).
  std::vector<std::pair<std::size_t, std::size_t>> offsets;
  std::vector<bool> special;  // true for special tokens (added by the template or typed in the text)
};

class Tokenizer {
 public:
  // PATH: a tokenizer.json, or a folder holding tokenizer.json, vocab.json + merges.txt or
  // vocab.txt (tokenizer_config.json is read where present). Throws std::invalid_argument naming
  // the file and what is wrong (an unsupported model / pre-tokenizer / normalizer type is named,
  // with the supported ones listed).
  static Tokenizer load(const std::filesystem::path& path);
  // The same from the text of a tokenizer.json (SOURCE_NAME names it in messages).
  static Tokenizer from_json(std::string_view json_text, const std::string& source_name = "tokenizer.json");

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Added special tokens as Hugging Face does by default (add_special_tokens=True).
  // Invalid UTF-8 in TEXT: byte-level BPE encodes the bytes; the others see U+FFFD.
  Encoding encode(std::string_view text, bool add_special_tokens = true) const;
  // Ids back to text through the decoder. Throws for out-of-range ids.
  std::string decode(std::span<const int> ids, bool skip_special_tokens = false) const;
  // Readable form of one token for labels ("Ġthe" -> " the", "▁the" -> " the", "##ing" -> "ing",
  // "<0x0A>" -> "\n"); bytes that do not form valid UTF-8 on their own show as U+FFFD.
  std::string token_text(int id) const;
  std::optional<int> token_to_id(std::string_view token) const;
  const std::string& id_to_token(int id) const;  // throws std::invalid_argument for out-of-range ids
  std::size_t vocab_size() const;                // including added tokens
  std::optional<int> mask_token_id() const;      // BERT's [MASK] (or <mask>) when the vocabulary has one
  // "BPE (byte-level)", "BPE (byte fallback)", "BPE", "WordPiece", "WordLevel".
  std::string kind() const;
  // model_max_length from tokenizer_config.json or the truncation settings, when given.
  std::optional<std::size_t> model_max_length() const;

  struct Impl;

 private:
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace attnviz::tokenizers
