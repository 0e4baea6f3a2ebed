// SPDX-License-Identifier: GPL-3.0-or-later
// A real head in the playground (issue 13 item 5): the session made from one head of a run
// (app/model_view/head_session, Qt-free) is computed by the playground's own code
// (compute_session, what the recompute controller calls after every edit) and must give that
// head's attention in the run, and as output its context Σ_j a_ij v_j. GPT-2 (biases, Conv1D),
// a Llama with grouped-query attention (rotary on Q and K; the head read is one whose key/value
// head differs from its own index) and BERT (no causal mask).
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/session.hpp"
#include "hf_test_helpers.hpp"
#include "model_view/head_session.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace attnviz;
using hf_test::fixture;

namespace {

std::string read_all(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

class TestHfHeadExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { hf::set_threads(1); }

    void session_recomputes_the_head_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("head");
        QTest::newRow("gpt2") << "gpt2_f32" << 1 << 1;
        QTest::newRow("llama_gqa") << "llama_gqa_f32" << 1 << 1;  // head 1 reads key/value head 0
        QTest::newRow("llama_gqa_layer0") << "llama_gqa_f32" << 0 << 2;  // head 2 reads key/value head 1
        QTest::newRow("bert") << "bert_base_f32" << 1 << 0;
    }
    void session_recomputes_the_head()
    {
        QFETCH(QString, name);
        QFETCH(int, layer);
        QFETCH(int, head);
        const auto model = hf::Model::open(fixture(name.toStdString()));
        const hf::ModelInfo& info = model->info();
        const int n = info.max_positions;  // the longest input: every causal row differs in length
        const std::vector<int> ids = hf_test::spread_ids(info.vocab, n);
        hf::RunOptions options;
        options.capture_head = hf::HeadCapture{layer, head};
        const hf::RunResult run = model->run(ids, options);
        QVERIFY(run.captured.has_value());
        const hf::CapturedHead& c = *run.captured;
        if (name.startsWith("llama")) QVERIFY(c.kv_head != c.head);

        std::vector<std::string> labels;
        for (int i = 0; i < n; ++i) {
            std::string label = "t";  // (not "t" + …: GCC 12 warns falsely about that, -Wrestrict)
            label += std::to_string(ids[static_cast<std::size_t>(i)]);
            labels.push_back(std::move(label));
        }
        const Session made = model_view::head_session(c, labels, model_view::head_source(info, name.toStdString()));

        // Through the file, as the playground opens it.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "head.json";
        model_view::write_head_session(made, path);
        const Session s = parse_session(read_all(path));

        QCOMPARE(s.variant, Variant::ScaledDot);
        QCOMPARE(s.query_tokens, labels);
        QCOMPARE(s.key_tokens, labels);
        QCOMPARE(s.mask.causal, info.causal);
        QVERIFY(s.mask.valid_len.empty() && s.mask.matrix.size() == 0);
        QCOMPARE(s.temperature, 1.0);
        QCOMPARE(s.queries.rows(), Index{n});
        QCOMPARE(s.queries.cols(), Index{info.head_dim});

        const ComputeOutcome out = compute_session(s);
        const Matrix& w = out.result.weights;  // (n × n)
        const Matrix& o = out.result.output;   // (n × head_dim)
        QCOMPARE(w.rows(), Index{n});
        QCOMPARE(w.cols(), Index{n});
        QCOMPARE(o.cols(), Index{info.head_dim});

        // The run's weights for this head, (n × n) row-major. The run computes in float32 and the
        // playground in double from the same float Q, K, V: they differ by float roundings of
        // scores of a few units (~1e-7); 1e-5 fails on any wrong slice, missed rotary or mask.
        const float* a = run.attentions->data() + (static_cast<std::size_t>(layer) * info.heads + head) * n * n;
        const float* other = run.attentions->data() +
                             (static_cast<std::size_t>(layer) * info.heads + (head + 1) % info.heads) * n * n;
        double err = 0.0, differs = 0.0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) {
                err = std::max(err, std::abs(w(i, j) - a[i * n + j]));
                differs = std::max(differs, std::abs(w(i, j) - other[i * n + j]));
                if (info.causal && j > i) QCOMPARE(w(i, j), 0.0);
            }
        QVERIFY2(err < hf_test::kTolerance, qPrintable(QString("weights differ by %1").arg(err)));
        // The fixture's heads look at different places, so the comparison can tell heads apart.
        QVERIFY2(differs > 1e-3, qPrintable(QString("head %1 is indistinguishable from the next").arg(head)));

        // The output is the head's context Σ_j a_ij v_j, with the run's weights and captured v.
        const int d = info.head_dim;
        std::vector<float> context(static_cast<std::size_t>(n) * d);
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < d; ++k) {
                double sum = 0.0;
                for (int j = 0; j < n; ++j) sum += double(a[i * n + j]) * c.v[static_cast<std::size_t>(j) * d + k];
                context[static_cast<std::size_t>(i) * d + k] = static_cast<float>(sum);
            }
        std::vector<float> session_out(context.size());
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < d; ++k) session_out[static_cast<std::size_t>(i) * d + k] = static_cast<float>(o(i, k));
        const double out_err = hf_test::relative_error(session_out.data(), context);
        QVERIFY2(out_err < hf_test::kTolerance, qPrintable(QString("output differs by %1").arg(out_err)));
    }

    void labels_and_names()
    {
        hf::CapturedHead c;
        c.layer = 2;
        c.head = 5;
        c.kv_head = 1;
        c.n = 2;
        c.head_dim = 1;
        c.scale = 1.0;
        c.q = {1.5f, -2.0f};
        c.k = {0.25f, 3.0f};
        c.v = {4.0f, 5.0f};
        const Session s = model_view::head_session(c, {"a", "b"}, {"tiny", "Llama", true});
        QCOMPARE(model_view::head_session(c, {" ", "\n "}, {}).key_tokens, (std::vector<std::string>{"␣", "↵␣"}));
        QCOMPARE(model_view::head_session(c, {" cat", ""}, {}).query_tokens, (std::vector<std::string>{" cat", "∅"}));
        QCOMPARE(s.name, std::string("tiny: layer 2, head 5"));
        QVERIFY(s.description.find("rotary") != std::string::npos);
        QVERIFY(s.description.find("key/value head 1") != std::string::npos);
        QCOMPARE(s.queries(1, 0), -2.0);
        QCOMPARE(s.keys(0, 0), 0.25);
        QCOMPARE(s.values(1, 0), 5.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model_view::head_session(c, {"a"}, {}));
        c.v.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model_view::head_session(c, {"a", "b"}, {}));
    }

    void parse_head_ref()
    {
        const hf::HeadCapture h = model_view::parse_head_ref("3.11");
        QCOMPARE(h.layer, 3);
        QCOMPARE(h.head, 11);
        for (const char* bad : {"", "1", "x.1", "0.1,1.0", "0.-1", "-1.0", "0.1.2", " 0.1", "0.", ".1"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model_view::parse_head_ref(bad));
    }
};

QTEST_GUILESS_MAIN(TestHfHeadExport)
#include "test_hf_head_export.moc"
