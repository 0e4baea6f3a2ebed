// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes read as a tokenizer.json (attnviz::tokenizers), and a
// tokenizer that loads encodes a few texts (ASCII, accents, CJK, a special token, invalid UTF-8)
// and decodes them back, labelling each token. std::invalid_argument is the only accepted
// refusal; a crash, a sanitizer report, another exception (std::bad_alloc: a size that escaped
// the limits) is a finding. Seeded with tests/data/tokenizers/*.json.
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto t = attnviz::tokenizers::Tokenizer::from_json(text, "fuzz-input");
        for (const char* input : {"Hello, world! 12345", "na\xC3\xAFve \xE4\xB8\xAD\xE6\x96\x87 [MASK] <s>",
                                  "a\xFF\xFE  \n\n b", ""}) {
            const auto e = t.encode(input);
            (void)t.decode(e.ids);
            (void)t.decode(e.ids, true);
            for (int id : e.ids) (void)t.token_text(id);
        }
        (void)t.kind();
        (void)t.vocab_size();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
