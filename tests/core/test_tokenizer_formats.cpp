// SPDX-License-Identifier: GPL-3.0-or-later
// The tokenizer.json kinds beyond GPT-2, on the small fixtures of tests/data/tokenizers
// (make_fixtures.py writes them): WordPiece with the BERT normalizer, Llama-2-style BPE with
// byte fallback, Llama-3-style Split regex BPE, WordLevel; and the older vocab.txt. Each expected
// encoding is worked out by hand from Hugging Face's algorithm in the comments.
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using attnviz::tokenizers::Encoding;
using attnviz::tokenizers::Tokenizer;
namespace fs = std::filesystem;
using Offsets = std::vector<std::pair<std::size_t, std::size_t>>;

namespace {

fs::path fixture(const std::string& name) { return fs::path(ATTNVIZ_TEST_DATA_DIR) / "tokenizers" / name; }

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replaced(std::string s, const std::string& from, const std::string& to)
{
    const auto pos = s.find(from);
    if (pos == std::string::npos) throw std::logic_error("fixture text not found: " + from);
    return s.replace(pos, from.size(), to);
}

}  // namespace

class TestTokenizerFormats : public QObject {
    Q_OBJECT

private slots:
    void wordpiece_with_bert_normalizer()
    {
        const Tokenizer t = Tokenizer::load(fixture("bert_wordpiece.json"));
        QCOMPARE(t.kind(), std::string("WordPiece"));
        QCOMPARE(t.vocab_size(), std::size_t{22});
        // BertNormalizer: lowercase, accents stripped (NFD, then Mn removed), spaces around CJK;
        // BertPreTokenizer: whitespace removed, punctuation isolated; WordPiece: greedy longest
        // match ("unaffable" = un ##aff ##able), "xyz" cannot be covered: [UNK] whole.
        const std::string text = "Hello, WORLD! Caf\u00e9 na\u00efve \u4e2d\u6587 unaffable xyz";
        const Encoding e = t.encode(text);
        QCOMPARE(e.ids, (std::vector<int>{2, 5, 7, 6, 8, 12, 13, 14, 15, 9, 10, 11, 1, 3}));
        QCOMPARE(e.tokens[10], std::string("##aff"));
        QCOMPARE(e.offsets, (Offsets{{0, 0}, {0, 5}, {5, 6}, {7, 12}, {12, 13}, {14, 19}, {20, 26}, {27, 30},
                                     {30, 33}, {34, 36}, {36, 39}, {39, 43}, {44, 47}, {0, 0}}));
        QCOMPARE(e.special.front(), true);
        QCOMPARE(e.special.back(), true);
        QCOMPARE(e.special[1], false);
        // Without special tokens: no [CLS] / [SEP].
        QCOMPARE(t.encode(text, false).ids.size(), e.ids.size() - 2);
        // The WordPiece decoder joins "##" pieces and undoes the space before punctuation.
        // [UNK] is special (an added token marked so): skipped, as Hugging Face skips it.
        QCOMPARE(t.decode(e.ids, true), std::string("hello, world! cafe naive \u4e2d \u6587 unaffable"));
        QCOMPARE(t.decode(e.ids), std::string("[CLS] hello, world! cafe naive \u4e2d \u6587 unaffable [UNK] [SEP]"));
        QCOMPARE(t.token_text(10), std::string("aff"));
        QCOMPARE(t.token_text(5), std::string("hello"));
    }

    void wordpiece_long_words_and_mask()
    {
        const Tokenizer t = Tokenizer::load(fixture("bert_wordpiece.json"));
        // max_input_chars_per_word is 12: "helloworld" (10) splits, "helloworldhello" (15) is [UNK].
        QCOMPARE(t.encode("helloworld helloworldhello", false).ids, (std::vector<int>{5, 20, 1}));
        // [MASK] is matched before normalization (it is not lowercased) and is special.
        const Encoding e = t.encode("the [MASK] world");
        QCOMPARE(e.ids, (std::vector<int>{2, 16, 4, 6, 3}));
        QCOMPARE(e.special, (std::vector<bool>{true, false, true, false, true}));
        QCOMPARE(e.offsets[2], (std::pair<std::size_t, std::size_t>{4, 10}));
        QCOMPARE(t.mask_token_id(), std::optional<int>(4));
        // Control characters are removed, invalid UTF-8 becomes U+FFFD and is then removed too.
        QCOMPARE(t.encode("hello\x01 wor\xFFld", false).ids, (std::vector<int>{5, 6}));
    }

    void wordpiece_long_word_stays_fast()
    {
        // With an untrusted max_input_chars_per_word of a million, a word of 100,001 characters
        // is searched with candidates no longer than the longest token: a ##b ##b ... at once
        // (a search from the word's end would be cubic: hours).
        const std::string json = replaced(read(fixture("bert_wordpiece.json")), "\"max_input_chars_per_word\": 12",
                                          "\"max_input_chars_per_word\": 1000000");
        const Tokenizer t = Tokenizer::from_json(json);
        QElapsedTimer timer;
        timer.start();
        const Encoding e = t.encode("a" + std::string(100000, 'b'), false);
        QCOMPARE(e.ids.size(), std::size_t{100001});
        QCOMPARE(e.ids[0], 18);
        QCOMPARE(e.ids[100000], 19);
        QVERIFY2(timer.elapsed() < 5000, "a 100,001-character word took more than 5 s");
    }

    void llama2_byte_fallback()
    {
        const Tokenizer t = Tokenizer::load(fixture("llama2_byte_fallback.json"));
        QCOMPARE(t.kind(), std::string("BPE (byte fallback)"));
        // Prepend("▁") + Replace(" " -> "▁"): "▁hello▁world▁€", one word. Merges by rank:
        // ▁h, ll, ▁he, llo, ▁hello, ▁w, or, ▁wor, ld, ▁world. "€" is not in the vocabulary:
        // its bytes E2 82 AC become <0xE2> <0x82> <0xAC> (ids 3 + byte). <s> first (template).
        const std::string text = "hello world \u20ac";
        const Encoding e = t.encode(text);
        QCOMPARE(e.ids, (std::vector<int>{1, 268, 276, 259, 229, 133, 175}));
        QCOMPARE(e.tokens, (std::vector<std::string>{"<s>", "\u2581hello", "\u2581world", "\u2581", "<0xE2>", "<0x82>",
                                                     "<0xAC>"}));
        // The prepended "▁" takes the first character's place; each byte token covers all of "€".
        QCOMPARE(e.offsets, (Offsets{{0, 0}, {0, 5}, {5, 11}, {11, 12}, {12, 15}, {12, 15}, {12, 15}}));
        // Replace ▁ -> " ", ByteFallback, Fuse, Strip one leading space.
        QCOMPARE(t.decode(e.ids, true), text);
        QCOMPARE(t.decode(e.ids), "<s> " + text);
        QCOMPARE(t.token_text(268), std::string(" hello"));
        QCOMPARE(t.token_text(3 + 0x41), std::string("A"));
        QCOMPARE(t.token_text(229), std::string("\xEF\xBF\xBD"));  // half a character
        // "<s>" typed in the text is the special token; the rest is normalized on its own.
        QCOMPARE(t.encode("<s>hello", false).ids, (std::vector<int>{1, 268}));
    }

    void llama2_unknown_fused_without_byte_fallback()
    {
        // Without byte fallback, characters outside the vocabulary are <unk>, consecutive ones
        // fused into one (fuse_unk).
        const std::string json = replaced(read(fixture("llama2_byte_fallback.json")), "\"byte_fallback\": true",
                                          "\"byte_fallback\": false");
        const Tokenizer t = Tokenizer::from_json(json);
        QCOMPARE(t.kind(), std::string("BPE"));
        const Encoding e = t.encode("hello \u20ac\u20ac");
        QCOMPARE(e.ids, (std::vector<int>{1, 268, 259, 0}));
        QCOMPARE(e.offsets.back(), (std::pair<std::size_t, std::size_t>{6, 12}));  // both "€", 3 bytes each
    }

    void metaspace_pre_tokenizer()
    {
        // The older Llama / Mistral layout: no normalizer, a Metaspace pre-tokenizer (prepend on
        // the first piece, split on ▁ or not) and a Metaspace decoder: the same ids.
        std::string json = read(fixture("llama2_byte_fallback.json"));
        const auto begin = json.find("\"normalizer\"");
        const auto end = json.find("\"post_processor\"");
        for (const char* split : {"true", "false"}) {
            std::string j = json;
            j.replace(begin, end - begin,
                      std::string("\"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": "
                                  "\"\u2581\", \"prepend_scheme\": \"first\", \"split\": ") +
                          split + "},\n ");
            const Tokenizer t = Tokenizer::from_json(j);
            QCOMPARE(t.encode("hello world \u20ac").ids, (std::vector<int>{1, 268, 276, 259, 229, 133, 175}));
        }
    }

    void llama3_split_regex()
    {
        const Tokenizer t = Tokenizer::load(fixture("llama3_split.json"));
        QCOMPARE(t.kind(), std::string("BPE (byte-level)"));
        QCOMPARE(t.vocab_size(), std::size_t{102});  // ids 33..99 are a gap
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.id_to_token(50));
        // Llama 3's pattern (possessive form) splits: Hello | " world" | " " | 123 | 45 |
        // "!!\n\n" | I | 'M (case-insensitive contraction) | " ok". ignore_merges: "Hello" and
        // "Ġworld" are whole in the vocabulary; "123" by merges 1 2, 12 3; "'M" has no merge.
        const std::string text = "Hello world 12345!!\n\nI'M ok";
        const Encoding e = t.encode(text);
        QCOMPARE(e.ids, (std::vector<int>{100, 19, 24, 4, 26, 27, 30, 15, 16, 17, 32}));
        QCOMPARE(e.tokens[2], std::string("\u0120world"));
        QCOMPARE(e.offsets, (Offsets{{0, 0}, {0, 5}, {5, 11}, {11, 12}, {12, 15}, {15, 17}, {17, 21}, {21, 22},
                                     {22, 23}, {23, 24}, {24, 27}}));
        QCOMPARE(t.decode(e.ids, true), text);
        QCOMPARE(t.decode(e.ids), "<|begin_of_text|>" + text);
        // Without a whole-word entry the merges run: w o r l d -> w or l d -> w or ld.
        QCOMPARE(t.encode("world", false).ids, (std::vector<int>{5, 21, 23}));
        QCOMPARE(t.token_text(24), std::string(" world"));
        QCOMPARE(t.token_to_id("<|end_of_text|>"), std::optional<int>(101));
    }

    void qwen2_digits_one_by_one()
    {
        // Qwen2's pattern has \p{N} instead of \p{N}{1,3}: digits become one piece each.
        const std::string json = replaced(read(fixture("llama3_split.json")), "\\\\p{N}{1,3}", "\\\\p{N}");
        const Tokenizer t = Tokenizer::from_json(json);
        QCOMPARE(t.encode("12345", false).ids, (std::vector<int>{8, 9, 10, 11, 12}));
    }

    void bert_and_roberta_processing()
    {
        // BertProcessing gives what BERT's template gives.
        std::string bert = read(fixture("bert_wordpiece.json"));
        const auto begin = bert.find("\"post_processor\"");
        const auto end = bert.find("\"decoder\"");
        bert.replace(begin, end - begin,
                     R"("post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
 )");
        QCOMPARE(Tokenizer::from_json(bert).encode("hello world").ids, (std::vector<int>{2, 5, 6, 3}));
        // RobertaProcessing: <s> $A </s> (here Llama 3's specials) with trim_offsets: " world"
        // covers "world" only.
        std::string llama3 = read(fixture("llama3_split.json"));
        const auto b3 = llama3.find("\"post_processor\"");
        const auto e3 = llama3.find("\"decoder\"");
        llama3.replace(b3, e3 - b3,
                       R"("post_processor": {"type": "RobertaProcessing", "sep": ["<|end_of_text|>", 101],
            "cls": ["<|begin_of_text|>", 100], "trim_offsets": true, "add_prefix_space": false},
 )");
        const Encoding e = Tokenizer::from_json(llama3).encode("Hello world");
        QCOMPARE(e.ids, (std::vector<int>{100, 19, 24, 101}));
        QCOMPARE(e.offsets, (Offsets{{0, 0}, {0, 5}, {6, 11}, {0, 0}}));
    }

    void unicode_normalizers()
    {
        // NFC composes e + U+0301 into é; NFKC turns the ligature ﬁ into "fi"; the offsets stay
        // those of the input. Lowercase and Strip after NFKC; Replace with a regex.
        auto with = [](const std::string& normalizer) {
            return Tokenizer::from_json(R"({"normalizer": )" + normalizer + R"(, "pre_tokenizer": {"type": "WhitespaceSplit"},
                "model": {"type": "WordLevel", "vocab": {"\u00e9": 0, "fi": 1, "<unk>": 2, "x": 3}, "unk_token": "<unk>"}})");
        };
        const Encoding nfc = with(R"({"type": "NFC"})").encode("e\u0301 fi");
        QCOMPARE(nfc.ids, (std::vector<int>{0, 1}));
        QCOMPARE(nfc.offsets, (Offsets{{0, 3}, {4, 6}}));
        QCOMPARE(with(R"({"type": "NFC"})").encode("\ufb01").ids, (std::vector<int>{2}));
        const std::string nfkc = R"({"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"},
            {"type": "Strip", "strip_left": true, "strip_right": true}]})";
        const Encoding k = with(nfkc).encode("  \ufb01 \u00c9");
        QCOMPARE(k.ids, (std::vector<int>{1, 0}));
        QCOMPARE(k.offsets, (Offsets{{2, 5}, {6, 8}}));
        QCOMPARE(with(R"({"type": "NFD"})").encode("\u00e9").ids, (std::vector<int>{2}));  // e + mark: unknown
        // CharDelimiterSplit removes its delimiter.
        const Tokenizer split = Tokenizer::from_json(R"({"pre_tokenizer": {"type": "CharDelimiterSplit", "delimiter": "-"},
            "model": {"type": "WordLevel", "vocab": {"fi": 0, "x": 1}}})");
        QCOMPARE(split.encode("fi-x--fi").ids, (std::vector<int>{0, 1, 0}));
        QCOMPARE(with(R"({"type": "Replace", "pattern": {"Regex": "[0-9]+"}, "content": "x"})").encode("12 x 345").ids,
                 (std::vector<int>{3, 3, 3}));
    }

    void bpe_merge_order()
    {
        // The lowest rank merges first, wherever it is: "b c" (rank 0) before "a b" (rank 1).
        const Tokenizer t = Tokenizer::from_json(R"({"model": {"type": "BPE",
            "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "aa": 5}, "merges": ["b c", "a b", "a a"]}})");
        QCOMPARE(t.encode("abc").ids, (std::vector<int>{0, 4}));
        // Among equal ranks the leftmost pair merges first: "aaa" is "aa" + "a", not "a" + "aa".
        QCOMPARE(t.encode("aaa").ids, (std::vector<int>{5, 0}));
        QCOMPARE(t.encode("aaaaa").ids, (std::vector<int>{5, 5, 0}));
    }

    void word_level()
    {
        const Tokenizer t = Tokenizer::load(fixture("word_level.json"));
        QCOMPARE(t.kind(), std::string("WordLevel"));
        const Encoding e = t.encode("t0 t2  t1 t9");
        QCOMPARE(e.ids, (std::vector<int>{1, 2, 4, 3, 0}));
        QCOMPARE(e.offsets, (Offsets{{0, 0}, {0, 2}, {3, 5}, {7, 9}, {10, 12}}));
        QCOMPARE(t.decode(e.ids, true), std::string("t0 t2 t1 <unk>"));  // no decoder: joined by spaces
        QCOMPARE(t.token_text(3), std::string("t1"));
    }

    void word_level_as_the_transformer_lab_writes_it()
    {
        // Character tokens: Split on every character, no unknown token in the vocabulary.
        const std::string json = R"({"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
            "normalizer": null,
            "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "[\\s\\S]"}, "behavior": "Isolated", "invert": false},
            "post_processor": null, "decoder": null,
            "model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1, " ": 2}, "unk_token": "<unk>"}})";
        const Tokenizer t = Tokenizer::from_json(json);
        QCOMPARE(t.encode("ab a").ids, (std::vector<int>{0, 1, 2, 0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.encode("abc"));
    }

    void vocab_txt_folder()
    {
        // The older BERT files: vocab.txt (one token a line, id = line) and tokenizer_config.json.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path d = dir.path().toStdString();
        std::ofstream(d / "vocab.txt") << "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\nHello\n!\n";
        Tokenizer t = Tokenizer::load(d);
        QCOMPARE(t.kind(), std::string("WordPiece"));
        QCOMPARE(t.encode("Hello worlds!").ids, (std::vector<int>{2, 5, 6, 7, 9, 3}));  // lowercased
        QCOMPARE(t.mask_token_id(), std::optional<int>(4));
        // Naming the file instead of its folder loads the folder.
        QCOMPARE(Tokenizer::load(d / "vocab.txt").encode("Hello worlds!").ids, (std::vector<int>{2, 5, 6, 7, 9, 3}));
        std::ofstream(d / "tokenizer_config.json") << R"({"do_lower_case": false, "model_max_length": 512})";
        t = Tokenizer::load(d);
        QCOMPARE(t.encode("Hello worlds!").ids, (std::vector<int>{2, 8, 6, 7, 9, 3}));  // cased
        QCOMPARE(t.model_max_length(), std::optional<std::size_t>(512));
        // Tokens added after the vocabulary: added_tokens.json (older transformers) and the
        // config's added_tokens_decoder.
        std::ofstream(d / "added_tokens.json") << R"({"[NEW]": 10})";
        std::ofstream(d / "tokenizer_config.json") << R"({"added_tokens_decoder": {"11": {"content": "<x>",
            "special": false, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false}}})";
        t = Tokenizer::load(d);
        const Encoding e = t.encode("hello[NEW] <x>");
        QCOMPARE(e.ids, (std::vector<int>{2, 5, 10, 11, 3}));
        QCOMPARE(e.special, (std::vector<bool>{true, false, true, false, true}));
        QCOMPARE(t.vocab_size(), std::size_t{12});
        QCOMPARE(t.decode(e.ids, true), std::string("hello <x>"));
    }

    void tokenizer_config_adds_bos()
    {
        // A tokenizer.json without a post-processor and a config asking for <s>.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path d = dir.path().toStdString();
        std::string json = read(fixture("llama2_byte_fallback.json"));
        const auto begin = json.find("\"post_processor\"");
        const auto end = json.find("\"decoder\"");
        json.replace(begin, end - begin, "\"post_processor\": null,\n ");
        std::ofstream(d / "tokenizer.json") << json;
        QCOMPARE(Tokenizer::load(d).encode("hello").ids, (std::vector<int>{268}));
        std::ofstream(d / "tokenizer_config.json") << R"({"add_bos_token": true, "add_eos_token": true,
            "bos_token": {"content": "<s>"}, "eos_token": "</s>"})";
        QCOMPARE(Tokenizer::load(d).encode("hello").ids, (std::vector<int>{1, 268, 2}));
        QCOMPARE(Tokenizer::load(d / "tokenizer.json").encode("hello").ids, (std::vector<int>{1, 268, 2}));
    }

    void added_tokens_leftmost_longest()
    {
        // Overlapping added tokens: the longest one starting leftmost wins ("<a>b" over "<a>").
        // (All three are matched in the raw text: a normalized token would be looked for only
        // in what the raw ones leave, as Hugging Face does.)
        std::string json = read(fixture("word_level.json"));
        json = replaced(json, "\"added_tokens\": [", R"("added_tokens": [{"id": 5, "content": "<a>", "special": true},
            {"id": 6, "content": "<a>b", "special": false, "normalized": false}, {"id": 7, "content": "a>", "special": true}, )");
        const Tokenizer t = Tokenizer::from_json(json);
        const Encoding e = t.encode("t0<a>b<a> a>", false);
        QCOMPARE(e.ids, (std::vector<int>{2, 6, 5, 7}));
        QCOMPARE(e.special, (std::vector<bool>{false, false, true, true}));
        QCOMPARE(e.offsets, (Offsets{{0, 2}, {2, 6}, {6, 9}, {10, 12}}));
        QCOMPARE(t.id_to_token(6), std::string("<a>b"));
    }

    void added_token_strip_flags()
    {
        // lstrip / rstrip: the token takes the whitespace beside it (as Hugging Face's <mask>).
        std::string json = read(fixture("word_level.json"));
        json = replaced(json, "\"added_tokens\": [", R"("added_tokens": [{"id": 5, "content": "<m>", "single_word": false,
            "lstrip": true, "rstrip": true, "normalized": false, "special": true}, )");
        json = replaced(json, "\"t2\": 4", "\"t2\": 4, \"<m>\": 5");
        const Tokenizer t = Tokenizer::from_json(json);
        const Encoding e = t.encode("t0  <m> t1", false);
        QCOMPARE(e.ids, (std::vector<int>{2, 5, 3}));
        QCOMPARE(e.offsets[1], (std::pair<std::size_t, std::size_t>{2, 8}));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerFormats)
#include "test_tokenizer_formats.moc"
