// SPDX-License-Identifier: GPL-3.0-or-later
// The d2l text pipeline (preprocess, tokenize, vocabulary, arrays) and the generated datasets.
#include "attnviz/core/seq2seq/dataset.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/nmt_text.hpp"
#include "attnviz/core/seq2seq/vocab.hpp"

#include <QFileInfo>
#include <QTest>

#include <set>

using namespace attnviz::seq2seq;

namespace {

const char* kText =
    "Go.\tVa !\n"
    "Hi.\tSalut !\n"
    "Run!\tCours\xE2\x80\xAF!\n"
    "Who?\tQui ?\n"
    "Wow!\t\xC3\x87" "a alors\xE2\x80\xAF!\n"
    "Stop!\tArr\xC3\x8Ate-toi\xC2\xA0!\tCC-BY 2.0 (France) Attribution: tatoeba.org\n"
    "a line without a tab\n";

QString fra_path() { return QStringLiteral(ATTNVIZ_SHARED_DATA_DIR "/tatoeba-fra-eng/fra.txt"); }

bool shared_data_required() { return qEnvironmentVariableIntValue("ATTNVIZ_REQUIRE_SHARED_DATA") == 1; }

}  // namespace

class TestSeq2SeqData : public QObject {
    Q_OBJECT
private slots:
    void preprocess_as_d2l();
    void lowercase_latin();
    void split_like_python();
    void tokenize_reads_num_examples_plus_one_lines();
    void vocab_order_and_ties();
    void arrays_append_eos_and_pad();
    void split_is_deterministic();
    void fra_600_examples();
    void generated_are_deterministic_data();
    void generated_are_deterministic();
    void dates_are_iso();
    void toy_fr_moves_adjectives();
    void reverse_is_reversed();
    void bad_input_throws();
};

void TestSeq2SeqData::preprocess_as_d2l()
{
    // The book prints: "go .\tva !\nhi .\tsalut !\nrun !\tcours !\nwho ?\tqui ?\nwow !\tça alors !"
    const std::string out = preprocess_nmt(kText);
    QVERIFY(out.starts_with("go .\tva !\nhi .\tsalut !\nrun !\tcours !\nwho ?\tqui ?\nwow !\t\xC3\xA7" "a alors !\n"));
    QVERIFY(out.find("stop !\tarr\xC3\xAAte-toi !\tcc-by 2 .0 (france) attribution: tatoeba .org") != std::string::npos);
    // The rule looks at the previous character of the whole text, so a line starting with "!" gets a space.
    QCOMPARE(preprocess_nmt("a\n!"), std::string("a\n !"));
    QCOMPARE(preprocess_nmt("!a"), std::string("!a"));
}

void TestSeq2SeqData::lowercase_latin()
{
    QCOMPARE(utf8_lower("\xC3\x89T\xC3\x89 \xC5\x92UVRE \xC5\xB8 \xD0\x9F\xD0\xA0\xD0\x98"),  // ÉTÉ ŒUVRE Ÿ ПРИ
             std::string("\xC3\xA9t\xC3\xA9 \xC5\x93uvre \xC3\xBF \xD0\xBF\xD1\x80\xD0\xB8"));
    QCOMPARE(utf8_lower("A\xFF" "B"), std::string("a\xFF" "b"));  // invalid UTF-8 passes through
}

void TestSeq2SeqData::split_like_python()
{
    QCOMPARE(split_on_spaces("a b"), (TokenList{"a", "b"}));
    QCOMPARE(split_on_spaces(""), (TokenList{""}));
    QCOMPARE(split_on_spaces("a  b "), (TokenList{"a", "", "b", ""}));
}

void TestSeq2SeqData::tokenize_reads_num_examples_plus_one_lines()
{
    const std::string text = preprocess_nmt(kText);
    const SentencePairs all = tokenize_nmt(text);
    QCOMPARE(all.size(), std::size_t(6));  // the 3-column line counts, the line without a tab does not
    QCOMPARE(all.source[0], (TokenList{"go", "."}));
    QCOMPARE(all.target[4], (TokenList{"\xC3\xA7" "a", "alors", "!"}));
    QCOMPARE(all.target[5], (TokenList{"arr\xC3\xAAte-toi", "!"}));
    const SentencePairs two = tokenize_nmt(text, 2);  // lines 0, 1, 2
    QCOMPARE(two.size(), std::size_t(3));
    QCOMPARE(two.source[2], (TokenList{"run", "!"}));
}

void TestSeq2SeqData::vocab_order_and_ties()
{
    // b: 3, a: 2, c: 2 (a seen first), d: 1 (dropped with min_freq 2), "<eos>" in the text is not added twice.
    const std::vector<TokenList> lines = {{"a", "b", "c"}, {"c", "b", "a"}, {"b", "d", "<eos>", "<eos>"}};
    const Vocab v = Vocab::build(lines, 2);
    QCOMPARE(v.idx_to_token(), (std::vector<std::string>{"<unk>", "<pad>", "<bos>", "<eos>", "b", "a", "c"}));
    QCOMPARE(v["d"], 0);
    QCOMPARE(v.pad(), 1);
    QCOMPARE(v.bos(), 2);
    QCOMPARE(v.eos(), 3);
    const Vocab all = Vocab::build(lines, 0);
    QCOMPARE(all.size(), 8);
    QCOMPARE(all.token(7), std::string("d"));
}

void TestSeq2SeqData::arrays_append_eos_and_pad()
{
    SentencePairs p;
    p.source = {{"a", "b"}, {"a", "a", "a", "a", "b"}, {"b"}};
    p.target = {{"x"}, {"x", "y"}, {"y", "x", "z"}};
    const TranslationData d = build_translation_data(p, 4, 1);
    // src vocab: <unk> <pad> <bos> <eos> a b
    QCOMPARE(d.src, (std::vector<int>{4, 5, 3, 1, /**/ 4, 4, 4, 4, /**/ 5, 3, 1, 1}));
    QCOMPARE(d.src_valid, (std::vector<int>{3, 4, 2}));
    QCOMPARE(d.tgt_valid, (std::vector<int>{2, 3, 4}));
    QCOMPARE(truncate_pad({7, 8}, 3, 1), (std::vector<int>{7, 8, 1}));
}

void TestSeq2SeqData::split_is_deterministic()
{
    const SentencePairs p = generate_reverse(100, 1);
    const auto [train1, test1] = split_pairs(p, 0.1, 5);
    const auto [train2, test2] = split_pairs(p, 0.1, 5);
    QCOMPARE(test1.size(), std::size_t(10));
    QCOMPARE(train1.size(), std::size_t(90));
    QCOMPARE(test1.source, test2.source);
    QCOMPARE(train1.target, train2.target);
}

void TestSeq2SeqData::fra_600_examples()
{
    if (!QFileInfo::exists(fra_path())) {
        if (shared_data_required()) QFAIL(qPrintable("missing " + fra_path()));
        QSKIP("shared data absent (../shared/data/tatoeba-fra-eng/fra.txt)");
    }
    const TranslationData d = load_nmt_file(fra_path().toStdString(), 600, 10);
    // 601 lines read, all pairs. The book (v0.17) prints 184 / 201 for its copy of fra.txt; d2l's own
    // Python code run on this copy gives 189 / 201 (checked with the book's functions verbatim), so
    // the two copies differ in their first lines' English side.
    QCOMPARE(d.size(), 601);
    QCOMPARE(d.src_vocab.size(), 189);
    QCOMPARE(d.tgt_vocab.size(), 201);
    QCOMPARE(d.pairs.source[0], (TokenList{"go", "."}));
    QCOMPARE(d.pairs.source[1], (TokenList{"run", "!"}));
    const std::vector<std::string> src_head{"<unk>", "<pad>", "<bos>", "<eos>", ".", "i", "!", "i'm", "it", "go"};
    const std::vector<std::string> tgt_head{"<unk>", "<pad>", "<bos>", "<eos>", ".", "!", "je", "suis", "?", "\xC3\xA7" "a"};
    QCOMPARE(std::vector<std::string>(d.src_vocab.idx_to_token().begin(), d.src_vocab.idx_to_token().begin() + 10), src_head);
    QCOMPARE(std::vector<std::string>(d.tgt_vocab.idx_to_token().begin(), d.tgt_vocab.idx_to_token().begin() + 10), tgt_head);
    long long tokens = 0;
    for (int v : d.tgt_valid) tokens += v;
    QCOMPARE(tokens, 2610LL);  // target tokens per epoch, with <eos>, as d2l counts them
}

void TestSeq2SeqData::generated_are_deterministic_data()
{
    QTest::addColumn<QString>("name");
    for (const auto& n : generated_dataset_names()) QTest::newRow(n.c_str()) << QString::fromStdString(n);
}

void TestSeq2SeqData::generated_are_deterministic()
{
    QFETCH(QString, name);
    const std::string n = name.toStdString();
    const SentencePairs a = generate_dataset(n, 500, 42), b = generate_dataset(n, 500, 42), c = generate_dataset(n, 500, 43);
    QCOMPARE(a.source, b.source);
    QCOMPARE(a.target, b.target);
    QVERIFY(a.source != c.source);
    for (std::size_t i = 0; i < a.size(); ++i) {
        QVERIFY(static_cast<int>(a.source[i].size()) + 1 <= generated_dataset_num_steps(n));
        QVERIFY(static_cast<int>(a.target[i].size()) + 1 <= generated_dataset_num_steps(n));
    }
    std::set<TokenList> distinct(a.source.begin(), a.source.end());
    QVERIFY(distinct.size() > 250);
}

void TestSeq2SeqData::dates_are_iso()
{
    const SentencePairs d = generate_dates(300, 7);
    auto join = [](const TokenList& t) {
        std::string s;
        for (const auto& x : t) s += x == "\xE2\x96\x81" ? std::string(" ") : x;
        return s;
    };
    std::set<std::string> shapes;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const std::string iso = join(d.target[i]);
        QCOMPARE(iso.size(), std::size_t(10));
        QVERIFY(iso[4] == '-' && iso[7] == '-');
        const std::string src = join(d.source[i]);
        const std::string year = iso.substr(0, 4);
        QVERIFY2(src.find(year) != std::string::npos, src.c_str());
        shapes.insert(src.substr(0, 2));
    }
    QVERIFY(shapes.size() > 20);
    // 2021-03-03 was a Wednesday: check the weekday logic through a known pair shape.
    bool saw_weekday = false;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const std::string src = join(d.source[i]);
        if (src.find("day, ") != std::string::npos) saw_weekday = true;
    }
    QVERIFY(saw_weekday);
}

void TestSeq2SeqData::toy_fr_moves_adjectives()
{
    const SentencePairs d = generate_toy_fr(400, 3);
    int crossed = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const TokenList& en = d.source[i];
        const TokenList& fr = d.target[i];
        QCOMPARE(en.back(), std::string("."));
        QCOMPARE(fr.back(), std::string("."));
        QCOMPARE(en.size(), fr.size());  // one word for one word, in another order
        if (en[1] == "black") {
            QVERIFY(fr[2].starts_with("noir"));
            ++crossed;
        }
        if (en[0] == "the" && (en[1] == "house" || en[1] == "car")) QCOMPARE(fr[0], std::string("la"));
    }
    QVERIFY(crossed > 5);
}

void TestSeq2SeqData::reverse_is_reversed()
{
    const SentencePairs d = generate_reverse(50, 9);
    for (std::size_t i = 0; i < d.size(); ++i)
        QCOMPARE(d.target[i], TokenList(d.source[i].rbegin(), d.source[i].rend()));
}

void TestSeq2SeqData::bad_input_throws()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_dataset("nope", 10, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generate_dataset("dates", 0, 1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, build_translation_data(SentencePairs{}, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load_nmt_file("/nonexistent/fra.txt", 10, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Vocab().token(5));
}

QTEST_APPLESS_MAIN(TestSeq2SeqData)
#include "test_seq2seq_data.moc"
