// SPDX-License-Identifier: GPL-3.0-or-later
// The default model shipped in resources/models/ loads and translates its own grammar.
#include "attnviz/core/seq2seq/decode.hpp"
#include "attnviz/core/seq2seq/generated_datasets.hpp"
#include "attnviz/core/seq2seq/model_io.hpp"

#include <QtTest>

using namespace attnviz::seq2seq;

namespace {

std::string joined(const TokenList& tokens)
{
    std::string s;
    for (const std::string& t : tokens) s += (s.empty() ? "" : " ") + t;
    return s;
}

}  // namespace

class TestShippedModel : public QObject {
    Q_OBJECT

private slots:
    void translatesUnseenToyFrSentences()
    {
        const LoadedModel m = load_model(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors");
        QCOMPARE(m.src_vocab.size(), 45);
        QCOMPARE(m.tgt_vocab.size(), 67);
        // Another seed than the training data's: mostly sentences the model has not seen.
        const SentencePairs pairs = generate_toy_fr(50, 12345);
        int exact = 0;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            const Translation t = translate_greedy(m.model, m.src_vocab, m.tgt_vocab,
                                                   joined(pairs.source[i]), m.num_steps);
            // Every step's attention row is a distribution over the source tokens.
            for (const DecodeStep& step : t.steps) {
                double sum = 0;
                for (double a : step.attention) sum += a;
                QVERIFY(std::abs(sum - 1.0) < 1e-5);
            }
            TokenList reference = pairs.target[i];
            if (!reference.empty() && reference.back() == "<eos>") reference.pop_back();
            exact += t.output == reference;
        }
        qInfo("%d of 50 translated exactly", exact);
        QVERIFY2(exact >= 45, qPrintable(QString("%1 of 50 exact").arg(exact)));
    }
};

QTEST_APPLESS_MAIN(TestShippedModel)
#include "test_shipped_model.moc"
