// SPDX-License-Identifier: GPL-3.0-or-later
// GPT-2's byte-level BPE on the real vocabulary (../shared/data/gpt2-bpe: vocab.json and
// merges.txt) against the known encodings of its README, read both from the older files and
// from a tokenizer.json the test builds from them (merges written as "a b" and as [a, b]).
// Skips when the shared data is absent, unless ATTNVIZ_REQUIRE_SHARED_DATA=1.
#include "attnviz/core/json.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace attnviz;
using attnviz::tokenizers::Encoding;
using attnviz::tokenizers::Tokenizer;
namespace fs = std::filesystem;

namespace {

fs::path shared_dir() { return fs::path(ATTNVIZ_SHARED_DATA_DIR) / "gpt2-bpe"; }
bool shared_data_required() { return qEnvironmentVariableIntValue("ATTNVIZ_REQUIRE_SHARED_DATA") == 1; }

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The known encodings: one JSON object a line in the README, indented by four spaces.
std::vector<std::pair<std::string, std::vector<int>>> known_encodings()
{
    std::vector<std::pair<std::string, std::vector<int>>> out;
    std::istringstream in(read(shared_dir() / "README.md"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("    {\"text\"", 0) != 0) continue;
        const json::Value v = json::parse(line);
        std::vector<int> ids;
        for (const json::Value& id : v.find("ids")->as_array()) ids.push_back(static_cast<int>(id.as_number()));
        out.emplace_back(v.find("text")->as_string(), ids);
    }
    return out;
}

// tokenizer.json as the tokenizers library writes GPT-2's, from the shared files.
std::string gpt2_tokenizer_json(bool merges_as_pairs)
{
    json::Value model = json::Object{};
    model["type"] = "BPE";
    model["dropout"] = nullptr;
    model["unk_token"] = nullptr;
    model["continuing_subword_prefix"] = "";
    model["end_of_word_suffix"] = "";
    model["fuse_unk"] = false;
    model["byte_fallback"] = false;
    model["vocab"] = json::parse(read(shared_dir() / "vocab.json"));
    json::Array merges;
    std::istringstream in(read(shared_dir() / "merges.txt"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line.rfind("#version", 0) == 0) continue;
        const auto space = line.find(' ');
        if (merges_as_pairs)
            merges.push_back(json::Array{json::Value(line.substr(0, space)), json::Value(line.substr(space + 1))});
        else
            merges.emplace_back(line);
    }
    model["merges"] = std::move(merges);
    json::Value root = json::Object{};
    root["version"] = "1.0";
    root["truncation"] = nullptr;
    root["padding"] = nullptr;
    json::Value eot = json::Object{};
    eot["id"] = 50256;
    eot["content"] = "<|endoftext|>";
    eot["single_word"] = false;
    eot["lstrip"] = false;
    eot["rstrip"] = false;
    eot["normalized"] = true;
    eot["special"] = true;
    root["added_tokens"] = json::Array{eot};
    root["normalizer"] = nullptr;
    json::Value byte_level = json::Object{};
    byte_level["type"] = "ByteLevel";
    byte_level["add_prefix_space"] = false;
    byte_level["trim_offsets"] = true;
    byte_level["use_regex"] = true;
    root["pre_tokenizer"] = byte_level;
    json::Value post = byte_level;
    post["trim_offsets"] = false;
    root["post_processor"] = post;
    root["decoder"] = byte_level;
    root["model"] = std::move(model);
    return json::dump(root);
}

}  // namespace

class TestTokenizerGpt2 : public QObject {
    Q_OBJECT

    std::optional<Tokenizer> legacy_, from_json_, from_pairs_;

private slots:
    void initTestCase()
    {
        if (!fs::exists(shared_dir() / "vocab.json")) {
            if (shared_data_required()) QFAIL(qPrintable(QString::fromStdString("missing " + (shared_dir() / "vocab.json").string())));
            QSKIP("shared data absent (../shared/data/gpt2-bpe)");
        }
        legacy_ = Tokenizer::load(shared_dir());
        from_json_ = Tokenizer::from_json(gpt2_tokenizer_json(false));
        // Through a file too: Tokenizer::load of a tokenizer.json path.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path p = fs::path(dir.path().toStdString()) / "tokenizer.json";
        std::ofstream(p, std::ios::binary) << gpt2_tokenizer_json(true);
        from_pairs_ = Tokenizer::load(p);
    }

    void known_encodings_all_three_ways()
    {
        const auto cases = known_encodings();
        QCOMPARE(cases.size(), std::size_t{6});
        for (const Tokenizer* t : {&*legacy_, &*from_json_, &*from_pairs_}) {
            QCOMPARE(t->kind(), std::string("BPE (byte-level)"));
            QCOMPARE(t->vocab_size(), std::size_t{50257});
            for (const auto& [text, ids] : cases) {
                const Encoding e = t->encode(text);
                QCOMPARE(e.ids, ids);
                // Decoding gives the text back, byte for byte.
                QCOMPARE(t->decode(e.ids), text);
            }
        }
    }

    void tokens_offsets_and_labels()
    {
        const Encoding e = legacy_->encode("Attention is all you need.");
        QCOMPARE(e.tokens, (std::vector<std::string>{"Att", "ention", "Ġis", "Ġall", "Ġyou",
                                                      "Ġneed", "."}));  // "Ġ" is U+0120
        QCOMPARE(e.special, std::vector<bool>(7, false));
        // Byte offsets into the input; "Ġis" covers " is".
        QCOMPARE(e.offsets[0], (std::pair<std::size_t, std::size_t>{0, 3}));
        QCOMPARE(e.offsets[1], (std::pair<std::size_t, std::size_t>{3, 9}));
        QCOMPARE(e.offsets[2], (std::pair<std::size_t, std::size_t>{9, 12}));
        QCOMPARE(e.offsets[6], (std::pair<std::size_t, std::size_t>{25, 26}));
        QCOMPARE(legacy_->token_text(262), std::string(" the"));
        QCOMPARE(legacy_->token_text(198), std::string("\n"));
        QCOMPARE(legacy_->id_to_token(262), std::string("Ġthe"));
        QCOMPARE(legacy_->token_to_id("Ġthe"), std::optional<int>(262));
        QVERIFY(!legacy_->token_to_id("no such token").has_value());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, legacy_->id_to_token(50257));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, legacy_->id_to_token(-1));
        QVERIFY(!legacy_->mask_token_id().has_value());
        // "Ã¯ve" spells the bytes of "ïve"; "Ã" alone is byte 0xC3, half a character: U+FFFD.
        QCOMPARE(legacy_->token_text(38776), std::string("ïve"));
        QCOMPARE(legacy_->token_text(127), std::string("\xEF\xBF\xBD"));
    }

    void special_token_in_text()
    {
        for (const Tokenizer* t : {&*legacy_, &*from_json_}) {
            const Encoding e = t->encode("Hello<|endoftext|> world");
            QCOMPARE(e.ids, (std::vector<int>{15496, 50256, 995}));
            QCOMPARE(e.special, (std::vector<bool>{false, true, false}));
            QCOMPARE(e.offsets[1], (std::pair<std::size_t, std::size_t>{5, 18}));
            QCOMPARE(t->decode(e.ids, true), std::string("Hello world"));
            QCOMPARE(t->decode(e.ids), std::string("Hello<|endoftext|> world"));
        }
    }

    void invalid_utf8_is_encoded_as_bytes()
    {
        // 0xFF is not UTF-8: byte-level BPE encodes the byte (as "ÿ"), decoding shows U+FFFD.
        const Encoding e = legacy_->encode("a\xFF" "b");
        QCOMPARE(e.tokens.size(), std::size_t{3});
        QCOMPARE(e.tokens[1], std::string("\xC3\xBF"));  // "ÿ" stands for byte 0xFF
        QCOMPARE(legacy_->decode(e.ids), std::string("a\xEF\xBF\xBD" "b"));
        QVERIFY(legacy_->encode("").ids.empty());
    }

    void long_words_and_throughput()
    {
        // A word of 100,000 letters merges in O(n log n) (the priority queue), not O(n^2).
        const std::string long_word(100000, 'a');
        QElapsedTimer timer;
        timer.start();
        const Encoding e = legacy_->encode(long_word);
        QVERIFY(!e.ids.empty());
        QCOMPARE(legacy_->decode(e.ids), long_word);
        QVERIFY2(timer.elapsed() < 5000, "a long word took more than 5 s");
        // Throughput on running text (reported, not asserted: machines differ).
        std::string text;
        const auto cases = known_encodings();
        for (int i = 0; text.size() < 2'000'000; ++i)
            text += cases[static_cast<std::size_t>(i) % cases.size()].first + " " + std::to_string(i) + " ";
        timer.restart();
        const Encoding big = legacy_->encode(text);
        const double seconds = std::max(1e-9, timer.nsecsElapsed() * 1e-9);
        qInfo("GPT-2 BPE: %.2f MB in %.3f s: %.2f MB/s, %zu tokens", text.size() / 1e6, seconds,
              text.size() / 1e6 / seconds, big.ids.size());
        QCOMPARE(legacy_->decode(big.ids), text);
    }
};

QTEST_GUILESS_MAIN(TestTokenizerGpt2)
#include "test_tokenizer_gpt2.moc"
