// SPDX-License-Identifier: GPL-3.0-or-later
// PlaygroundDocument and RecomputeController together, as the window uses them: every edit goes
// through a model or a document setter (so through the undo stack), and the results arrive as
// snapshots, checked against the core computed directly.
#include "playground/playground_document.hpp"
#include "playground/recompute_controller.hpp"
#include "presets.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/core/random.hpp"
#include "attnviz/core/session.hpp"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <cstring>

using namespace attnviz;
using namespace attnviz::playground;

namespace {

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

ResultSnapshotPtr snapshotAt(const QSignalSpy& spy, qsizetype i)
{
    return spy.at(i).at(0).value<ResultSnapshotPtr>();
}

Session tfTutorial() { return load_preset(QStringLiteral("tf-tutorial")); }

QStringList parameterNames(const PlaygroundDocument& doc)
{
    QStringList out;
    for (const ParameterSlot& s : doc.parameters()) out << s.name;
    return out;
}

// The result of the document as it stands, computed by the core from toSession().
AttentionResult computed(const PlaygroundDocument& doc) { return compute_session(doc.toSession()).result; }

}  // namespace

class TestPlaygroundDocument : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void loads_preset_clean();
    void edit_query_cell_recomputes();
    void non_number_is_refused();
    void undo_redo_restore_exact_values();
    void variant_switch_is_undoable_and_every_variant_computes();
    void parameter_models_follow_specs();
    void mask_toggle_zeroes_the_weight();
    void mask_controls_are_commands();
    void temperature_moves_merge();
    void hyper_parameters_regenerate_undoably();
    void shape_mismatch_reports_and_recovers();
    void latest_result_wins();
    void optional_bias_is_added_as_zeros_undoably();
    void optional_bias_edit_changes_scores_as_the_core_does();
    void removing_optional_keeps_the_model_and_its_values();
    void every_optional_parameter_starts_neutral();
    void optional_parameter_refusals();
};

void TestPlaygroundDocument::loads_preset_clean()
{
    PlaygroundDocument doc;
    QSignalSpy modified(&doc, &PlaygroundDocument::modifiedChanged);
    const Session s = tfTutorial();
    doc.loadSession(s);
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 0);
    QCOMPARE(doc.variant(), Variant::ScaledDot);
    QVERIFY(doc.queriesModel()->matrix() == s.queries);
    QCOMPARE(doc.queriesModel()->rowLabels().value(0), QStringLiteral("looks for z"));
    QCOMPARE(doc.keysModel()->rowLabels().value(3), QStringLiteral("z again"));
    const Session back = doc.toSession();
    QCOMPARE(write_session(back), write_session(s));  // scaled_dot: no params either way

    QVERIFY(doc.queriesModel()->setValue(0, 0, 1.0));
    QVERIFY(doc.isModified());
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.last().at(0).toBool(), true);
    doc.loadSession(s);  // a new history: clean, empty stack
    QVERIFY(!doc.isModified());
    QCOMPARE(doc.undoStack()->count(), 0);
}

void TestPlaygroundDocument::edit_query_cell_recomputes()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    QSignalSpy ready(&ctl, &RecomputeController::resultReady);
    QSignalSpy failed(&ctl, &RecomputeController::computeFailed);
    doc.loadSession(tfTutorial());
    QVERIFY(ready.wait(5000));
    const ResultSnapshotPtr before = ctl.latestResult();
    QVERIFY(before);
    QVERIFY(!before->onWorker);  // 3 × 4 × 3 is far below the threshold

    // As a user types into the table: text through setData.
    auto* q = doc.queriesModel();
    QVERIFY(q->setData(q->index(0, 1), QStringLiteral("5")));
    QVERIFY(ready.wait(5000));
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(failed.count(), 0);
    const ResultSnapshotPtr after = snapshotAt(ready, ready.count() - 1);
    QCOMPARE(after->session.queries(0, 1), 5.0);
    QVERIFY(after->generation > before->generation);

    // The numbers are the core's, computed directly on the edited matrices.
    Matrix Q = tfTutorial().queries;
    Q(0, 1) = 5.0;
    const Session t = tfTutorial();
    const AttentionResult direct = scaled_dot_attention(Q, t.keys, t.values, MaskSpec{}, 1.0);
    // Exact: the controller runs this very core function on the same matrices (one binary).
    QVERIFY(after->outcome.result.weights == direct.weights);
    QVERIFY(after->outcome.result.output == direct.output);
    QVERIFY(after->outcome.result.weights != before->outcome.result.weights);
    QVERIFY(after->outcome.result.output != before->outcome.result.output);

    // The snapshot type is registered: a queued receiver (another thread's panel) gets it.
    QObject receiver;
    ResultSnapshotPtr queued;
    connect(&ctl, &RecomputeController::resultReady, &receiver,
            [&queued](ResultSnapshotPtr s) { queued = std::move(s); }, Qt::QueuedConnection);
    QVERIFY(q->setValue(0, 1, 6.0));
    QTRY_VERIFY(queued && queued->session.queries(0, 1) == 6.0);
    QCOMPARE(queued.get(), ctl.latestResult().get());  // shared, not copied
}

void TestPlaygroundDocument::non_number_is_refused()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QSignalSpy rejected(&doc, &PlaygroundDocument::inputRejected);
    QSignalSpy changed(&doc, &PlaygroundDocument::changed);
    auto* q = doc.queriesModel();
    for (const QString& text : {QStringLiteral("abc"), QStringLiteral("nan"), QStringLiteral("inf"),
                                QStringLiteral("")}) {
        QVERIFY2(!q->setData(q->index(1, 1), text), qPrintable(text));
        QCOMPARE(q->matrix()(1, 1), 10.0);
    }
    QCOMPARE(rejected.count(), 4);
    QVERIFY(rejected.first().at(0).toString().contains(QLatin1String("10")));  // the kept value
    QCOMPARE(changed.count(), 0);
    QCOMPARE(doc.undoStack()->count(), 0);
    QVERIFY(!doc.isModified());
}

void TestPlaygroundDocument::undo_redo_restore_exact_values()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    doc.loadSession(tfTutorial());
    QVERIFY(ctl.waitForIdle());
    const ResultSnapshotPtr original = ctl.latestResult();

    const double tricky = 0.1 + 0.2;  // 0.30000000000000004: any decimal detour would lose it
    QVERIFY(doc.valuesModel()->setValue(2, 1, tricky));
    QVERIFY(doc.keysModel()->setValue(0, 0, -1e-300));
    QVERIFY(ctl.waitForIdle());
    QVERIFY(sameBits(ctl.latestResult()->session.values(2, 1), tricky));

    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QVERIFY(ctl.waitForIdle());
    QVERIFY(!doc.isModified());
    QVERIFY(sameBits(doc.valuesModel()->matrix()(2, 1), 5.0));
    QVERIFY(sameBits(doc.keysModel()->matrix()(0, 0), 10.0));
    // Exact: undo restores the same bits, and the same code recomputes them.
    QVERIFY(ctl.latestResult()->outcome.result.weights == original->outcome.result.weights);
    QVERIFY(ctl.latestResult()->outcome.result.output == original->outcome.result.output);

    doc.undoStack()->redo();
    doc.undoStack()->redo();
    QVERIFY(ctl.waitForIdle());
    QVERIFY(sameBits(doc.valuesModel()->matrix()(2, 1), tricky));
    QVERIFY(sameBits(doc.keysModel()->matrix()(0, 0), -1e-300));
    QVERIFY(sameBits(ctl.latestResult()->session.keys(0, 0), -1e-300));
}

void TestPlaygroundDocument::variant_switch_is_undoable_and_every_variant_computes()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    QSignalSpy failed(&ctl, &RecomputeController::computeFailed);
    QSignalSpy variantSpy(&doc, &PlaygroundDocument::variantChanged);
    doc.loadSession(tfTutorial());
    QVERIFY(ctl.waitForIdle());

    int steps = 0;
    for (Variant v : kAllVariants) {
        if (v == doc.variant()) continue;
        QVERIFY(doc.setVariant(v));
        ++steps;
        QVERIFY(ctl.waitForIdle());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.last().at(0).toString()));
        QCOMPARE(ctl.latestResult()->session.variant, v);
        QCOMPARE(ctl.latestResult()->outcome.result.weights.rows(), Index(v == Variant::FeedForward ? 1 : 3));
        QCOMPARE(ctl.latestResult()->outcome.result.weights.cols(), Index(4));
        // Parameters are the document's own (shown in editors), not generated by the compute.
        QVERIFY(!ctl.latestResult()->outcome.params_generated);
        QCOMPARE(doc.parameters().empty(), v == Variant::Dot || v == Variant::ScaledDot);
    }
    QCOMPARE(doc.undoStack()->count(), steps);

    // Edit a parameter of the last variant, then walk the whole history back and forth.
    widgets::MatrixTableModel* w = doc.parameterModel(QStringLiteral("w"));
    QVERIFY(w);  // feed_forward is last in kAllVariants
    QVERIFY(w->setValue(0, 0, 0.25));
    while (doc.undoStack()->canUndo()) doc.undoStack()->undo();
    QCOMPARE(doc.variant(), Variant::ScaledDot);
    QVERIFY(!doc.isModified());
    while (doc.undoStack()->canRedo()) doc.undoStack()->redo();
    QCOMPARE(doc.variant(), Variant::FeedForward);
    QCOMPARE(doc.parameterModel(QStringLiteral("w"))->matrix()(0, 0), 0.25);
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(ctl.latestResult()->session.variant, Variant::FeedForward);
    QCOMPARE(ctl.latestResult()->session.params.find("w")->coeff(0, 0), 0.25);
    QVERIFY(failed.isEmpty());
    QVERIFY(variantSpy.count() >= 2 * steps);
}

void TestPlaygroundDocument::parameter_models_follow_specs()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QSignalSpy models(&doc, &PlaygroundDocument::parameterModelsChanged);
    QVERIFY(doc.setVariant(Variant::Additive));
    QCOMPARE(models.count(), 1);
    const std::vector<ParameterSlot> paramSlots = doc.parameters();
    QCOMPARE(paramSlots.size(), std::size_t{3});  // W_q, W_k, w_v; biases start absent (zero)
    QCOMPARE(paramSlots[0].name, QStringLiteral("W_q"));
    QCOMPARE(paramSlots[0].model->matrix().rows(), Index(8));  // h = hidden (default 8)
    QCOMPARE(paramSlots[0].model->matrix().cols(), Index(3));  // d_q
    QVERIFY(paramSlots[0].model->rowsLocked() && paramSlots[0].model->columnsLocked());
    // Same numbers the core generates for a session without params.
    Session s = tfTutorial();
    s.variant = Variant::Additive;
    const Parameters generated = initialise_parameters(Variant::Additive, dims_of(s.queries, s.keys, s.values), s.hyper);
    QVERIFY(paramSlots[0].model->matrix() == *generated.find("W_q"));

    QVERIFY(doc.setVariant(Variant::RandomSynthesizer));
    widgets::MatrixTableModel* r = doc.parameterModel(QStringLiteral("R"));
    QVERIFY(r);
    QVERIFY(!r->rowsLocked() && !r->columnsLocked());  // "at least n_q × n_k"
    QVERIFY(doc.setVariant(Variant::DenseSynthesizer));
    QVERIFY(!doc.parameterModel(QStringLiteral("W2"))->rowsLocked());
    QVERIFY(doc.parameterModel(QStringLiteral("W2"))->columnsLocked());
    QVERIFY(doc.parameterModel(QStringLiteral("W1"))->rowsLocked());

    // Back to additive: the very same model, so history touching it stays meaningful.
    QVERIFY(doc.setVariant(Variant::Additive));
    QCOMPARE(doc.parameterModel(QStringLiteral("W_q")), paramSlots[0].model);
    // A locked shape refuses to grow.
    QVERIFY(!paramSlots[0].model->insertRows(0, 1));
}

void TestPlaygroundDocument::mask_toggle_zeroes_the_weight()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    doc.loadSession(tfTutorial());
    QVERIFY(ctl.waitForIdle());
    QVERIFY(!ctl.latestResult()->outcome.result.masked(0, 3));
    QVERIFY(ctl.latestResult()->outcome.result.weights(0, 3) > 0.4);

    QVERIFY(doc.toggleMaskCell(0, 3));
    QVERIFY(ctl.waitForIdle());
    const AttentionResult& r = ctl.latestResult()->outcome.result;
    QVERIFY(r.masked(0, 3));
    QCOMPARE(r.weights(0, 3), 0.0);
    QVERIFY(qFuzzyCompare(r.weights.row(0).sum(), 1.0));
    QCOMPARE(doc.mask().matrix.rows(), Index(3));
    QCOMPARE(doc.mask().matrix.cols(), Index(4));
    QCOMPARE(Index(doc.mask().matrix.count()), Index(1));

    doc.undoStack()->undo();
    QVERIFY(ctl.waitForIdle());
    QVERIFY(!ctl.latestResult()->outcome.result.masked(0, 3));
    QVERIFY(ctl.latestResult()->outcome.result.weights(0, 3) > 0.4);
    QVERIFY(!doc.toggleMaskCell(3, 0));  // no such query row: refused
    QCOMPARE(doc.undoStack()->count(), 1);
}

void TestPlaygroundDocument::mask_controls_are_commands()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setCausal(true));
    QVERIFY(doc.setValidLengths({2}));
    QVERIFY(!doc.setValidLengths({-1}));
    QCOMPARE(doc.undoStack()->count(), 2);
    QVERIFY(ctl.waitForIdle());
    const AttentionResult& r = ctl.latestResult()->outcome.result;
    QVERIFY(r.masked(0, 1));  // causal
    QVERIFY(r.masked(2, 2));  // beyond valid length 2
    QVERIFY(!r.masked(2, 1));
    doc.undoStack()->undo();
    QVERIFY(doc.mask().valid_len.empty());
    QVERIFY(doc.mask().causal);
    doc.undoStack()->undo();
    QVERIFY(doc.mask().empty());

    // An explicit mask keeps working when a key is added: new cells unmasked.
    QVERIFY(doc.toggleMaskCell(1, 1));
    QVERIFY(doc.keysModel()->insertRows(4, 1));
    QVERIFY(doc.valuesModel()->insertRows(4, 1));
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(ctl.latestResult()->outcome.result.masked.cols(), Index(5));
    QVERIFY(ctl.latestResult()->outcome.result.masked(1, 1));
    QVERIFY(!ctl.latestResult()->outcome.result.masked(1, 4));
}

void TestPlaygroundDocument::temperature_moves_merge()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    doc.loadSession(tfTutorial());
    for (double t : {1.5, 2.0, 3.0, 4.0}) QVERIFY(doc.setTemperature(t));
    QCOMPARE(doc.undoStack()->count(), 1);
    QCOMPARE(doc.temperature(), 4.0);
    QVERIFY(ctl.waitForIdle());
    const AttentionResult& r = ctl.latestResult()->outcome.result;
    QVERIFY(qFuzzyCompare(r.logits(1, 1), r.scaled()(1, 1) / 4.0));

    QVERIFY(!doc.setTemperature(0.0));
    QVERIFY(!doc.setTemperature(-1.0));
    QCOMPARE(doc.temperature(), 4.0);

    // Another edit in between ends the merge.
    QVERIFY(doc.setCausal(true));
    QVERIFY(doc.setTemperature(0.5));
    QCOMPARE(doc.undoStack()->count(), 3);
    doc.undoStack()->undo();
    QCOMPARE(doc.temperature(), 4.0);
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QCOMPARE(doc.temperature(), 1.0);
    QVERIFY(!doc.isModified());

    // A drag that returns to where it started leaves no step at all.
    QVERIFY(doc.setTemperature(2.0));
    QVERIFY(doc.setTemperature(1.0));
    QCOMPARE(doc.undoStack()->index(), 0);
    QVERIFY(!doc.isModified());
}

void TestPlaygroundDocument::hyper_parameters_regenerate_undoably()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    QSignalSpy failed(&ctl, &RecomputeController::computeFailed);
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setVariant(Variant::MultiHead));
    const Matrix w_q = doc.parameterModel(QStringLiteral("W_q"))->matrix();
    QCOMPARE(w_q.rows(), Index(8));

    QVERIFY(doc.setHidden(12));
    QCOMPARE(doc.parameterModel(QStringLiteral("W_q"))->matrix().rows(), Index(12));
    QVERIFY(doc.setNumHeads(3));
    QVERIFY(!doc.setNumHeads(5));  // 12 is not divisible by 5: refused, nothing pushed
    QCOMPARE(doc.hyper().num_heads, Index(3));
    QVERIFY(doc.setSeed(7));
    QVERIFY(ctl.waitForIdle());
    QVERIFY(failed.isEmpty());
    QCOMPARE(ctl.latestResult()->outcome.result.heads.size(), std::size_t{3});
    const Session now = doc.toSession();
    const Parameters expected = initialise_parameters(Variant::MultiHead, dims_of(now.queries, now.keys, now.values), now.hyper);
    QVERIFY(*now.params.find("W_q") == *expected.find("W_q"));
    QCOMPARE(now.params.num_heads, Index(3));

    doc.undoStack()->undo();
    doc.undoStack()->undo();
    doc.undoStack()->undo();
    QVERIFY(doc.parameterModel(QStringLiteral("W_q"))->matrix() == w_q);
    QCOMPARE(doc.hyper().hidden, Index(8));
    QCOMPARE(doc.hyper().num_heads, Index(2));
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(ctl.latestResult()->outcome.result.heads.size(), std::size_t{2});

    // Q grows a column under the locked W_q: a message, then Regenerate fixes it undoably.
    QVERIFY(doc.queriesModel()->insertColumns(3, 1));
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.last().at(0).toString().contains(QLatin1String("W_q")), qPrintable(failed.last().at(0).toString()));
    QVERIFY(doc.regenerateParameters());
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(ctl.latestResult()->session.params.find("W_q")->cols(), Index(4));
}

void TestPlaygroundDocument::shape_mismatch_reports_and_recovers()
{
    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    QSignalSpy ready(&ctl, &RecomputeController::resultReady);
    QSignalSpy failed(&ctl, &RecomputeController::computeFailed);
    doc.loadSession(tfTutorial());
    QVERIFY(ctl.waitForIdle());
    const int readyBefore = ready.count();

    QVERIFY(doc.valuesModel()->removeRows(3, 1));
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(ready.count(), readyBefore);
    const QString message = failed.last().at(0).toString();
    QVERIFY2(message.contains(QLatin1String("values")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("4")) && message.contains(QLatin1String("3")), qPrintable(message));

    doc.undoStack()->undo();
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(ready.count(), readyBefore + 1);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(ctl.latestResult()->outcome.result.output.rows(), Index(3));

    // A bad parameter is a message too, even on the worker thread.
    ctl.setSyncCostLimit(0);
    Session bad = doc.toSession();
    bad.variant = Variant::LuongGeneral;
    bad.params_given = true;
    bad.params.tensors["W_a"] = Matrix::Ones(2, 2);
    ctl.compute(bad);
    QVERIFY(ctl.waitForIdle());
    QCOMPARE(failed.count(), 2);
    QVERIFY2(failed.last().at(0).toString().contains(QLatin1String("W_a")), qPrintable(failed.last().at(0).toString()));
}

void TestPlaygroundDocument::latest_result_wins()
{
    const Index n = 1024, d = 64;
    Session s;
    s.variant = Variant::ScaledDot;
    Rng rng(42);
    s.queries.resize(n, d);
    for (Index i = 0; i < s.queries.size(); ++i) s.queries.data()[i] = rng.uniform(-1.0, 1.0);
    s.keys = s.queries.reverse();
    s.values = s.queries;

    PlaygroundDocument doc;
    RecomputeController ctl(&doc);
    QVERIFY(RecomputeController::problemCost(s) > ctl.syncCostLimit());
    doc.loadSession(s);
    QVERIFY(ctl.waitForIdle(60000));
    QSignalSpy ready(&ctl, &RecomputeController::resultReady);
    QSignalSpy failed(&ctl, &RecomputeController::computeFailed);

    for (int i = 0; i < 20; ++i) {
        QVERIFY(doc.queriesModel()->setValue(i, 0, 100.0 + i));
        QCoreApplication::processEvents();  // each edit becomes its own request
    }
    QVERIFY(ctl.waitForIdle(120000));
    QVERIFY(failed.isEmpty());
    QVERIFY(!ready.isEmpty());
    QVERIFY(ready.count() <= 20);
    qInfo("20 edits, %d results delivered (the rest replaced while queued or dropped as stale)",
          int(ready.count()));

    std::uint64_t previous = 0;
    for (qsizetype i = 0; i < ready.count(); ++i) {
        const ResultSnapshotPtr snap = snapshotAt(ready, i);
        QVERIFY(snap->onWorker);
        QVERIFY(snap->generation > previous);  // never an older result after a newer one
        previous = snap->generation;
    }
    const ResultSnapshotPtr last = snapshotAt(ready, ready.count() - 1);
    QCOMPARE(last->generation, ctl.latestGeneration());
    QVERIFY(last->session.queries == doc.queriesModel()->matrix());
    QCOMPARE(last->session.queries(19, 0), 119.0);
    const AttentionResult direct = scaled_dot_attention(doc.queriesModel()->matrix(), s.keys, s.values, MaskSpec{}, 1.0);
    // Exact: the same core function on the same matrices in one binary.
    QVERIFY(last->outcome.result.weights == direct.weights);

    // Idle means nothing is left to arrive.
    const qsizetype count = ready.count();
    QCoreApplication::processEvents();
    QCOMPARE(ready.count(), count);
    QVERIFY(!ctl.isBusy());

    // A small request made while a large job runs outdates it: the large result is dropped.
    ready.clear();
    QVERIFY(doc.queriesModel()->setValue(0, 1, -5.0));
    QCoreApplication::processEvents();  // the worker job starts
    QVERIFY(ctl.isBusy());
    const Session small = load_preset(QStringLiteral("dot"));
    ctl.compute(small);
    QVERIFY(ctl.waitForIdle(120000));
    QCOMPARE(ready.count(), 1);
    QVERIFY(!snapshotAt(ready, 0)->onWorker);
    QVERIFY(snapshotAt(ready, 0)->session.queries == small.queries);
    QVERIFY(ctl.latestResult()->session.queries == small.queries);
}

// ---- optional parameters --------------------------------------------------------------------

void TestPlaygroundDocument::optional_bias_is_added_as_zeros_undoably()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setVariant(Variant::Additive));
    QCOMPARE(doc.absentOptionalParameters(), QStringList({"b_q", "b_k"}));
    const AttentionResult before = computed(doc);
    const int steps = doc.undoStack()->count();

    QSignalSpy models(&doc, &PlaygroundDocument::parameterModelsChanged);
    QSignalSpy changed(&doc, &PlaygroundDocument::changed);
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_q")));
    QCOMPARE(doc.undoStack()->count(), steps + 1);  // one step
    QCOMPARE(models.count(), 1);
    QVERIFY(changed.count() >= 1);
    QCOMPARE(parameterNames(doc), QStringList({"W_q", "W_k", "w_v", "b_q"}));  // spec order
    QCOMPARE(doc.absentOptionalParameters(), QStringList({"b_k"}));
    widgets::MatrixTableModel* b_q = doc.parameterModel(QStringLiteral("b_q"));
    QVERIFY(b_q);
    QVERIFY(b_q->matrix() == Matrix::Zero(1, 8));  // 1 × h, h = hidden (8)
    QVERIFY(b_q->rowsLocked() && b_q->columnsLocked());
    QVERIFY(doc.parameters().back().optional);

    // In the session (hence the file), and the result is what it was.
    const Session s = doc.toSession();
    QVERIFY(s.params.has("b_q"));
    QVERIFY(!s.params.has("b_k"));
    const AttentionResult after = computed(doc);
    // Exact by construction: a zero bias adds +0 to every element, which changes no bit.
    QVERIFY(after.scores == before.scores);
    QVERIFY(after.weights == before.weights);
    QVERIFY(after.output == before.output);
    const Session reread = parse_session(write_session(s));
    QVERIFY(reread.params.has("b_q"));
    QVERIFY(*reread.params.find("b_q") == Matrix::Zero(1, 8));

    doc.undoStack()->undo();
    QCOMPARE(models.count(), 2);
    QVERIFY(!doc.parameterModel(QStringLiteral("b_q")));
    QVERIFY(!doc.toSession().params.has("b_q"));
    QCOMPARE(doc.absentOptionalParameters(), QStringList({"b_q", "b_k"}));
    doc.undoStack()->redo();
    QCOMPARE(doc.parameterModel(QStringLiteral("b_q")), b_q);  // the same model comes back
    QVERIFY(doc.toSession().params.has("b_q"));

    // A file that gives b_q opens with its editor, and Remove takes it out of the session.
    PlaygroundDocument reopened;
    reopened.loadSession(reread);
    QVERIFY(reopened.parameterModel(QStringLiteral("b_q")));
    QVERIFY(reopened.removeOptionalParameter(QStringLiteral("b_q")));
    QVERIFY(!reopened.toSession().params.has("b_q"));
    QVERIFY(!parse_session(write_session(reopened.toSession())).params.has("b_q"));
}

void TestPlaygroundDocument::optional_bias_edit_changes_scores_as_the_core_does()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setVariant(Variant::Additive));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_q")));
    const AttentionResult before = computed(doc);
    QVERIFY(doc.parameterModel(QStringLiteral("b_q"))->setValue(0, 2, 0.75));  // a cell edit
    QVERIFY(doc.parameterModel(QStringLiteral("b_q"))->setValue(0, 5, -1.5));
    const AttentionResult after = computed(doc);
    QVERIFY(after.scores != before.scores);

    const Session s = doc.toSession();
    const Matrix& W_q = *s.params.find("W_q");  // (h × d_q)
    const Matrix& W_k = *s.params.find("W_k");  // (h × d_k)
    const Matrix& w_v = *s.params.find("w_v");  // (1 × h)
    const Matrix& b_q = *s.params.find("b_q");  // (1 × h)
    QCOMPARE(b_q(0, 2), 0.75);
    // The core's own function given that bias: the same numbers to the bit.
    const AttentionResult core = additive_attention(s.queries, s.keys, s.values, {W_q, W_k, w_v, b_q, Matrix()},
                                                    MaskSpec{}, 1.0);
    QVERIFY(after.scores == core.scores);
    QVERIFY(after.weights == core.weights);
    // And by hand, with std::tanh: score_ij = Σ_h w_v[h] tanh((W_q q_i)[h] + b_q[h] + (W_k k_j)[h]).
    for (Index i = 0; i < s.queries.rows(); ++i)
        for (Index j = 0; j < s.keys.rows(); ++j) {
            double score = 0;
            for (Index h = 0; h < W_q.rows(); ++h)
                score += w_v(0, h) * std::tanh(W_q.row(h).dot(s.queries.row(i)) + b_q(0, h) +
                                               W_k.row(h).dot(s.keys.row(j)));
            QVERIFY2(std::abs(after.scores(i, j) - score) < 1e-12,
                     qPrintable(QStringLiteral("score(%1, %2): %3 vs %4").arg(i).arg(j).arg(after.scores(i, j)).arg(score)));
        }
}

void TestPlaygroundDocument::removing_optional_keeps_the_model_and_its_values()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setVariant(Variant::Additive));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_k")));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_q")));
    QCOMPARE(parameterNames(doc), QStringList({"W_q", "W_k", "w_v", "b_q", "b_k"}));  // spec order
    widgets::MatrixTableModel* b_q = doc.parameterModel(QStringLiteral("b_q"));
    const double tricky = 0.1 + 0.2;
    QVERIFY(b_q->setValue(0, 0, tricky));
    QVERIFY(b_q->setValue(0, 7, -1e-300));
    const Matrix edited = b_q->matrix();
    const AttentionResult withBias = computed(doc);

    QSignalSpy models(&doc, &PlaygroundDocument::parameterModelsChanged);
    QVERIFY(doc.removeOptionalParameter(QStringLiteral("b_q")));
    QCOMPARE(models.count(), 1);
    QVERIFY(!doc.parameterModel(QStringLiteral("b_q")));
    QVERIFY(!doc.toSession().params.has("b_q"));
    QVERIFY(computed(doc).scores != withBias.scores);

    doc.undoStack()->undo();
    QCOMPARE(doc.parameterModel(QStringLiteral("b_q")), b_q);  // the same model, where it was
    QCOMPARE(parameterNames(doc), QStringList({"W_q", "W_k", "w_v", "b_q", "b_k"}));
    QVERIFY(sameBits(b_q->matrix()(0, 0), tricky));
    QVERIFY(sameBits(b_q->matrix()(0, 7), -1e-300));
    QVERIFY(doc.toSession().params.find("b_q")->cwiseEqual(edited).all());
    // Exact: the same parameters' bits through the same code.
    QVERIFY(computed(doc).scores == withBias.scores);

    // The cell edits made before the removal still undo on that model.
    doc.undoStack()->undo();
    QCOMPARE(b_q->matrix()(0, 7), 0.0);
    doc.undoStack()->undo();
    QVERIFY(b_q->matrix() == Matrix::Zero(1, 8));
    while (doc.undoStack()->canRedo()) doc.undoStack()->redo();
    QVERIFY(!doc.parameterModel(QStringLiteral("b_q")));  // redo removed it again
    doc.undoStack()->undo();
    QVERIFY(sameBits(doc.parameterModel(QStringLiteral("b_q"))->matrix()(0, 0), tricky));
}

void TestPlaygroundDocument::every_optional_parameter_starts_neutral()
{
    // Each variant's absent optional tensors, added one at a time: the result stays the same.
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    for (Variant v : kAllVariants) {
        if (v != doc.variant()) QVERIFY(doc.setVariant(v));
        for (const QString& name : doc.absentOptionalParameters()) {
            const AttentionResult before = computed(doc);
            QVERIFY2(doc.addOptionalParameter(name), qPrintable(name));
            const AttentionResult after = computed(doc);
            // Exact by construction: zeros added, or a product with the identity (x·1 plus exact zeros).
            QVERIFY2(after.weights == before.weights, qPrintable(name));
            QVERIFY2(after.output == before.output, qPrintable(name));
        }
        QVERIFY(doc.absentOptionalParameters().isEmpty());
    }
    // Shapes: the biases follow their weight's rows; an optional projection is the identity.
    QCOMPARE(doc.variant(), Variant::FeedForward);  // last in kAllVariants
    QVERIFY(doc.parameterModel(QStringLiteral("b"))->matrix() == Matrix::Zero(1, 1));
    QVERIFY(doc.setVariant(Variant::DenseSynthesizer));
    QVERIFY(doc.parameterModel(QStringLiteral("b1"))->matrix() == Matrix::Zero(1, 3));  // d_q
    QCOMPARE(doc.parameterModel(QStringLiteral("b2"))->matrix().cols(),
             doc.parameterModel(QStringLiteral("W2"))->matrix().rows());  // l_max
    QVERIFY(doc.parameterModel(QStringLiteral("W_v"))->matrix() == Matrix::Identity(2, 2));  // d_v

    // Multi-head's W_o, removed and added back, is (h × h) identity: the concat of the heads.
    QVERIFY(doc.setVariant(Variant::MultiHead));
    QVERIFY(doc.parameterModel(QStringLiteral("b_o"))->matrix() == Matrix::Zero(1, 2));  // d_o = d_v
    QVERIFY(doc.removeOptionalParameter(QStringLiteral("b_o")));
    QVERIFY(doc.removeOptionalParameter(QStringLiteral("W_o")));
    const AttentionResult concat = computed(doc);
    QCOMPARE(concat.output.cols(), Index(8));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("W_o")));
    QVERIFY(doc.parameterModel(QStringLiteral("W_o"))->matrix() == Matrix::Identity(8, 8));
    // Exact: output × I sums x·1 and exact zeros, whatever the vector width or FMA.
    QVERIFY(computed(doc).output == concat.output);
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_o")));
    QVERIFY(doc.parameterModel(QStringLiteral("b_o"))->matrix() == Matrix::Zero(1, 8));
}

void TestPlaygroundDocument::optional_parameter_refusals()
{
    PlaygroundDocument doc;
    doc.loadSession(tfTutorial());
    QSignalSpy rejected(&doc, &PlaygroundDocument::inputRejected);
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("b_q")));  // scaled dot has no parameters
    QVERIFY(doc.setVariant(Variant::Additive));
    const int steps = doc.undoStack()->count();
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("nope")));
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("W_q")));      // required
    QVERIFY(!doc.removeOptionalParameter(QStringLiteral("W_q")));
    QVERIFY(!doc.removeOptionalParameter(QStringLiteral("b_q")));   // not there
    QVERIFY(!doc.removeOptionalParameter(QStringLiteral("b_o")));   // multi-head's, not additive's
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_q")));
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("b_q")));      // already there
    QCOMPARE(rejected.count(), 7);
    const auto message = [&rejected](int i) { return rejected.at(i).at(0).toString(); };
    QVERIFY2(message(1).contains(QLatin1String("nope")), qPrintable(message(1)));
    QVERIFY2(message(2).contains(QLatin1String("required")), qPrintable(message(2)));
    QVERIFY2(message(3).contains(QLatin1String("required")), qPrintable(message(3)));
    QVERIFY2(message(4).contains(QLatin1String("not there")), qPrintable(message(4)));
    QVERIFY2(message(6).contains(QLatin1String("already")), qPrintable(message(6)));
    QVERIFY(!doc.cannotAddReason(QStringLiteral("W_q")).isEmpty());
    QVERIFY(doc.cannotAddReason(QStringLiteral("b_k")).isEmpty());
    QCOMPARE(doc.undoStack()->count(), steps + 1);  // only the accepted add

    // b_o needs W_o: refused before it, and W_o cannot go while b_o is there.
    QVERIFY(doc.setVariant(Variant::MultiHead));
    QVERIFY(doc.removeOptionalParameter(QStringLiteral("W_o")));
    QVERIFY(doc.absentOptionalParameters().contains(QStringLiteral("b_o")));
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("b_o")));
    QVERIFY(rejected.last().at(0).toString().contains(QLatin1String("W_o")));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("W_o")));
    QVERIFY(doc.addOptionalParameter(QStringLiteral("b_o")));
    QVERIFY(!doc.removeOptionalParameter(QStringLiteral("W_o")));
    QVERIFY(rejected.last().at(0).toString().contains(QLatin1String("b_o")));
    QCOMPARE(rejected.count(), 9);

    // Heads that do not divide h leave a variant first visited then without tensors: its
    // required ones are still not addable, nor a bias without its weight.
    doc.loadSession(tfTutorial());
    QVERIFY(doc.setNumHeads(3));  // h = 8
    QVERIFY(doc.setVariant(Variant::MultiHead));
    QVERIFY(doc.parameters().empty());
    rejected.clear();
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("W_q")));
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("b_q")));
    QVERIFY(!doc.addOptionalParameter(QStringLiteral("W_o")));
    QCOMPARE(rejected.count(), 3);
    QVERIFY2(message(0).contains(QLatin1String("required")), qPrintable(message(0)));
    QVERIFY2(message(1).contains(QLatin1String("W_q")), qPrintable(message(1)));
}

QTEST_MAIN(TestPlaygroundDocument)
#include "test_playground_document.moc"
