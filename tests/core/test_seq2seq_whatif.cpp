// SPDX-License-Identifier: GPL-3.0-or-later
// The pure helpers behind the seq2seq window's "what if" editor and character models
// (core/seq2seq/whatif.hpp), and the override re-decode they feed.
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"
#include "attnviz/core/seq2seq/whatif.hpp"

#include <QtTest>

#include <cmath>
#include <limits>
#include <numeric>

using namespace attnviz::seq2seq;

namespace {

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

class TestSeq2SeqWhatIf : public QObject {
    Q_OBJECT

private slots:
    void renormaliseDividesBySum()
    {
        const auto r = renormalise_row({1.0, 3.0, 0.0});
        QCOMPARE(r.size(), std::size_t(3));
        QCOMPARE(r[0], 0.25);
        QCOMPARE(r[1], 0.75);
        QCOMPARE(r[2], 0.0);
    }

    void renormaliseIgnoresNegativeAndNaN()
    {
        const auto r = renormalise_row({-2.0, std::numeric_limits<double>::quiet_NaN(), 2.0,
                                        std::numeric_limits<double>::infinity()});
        QCOMPARE(r, (std::vector<double>{0.0, 0.0, 1.0, 0.0}));
    }

    void renormaliseAllZeroIsUniform()
    {
        // Exact here and below: 1/4, 2/2, (1 - 0.4)/2 are single IEEE-rounded scalar operations (no
        // a·b + c for FMA to fuse), the same on every x86-64.
        QCOMPARE(renormalise_row({0.0, 0.0, 0.0, 0.0}), (std::vector<double>{0.25, 0.25, 0.25, 0.25}));
        QVERIFY(renormalise_row({}).empty());
    }

    void setWeightKeepsTheValueAndRescalesTheRest()
    {
        const auto r = set_row_weight({0.5, 0.25, 0.25}, 1, 0.5);
        QCOMPARE(r[1], 0.5);
        QCOMPARE(r[0], 0.5 * 0.5 / 0.75);
        QCOMPARE(r[2], 0.5 * 0.25 / 0.75);
        QVERIFY(std::abs(sum(r) - 1.0) < 1e-12);
    }

    void setWeightClampsAndSpreadsOverZeros()
    {
        QCOMPARE(set_row_weight({1.0, 0.0, 0.0}, 0, 0.4), (std::vector<double>{0.4, 0.3, 0.3}));
        QCOMPARE(set_row_weight({0.2, 0.8}, 1, 7.0), (std::vector<double>{0.0, 1.0}));
        QCOMPARE(set_row_weight({0.2, 0.8}, 1, -1.0), (std::vector<double>{1.0, 0.0}));
        QCOMPARE(set_row_weight({0.3}, 0, 0.1), (std::vector<double>{1.0}));  // a single entry is always 1
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, set_row_weight({0.5, 0.5}, 2, 0.1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, set_row_weight({0.5, 0.5}, -1, 0.1));
    }

    void spellsAndJoinsCharacters()
    {
        QCOMPARE(spell_characters("mar 3"), std::string("m a r \xE2\x96\x81 3"));
        QCOMPARE(spell_characters("é1"), std::string("é 1"));  // one token per code point
        QCOMPARE(spell_characters(""), std::string());
        QCOMPARE(join_characters({"2", "0", "\xE2\x96\x81", "x"}), std::string("20 x"));
        // The spelled sentence reads back as the characters the dates dataset uses.
        QCOMPARE(source_tokens(spell_characters("3, 2021")),
                 (TokenList{"3", ",", "\xE2\x96\x81", "2", "0", "2", "1"}));
    }

    // The row edited with set_row_weight, decoded with an AttentionOverride: the steps before
    // the edit are unchanged, the edited step uses exactly that row.
    void overrideReDecodesFromTheEditedStep()
    {
        const LoadedModel m = load_model(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors");
        const std::string s = "the black cat sees a red car .";
        const Translation base = translate_greedy(m.model, m.src_vocab, m.tgt_vocab, s, m.num_steps);
        QVERIFY(base.steps.size() >= 4);
        const int k = 2;
        const auto row = set_row_weight(base.steps[k].attention, 0, 0.9);
        QVERIFY(std::abs(sum(row) - 1.0) < 1e-12);
        const Translation edited = translate_greedy(m.model, m.src_vocab, m.tgt_vocab, s, m.num_steps,
                                                    AttentionOverride{k, row});
        for (int i = 0; i < k; ++i) QCOMPARE(edited.steps[i].token, base.steps[i].token);
        for (std::size_t j = 0; j < row.size(); ++j) QVERIFY(std::abs(edited.steps[k].attention[j] - row[j]) < 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestSeq2SeqWhatIf)
#include "test_seq2seq_whatif.moc"
