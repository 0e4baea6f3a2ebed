// SPDX-License-Identifier: GPL-3.0-or-later
// Every refusal of attnviz::tokenizers: std::invalid_argument naming the file and what is wrong
// (unsupported types listed with the supported ones, malformed JSON with its line, merges
// naming missing tokens, sizes over the limits) and never a crash.
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using attnviz::tokenizers::Tokenizer;
namespace fs = std::filesystem;

namespace {

// The message of what loading JSON throws ("" when it does not throw).
std::string refusal(const std::string& json)
{
    try {
        Tokenizer::from_json(json, "bad.json");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

// A minimal valid BPE tokenizer.json with MODEL's fields and the other sections in EXTRA.
std::string bpe(const std::string& vocab, const std::string& merges, const std::string& extra = "")
{
    return R"({"version": "1.0", )" + extra + R"("model": {"type": "BPE", "vocab": )" + vocab + R"(, "merges": )" + merges + "}}";
}

// Records a failure (and goes on) unless loading JSON is refused with a message holding PART.
// A function, not a macro: moc cannot read raw strings with unbalanced parentheses in macro calls.
void expect_refusal(const std::string& json, const std::string& part, int line)
{
    const std::string what = refusal(json);
    if (what.find(part) == std::string::npos)
        QTest::qFail(("expected a refusal with \"" + part + "\", got \"" + what + "\"").c_str(), __FILE__, line);
}

}  // namespace

class TestTokenizerBadInput : public QObject {
    Q_OBJECT

private slots:
    void a_valid_minimal_file_loads()
    {
        const Tokenizer t = Tokenizer::from_json(bpe(R"({"a": 0, "b": 1, "ab": 2})", R"(["a b"])"));
        QCOMPARE(t.encode("ab").ids, std::vector<int>{2});
        QCOMPARE(t.kind(), std::string("BPE"));
    }

    void unsupported_types_list_the_supported()
    {
        expect_refusal(R"({"model": {"type": "Unigram", "vocab": [["a", 0.0]]}})",
                       "bad.json: model.type: model \"Unigram\" is not supported (supported: BPE, WordPiece, WordLevel)", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("normalizer": {"type": "Precompiled", "precompiled_charsmap": ""}, )"),
                       "normalizer \"Precompiled\" is not supported (supported: BertNormalizer, NFD", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("pre_tokenizer": {"type": "UnicodeScripts"}, )"),
                       "pre-tokenizer \"UnicodeScripts\" is not supported (supported: ByteLevel, Split", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("decoder": {"type": "CTC"}, )"),
                       "decoder \"CTC\" is not supported (supported: ByteLevel, Metaspace", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("post_processor": {"type": "Nope"}, )"),
                       "post-processor \"Nope\" is not supported (supported: TemplateProcessing", __LINE__);
        // Nested in a Sequence: the path says where.
        expect_refusal(bpe("{}", "[]", R"("pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "X"}]}, )"),
                       "bad.json: pre_tokenizer.pretokenizers[0].type: pre-tokenizer \"X\"", __LINE__);
        expect_refusal(R"({"model": {"vocab": [1, 2]}})", "bad.json: model: missing \"type\"", __LINE__);
    }

    void malformed_json_names_the_file_and_line()
    {
        expect_refusal("{\"model\": {\n\"type\": \"BPE\",,}}", "bad.json: not valid JSON: line 2", __LINE__);
        expect_refusal("[1, 2]", "bad.json: expected a JSON object, got array", __LINE__);
        expect_refusal(R"({"version": "1.0"})", "bad.json: missing \"model\"", __LINE__);
        expect_refusal(bpe(R"({"a": "zero"})", "[]"), "bad.json: model.vocab[\"a\"]: expected an integer", __LINE__);
        expect_refusal(bpe(R"({"a": 0.5})", "[]"), "expected an integer in 0..", __LINE__);
        expect_refusal(bpe(R"({"a": 0, "b": 0})", "[]"), "id 0 is given to two tokens", __LINE__);
        expect_refusal(bpe(R"({"a": 0})", "[7]"), "bad.json: model.merges[0]: expected \"A B\" or [\"A\", \"B\"], got number", __LINE__);
        expect_refusal(bpe(R"({"a": 0})", R"(["a b c"])"), "model.merges[0]: expected \"A B\" (two tokens and one space)", __LINE__);
        expect_refusal(bpe("{}", "[]", "\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(unclosed\"}}, "),
                       "pre_tokenizer: regular expression \"(unclosed\": missing closing parenthesis", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Sideways"}, )"),
                       "unknown split behavior \"Sideways\"", __LINE__);
        expect_refusal(bpe("{}", "[]", R"("post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}], "special_tokens": {}}, )"),
                       "special token \"<s>\" is not in special_tokens", __LINE__);
    }

    void merges_naming_missing_tokens()
    {
        expect_refusal(bpe(R"({"a": 0, "ab": 1})", R"(["a b"])"), "merge 0 (\"a b\"): \"b\" is not in the vocabulary", __LINE__);
        expect_refusal(bpe(R"({"a": 0, "b": 1})", R"([["a", "b"]])"),
                       "merge 0 (\"a b\"): the merged token \"ab\" is not in the vocabulary", __LINE__);
        expect_refusal(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": "<unk>"}})",
                       "the unknown token \"<unk>\" is not in the vocabulary", __LINE__);
        expect_refusal(R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})",
                       "the unknown token \"[UNK]\" is not in the vocabulary", __LINE__);
    }

    void sizes_over_the_limits()
    {
        // An id far past the vocabulary would size the id table by it.
        expect_refusal(bpe(R"({"a": 2000000000})", "[]"), "expected an integer in 0..1000001", __LINE__);
        expect_refusal(bpe(R"({"a": 0})", "[]", R"("added_tokens": [{"id": 1000000000, "content": "<x>", "special": true}], )"),
                       "added token \"<x>\" has id 1000000000, far past the vocabulary of 1 tokens", __LINE__);
        expect_refusal(bpe(R"({"a": 0})", "[]", R"("added_tokens": [{"id": 1, "content": ""}], )"),
                       "an added token with empty content", __LINE__);
        expect_refusal(bpe("{\"" + std::string(5000, 'a') + "\": 0}", "[]"), "a token of 5000 bytes, over the limit of 4096", __LINE__);
        // Added tokens of more than 4 MB together (their matching trie) are refused.
        std::string added = "[";
        for (int i = 0; i < 1100; ++i)
            added += std::string(i ? ", " : "") + "{\"id\": " + std::to_string(i + 1) + ", \"content\": \"<" +
                     std::to_string(i) + std::string(4000, 'x') + ">\", \"special\": true}";
        added += "], ";
        expect_refusal(bpe(R"({"a": 0})", "[]", "\"added_tokens\": " + added),
                       "bad.json: the added tokens hold more than 4194304 bytes together", __LINE__);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path d = dir.path().toStdString();
        // A file over 64 MB is refused before it is read (a sparse file: no disk is used).
        {
            std::ofstream(d / "tokenizer.json") << "{}";
            fs::resize_file(d / "tokenizer.json", (64u << 20) + 1);
        }
        try {
            Tokenizer::load(d);
            QFAIL("a 64 MB tokenizer.json was read");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("tokenizer.json: larger than the 64 MB limit of a tokenizer file") !=
                         std::string::npos,
                     e.what());
        }
        fs::remove(d / "tokenizer.json");
        // vocab.txt with 2,000,001 lines: over the vocabulary limit, refused before it is built.
        {
            std::ofstream out(d / "vocab.txt");
            const std::string line = "a\n";
            for (int i = 0; i < 2'000'001; ++i) out << line;
        }
        try {
            Tokenizer::load(d);
            QFAIL("2,000,001 tokens were accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("vocab.txt: 2000001 tokens, over the limit of 2000000") != std::string::npos,
                     e.what());
        }
    }

    void older_files()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path d = dir.path().toStdString();
        std::ofstream(d / "vocab.json") << R"({"a": 0, "b": 1})";
        std::ofstream(d / "merges.txt") << "#version: 0.2\na b\n";
        try {
            Tokenizer::load(d);
            QFAIL("a merge into a missing token was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("merges.txt: merge 0 (\"a b\"): the merged token \"ab\"") != std::string::npos,
                     e.what());
        }
        std::ofstream(d / "merges.txt") << "#version: 0.2\nab\n";
        try {
            Tokenizer::load(d);
            QFAIL("a merge line without a space was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("merges.txt: line 2: expected two tokens separated by one space") !=
                         std::string::npos,
                     e.what());
        }
        std::ofstream(d / "vocab.json") << R"({"a": 0,})";
        try {
            Tokenizer::load(d);
            QFAIL("malformed vocab.json was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("vocab.json: not valid JSON: line 1") != std::string::npos, e.what());
        }
        std::ofstream(d / "tokenizer_config.json") << "not json";
        try {
            Tokenizer::load(d);
            QFAIL("malformed tokenizer_config.json was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("tokenizer_config.json") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Tokenizer::load(d / "missing"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerBadInput)
#include "test_tokenizer_bad_input.moc"
