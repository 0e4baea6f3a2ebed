// SPDX-License-Identifier: GPL-3.0-or-later
// The Transformer lab's default induction run against issue 15's targets: ≥ 0.9 second-copy
// accuracy, a layer-1 head with induction score ≥ 0.5, and a one-layer model of the same width
// trained as long staying on the plateau (docs/transformer-lab.md has the measured curve).
#include "attnviz/core/transformer/lab_job.hpp"

#include <QTest>

#include <algorithm>

using namespace attnviz;
using namespace attnviz::transformer;

#if defined(__SANITIZE_ADDRESS__)
#define ATTNVIZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNVIZ_ASAN 1
#endif
#endif

namespace {

double best_induction_past_layer_0(const LabOutcome& o)
{
    double best = 0.0;
    for (std::size_t i = static_cast<std::size_t>(o.config.heads); i < o.metrics.size(); ++i)
        best = std::max(best, o.metrics[i].induction);
    return best;
}

}  // namespace

class TestTransformerTraining : public QObject {
    Q_OBJECT
private slots:
    void snapshots_pause_and_stop();
    void default_induction_run_against_the_targets();
};

void TestTransformerTraining::snapshots_pause_and_stop()
{
    LabConfig c = default_config("induction");
    c.steps = 40;
    c.snapshot_every = 10;
    c.embd = 16;
    nn::TrainControl control;
    std::vector<long long> steps;
    LabCallbacks cb;
    cb.on_snapshot = [&](const LabSnapshot& s) {
        steps.push_back(s.step);
        QCOMPARE(s.attention.size(), static_cast<std::size_t>(s.layers * s.heads * s.n * s.n));
        QCOMPARE(s.tokens.size(), static_cast<std::size_t>(c.ctx));
        QCOMPARE(s.token_text.size(), s.tokens.size());
        QCOMPARE(s.metrics.size(), static_cast<std::size_t>(s.layers * s.heads));
        QVERIFY(s.repeat >= std::max(2, c.ctx / 8) && s.repeat <= c.ctx / 2);
        if (s.step == 20) control.stop();
    };
    const LabOutcome o = run_lab_job(c, control, cb);
    QCOMPARE(steps, (std::vector<long long>{0, 10, 20}));
    QVERIFY(o.stopped);
    QCOMPARE(o.steps, 20LL);
    QVERIFY(o.model != nullptr);
    QCOMPARE(o.vocabulary.size(), static_cast<std::size_t>(c.vocab));
    // The same seed, the same run (stopped at the same step: the schedule depends on c.steps).
    nn::TrainControl again;
    LabCallbacks stop_at_20;
    stop_at_20.on_snapshot = [&](const LabSnapshot& s) {
        if (s.step == 20) again.stop();
    };
    const LabOutcome o2 = run_lab_job(c, again, stop_at_20);
    QCOMPARE(o2.final_loss, o.final_loss);
    QCOMPARE(o2.accuracy, o.accuracy);
}

void TestTransformerTraining::default_induction_run_against_the_targets()
{
#if defined(ATTNVIZ_ASAN)
    QSKIP("two full training runs (about 60 s natively, many minutes under ASan + UBSan); the same code runs "
          "sanitized in snapshots_pause_and_stop");
#else
    const LabConfig two_cfg = default_config("induction");
    LabConfig one_cfg = two_cfg;
    one_cfg.layers = 1;
    nn::TrainControl c1, c2;
    const LabOutcome two = run_lab_job(two_cfg, c2);
    const LabOutcome one = run_lab_job(one_cfg, c1);
    const double induction = best_induction_past_layer_0(two);
    qInfo("2 layers: accuracy %.3f, loss %.4f, best layer-1 induction score %.3f, %.1f s; 1 layer: accuracy %.3f, "
          "loss %.4f, %.1f s",
          two.accuracy, two.final_loss, induction, two.seconds, one.accuracy, one.final_loss, one.seconds);
    QCOMPARE(two.steps, two_cfg.steps);
    // Measured on the reference machine: accuracy 0.94, induction score 0.80, loss 3.19.
    QVERIFY(two.accuracy >= 0.9);
    QVERIFY(induction >= 0.5);
    QVERIFY(two.final_loss < 3.4);  // chance is ln 64 = 4.16; the plateau ≈ 4.1
    // The one-layer model stays on the plateau: its loss near chance, far above two layers', and
    // its accuracy what a bag-of-tokens shortcut gives ("a token of the first copy not repeated
    // yet", ≈ 0.25), far below. It cannot form an induction head (no layer to compose with).
    QVERIFY(one.final_loss > 3.9);
    QVERIFY(one.accuracy < 0.35);
#endif
}

QTEST_APPLESS_MAIN(TestTransformerTraining)
#include "test_transformer_training.moc"
