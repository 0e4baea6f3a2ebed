// SPDX-License-Identifier: GPL-3.0-or-later
// attnviz::hf resuming an intervention run (RunOptions::keep_layer_inputs, ::resume): the model
// window re-runs an input with heads switched off or a row rewritten, and the layers before the
// first one touched are the plain run's. A resumed run must equal the same run from scratch.
// The comparison is exact: both runs execute the same code on the same inputs from the first
// touched layer on (the layer inputs are copies of the plain run's, bit for bit), on one thread.
#include "attnviz/core/hf/interventions.hpp"
#include "attnviz/core/hf/model.hpp"
#include "hf_test_helpers.hpp"

#include <QTest>

#include <memory>
#include <numeric>

using namespace attnviz;
using hf_test::fixture;

namespace {

void same_result(const hf::RunResult& a, const hf::RunResult& b)
{
    QCOMPARE(a.attentions->size(), b.attentions->size());
    QVERIFY(*a.attentions == *b.attentions);
    QCOMPARE(a.logits.size(), b.logits.size());
    QVERIFY(a.logits == b.logits);
    QCOMPARE(a.next.size(), b.next.size());
    for (std::size_t i = 0; i < a.next.size(); ++i) {
        QCOMPARE(a.next[i].id, b.next[i].id);
        QCOMPARE(a.next[i].probability, b.next[i].probability);
    }
}

}  // namespace

class TestHfResume : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { hf::set_threads(1); }

    void resumed_equals_from_scratch_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gpt2") << "gpt2_f32";
        QTest::newRow("llama_gqa") << "llama_gqa_f32";
        QTest::newRow("bert") << "bert_mlm_f32";
    }
    void resumed_equals_from_scratch()
    {
        QFETCH(QString, name);
        std::shared_ptr<const hf::Model> model = hf::Model::open(fixture(name.toStdString()));
        const hf::ModelInfo& info = model->info();
        QVERIFY(info.layers >= 2);
        const std::vector<int> ids = hf_test::spread_ids(info.vocab, 6);

        hf::RunOptions plain;
        plain.keep_layer_inputs = true;
        plain.keep_logits = true;
        const auto base = std::make_shared<const hf::RunResult>(model->run(ids, plain));
        QVERIFY(base->layer_inputs);
        QCOMPARE(base->layer_inputs->size(), static_cast<std::size_t>(info.layers) * 6 * info.hidden);
        QCOMPARE(base->resumed_at_layer, 0);

        // Heads off in the last layer only: everything before it comes from the plain run.
        hf::RunOptions ablated;
        ablated.keep_logits = true;
        ablated.ablate = {{info.layers - 1, 0, hf::AblationMode::Zero}, {info.layers - 1, 1, hf::AblationMode::Mean}};
        const hf::RunResult scratch = model->run(ids, ablated);
        ablated.resume = base;
        const hf::RunResult resumed = model->run(ids, ablated);
        QCOMPARE(resumed.resumed_at_layer, info.layers - 1);
        same_result(resumed, scratch);
        QVERIFY(scratch.logits != base->logits);  // the ablation did change something

        // An override in layer 1: resumed from layer 1.
        hf::RunOptions overridden;
        overridden.keep_logits = true;
        std::vector<float> row(6, 0.0f);
        row[0] = 1.0f;
        overridden.override_rows = {{1, 0, 5, row}};
        const hf::RunResult o_scratch = model->run(ids, overridden);
        overridden.resume = base;
        const hf::RunResult o_resumed = model->run(ids, overridden);
        QCOMPARE(o_resumed.resumed_at_layer, 1);
        same_result(o_resumed, o_scratch);

        // A captured head in layer 1 is the same whether the run resumed or not.
        hf::RunOptions capture;
        capture.capture_head = hf::HeadCapture{1, 1};
        const hf::RunResult c_scratch = model->run(ids, capture);
        capture.resume = base;
        const hf::RunResult c_resumed = model->run(ids, capture);
        QCOMPARE(c_resumed.resumed_at_layer, 1);
        QVERIFY(c_resumed.captured && c_scratch.captured);
        QVERIFY(c_resumed.captured->q == c_scratch.captured->q);
        QVERIFY(c_resumed.captured->v == c_scratch.captured->v);
    }

    void resume_is_ignored_when_it_does_not_apply()
    {
        std::shared_ptr<const hf::Model> model = hf::Model::open(fixture("gpt2_f32"));
        const std::vector<int> ids = hf_test::spread_ids(model->info().vocab, 5);
        hf::RunOptions plain;
        plain.keep_layer_inputs = true;
        const auto base = std::make_shared<const hf::RunResult>(model->run(ids, plain));

        hf::RunOptions o;
        o.ablate = {{1, 0, hf::AblationMode::Zero}};
        o.resume = base;
        std::vector<int> other = ids;
        other[2] = (other[2] + 1) % model->info().vocab;
        QCOMPARE(model->run(other, o).resumed_at_layer, 0);  // other ids
        o.logit_lens = true;
        QCOMPARE(model->run(ids, o).resumed_at_layer, 0);    // the lens reads every layer
        hf::RunOptions no_inputs;
        const auto bare = std::make_shared<const hf::RunResult>(model->run(ids, no_inputs));
        o.logit_lens = false;
        o.resume = bare;
        QCOMPARE(model->run(ids, o).resumed_at_layer, 0);    // it kept no layer inputs
    }
};

QTEST_GUILESS_MAIN(TestHfResume)
#include "test_hf_resume.moc"
