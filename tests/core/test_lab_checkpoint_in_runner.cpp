// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 12: "the Transformer lab's saved model runs with the lab's numbers". A lab GPT is saved
// with save_hf_checkpoint, opened with the checkpoint runner (hf::Model, the code path a user's
// Hugging Face folder takes) and run over a lab sequence; every layer and head's attention and
// the logits must match the lab model's own forward. The saved tokenizer.json, read by
// tokenizers::Tokenizer, must give the ids the lab uses.
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/random.hpp"
#include "attnviz/core/tokenizers/tokenizer.hpp"
#include "attnviz/core/transformer/hf_save.hpp"
#include "attnviz/core/transformer/tasks.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <string>

using namespace attnviz;
using namespace attnviz::transformer;
namespace fs = std::filesystem;

namespace {

// Tolerance (the 1e-5): the runner computes in float with its own packed AVX2/FMA
// kernels and summation order, the lab model in float through Eigen, so the two agree to float
// rounding accumulated over two layers, not bit for bit. Attention weights are in [0, 1]
// (absolute 1e-5); logits are compared relative to max(1, |logit|).
constexpr double kTolerance = 1e-5;

LabConfig small_lab(const std::string& task)
{
    LabConfig c = default_config(task);
    c.layers = 2;
    c.heads = 2;
    c.embd = 16;
    c.ctx = 12;
    c.vocab = 10;
    return c;
}

// A lab model for `c` (vocabulary V), its parameters moved away from the initialisation (biases
// off 0, LayerNorm gains off 1, weights larger than init_std) so that attention is far from
// uniform and a mis-read bias, gain or transposed matrix shows in the numbers.
std::unique_ptr<Gpt<float>> model_for(const LabConfig& c, int V)
{
    GptConfig g;
    g.layers = c.layers;
    g.heads = c.heads;
    g.embd = c.embd;
    g.positions = c.ctx;
    g.vocab = V;
    auto m = std::make_unique<Gpt<float>>(g, 21);
    Rng rng(5);
    for (auto* p : m->parameters())
        for (Eigen::Index i = 0; i < p->value.size(); ++i) p->value.data()[i] += static_cast<float>(rng.normal() * 0.3);
    return m;
}

struct Difference {
    double attention = 0.0;  // max |runner − lab| over every layer, head, query, key
    double logits = 0.0;     // max |runner − lab| / max(1, |lab|) over the last position's logits
};

// Runs `ids` through the saved folder with the runner and through `lab` (B = 1), and returns the
// largest differences. Also checks the shapes and that the runner's top token is the lab's argmax.
Difference compare(const fs::path& folder, Gpt<float>& lab, const std::vector<int>& ids)
{
    const auto runner = hf::Model::open(folder);
    hf::RunOptions options;
    options.keep_logits = true;
    options.top_k = 3;
    const hf::RunResult r = runner->run(ids, options);

    const int L = lab.config().layers, H = lab.config().heads;
    const auto n = static_cast<Eigen::Index>(ids.size());
    const Eigen::Index V = lab.config().vocab;
    const Mat<float>& logits = lab.forward(ids.data(), 1, n);  // (n × V)

    if (r.layers != L || r.heads != H || r.n != n || !r.attentions ||
        r.attentions->size() != static_cast<std::size_t>(L * H * n * n))
        throw std::runtime_error("runner result has the wrong shape");
    Difference d;
    for (int l = 0; l < L; ++l) {
        const Mat<float>& a = lab.attention(l);  // (H·n × n), head h at rows h·n …
        for (int h = 0; h < H; ++h)
            for (Eigen::Index i = 0; i < n; ++i)
                for (Eigen::Index j = 0; j < n; ++j) {
                    const float got = (*r.attentions)[static_cast<std::size_t>(((l * H + h) * n + i) * n + j)];
                    d.attention = std::max(d.attention, std::abs(double(got) - double(a(h * n + i, j))));
                }
    }
    // keep_logits of a causal model: the last position's row (logit_positions says which).
    const auto last = std::find(r.logit_positions.begin(), r.logit_positions.end(), static_cast<int>(n - 1));
    if (last == r.logit_positions.end() || r.logits.size() != r.logit_positions.size() * static_cast<std::size_t>(V))
        throw std::runtime_error("runner kept no logits for the last position");
    const std::size_t row = static_cast<std::size_t>(last - r.logit_positions.begin());
    Eigen::Index argmax = 0;
    for (Eigen::Index v = 0; v < V; ++v) {
        const double want = logits(n - 1, v);
        const double got = r.logits[row * static_cast<std::size_t>(V) + static_cast<std::size_t>(v)];
        d.logits = std::max(d.logits, std::abs(got - want) / std::max(1.0, std::abs(want)));
        if (logits(n - 1, v) > logits(n - 1, argmax)) argmax = v;
    }
    if (d.logits <= kTolerance && (r.next.empty() || r.next.front().id != argmax))
        throw std::runtime_error("runner's top token is not the lab's argmax");
    return d;
}

}  // namespace

class TestLabCheckpointInRunner : public QObject {
    Q_OBJECT
private slots:
    void runner_matches_lab_forward();
    void runner_sees_a_broken_save();
    void tokenizer_gives_lab_ids();
    void copy_task_separator();
};

void TestLabCheckpointInRunner::runner_matches_lab_forward()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path folder = fs::path(tmp.path().toStdString()) / "lab";
    const LabConfig c = small_lab("induction");
    const Task task = make_task(c);
    QCOMPARE(task.vocab_size(), 10);
    auto lab = model_for(c, task.vocab_size());
    save_hf_checkpoint(folder, *lab, task.token_names(), c);

    // A full-length induction sequence as the lab draws it, and a shorter prefix.
    Rng rng(7);
    const std::vector<int> seq = task.sample(rng).tokens;
    QCOMPARE(seq.size(), std::size_t(12));
    for (const std::vector<int>& ids : {seq, std::vector<int>(seq.begin(), seq.begin() + 5)}) {
        const Difference d = compare(folder, *lab, ids);
        qInfo("n = %zu: max attention difference %.3g, max relative logit difference %.3g", ids.size(),
              d.attention, d.logits);
        QVERIFY2(d.attention <= kTolerance, qPrintable(QString::number(d.attention)));
        QVERIFY2(d.logits <= kTolerance, qPrintable(QString::number(d.logits)));
    }
}

// The comparison is sensitive: a checkpoint whose block-0 attention output projection is
// transposed (what a save forgetting GPT-2's Conv1D layout would write for this square matrix)
// runs to different numbers.
void TestLabCheckpointInRunner::runner_sees_a_broken_save()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path folder = fs::path(tmp.path().toStdString()) / "broken";
    const LabConfig c = small_lab("induction");
    const Task task = make_task(c);
    auto lab = model_for(c, task.vocab_size());
    nn::Param<float>* proj = lab->find("transformer.h.0.attn.c_proj.weight");  // (16 × 16)
    QVERIFY(proj);
    proj->value.transposeInPlace();
    save_hf_checkpoint(folder, *lab, task.token_names(), c);
    proj->value.transposeInPlace();  // the lab keeps the right weights

    Rng rng(7);
    const Difference d = compare(folder, *lab, task.sample(rng).tokens);
    qInfo("broken save: attention difference %.3g, logit difference %.3g", d.attention, d.logits);
    QVERIFY(d.attention > 100 * kTolerance);  // layer 1's attention reads layer 0's output
    QVERIFY(d.logits > 100 * kTolerance);
}

void TestLabCheckpointInRunner::tokenizer_gives_lab_ids()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path folder = fs::path(tmp.path().toStdString()) / "lab";
    const LabConfig c = small_lab("induction");
    const Task task = make_task(c);
    auto lab = model_for(c, task.vocab_size());
    save_hf_checkpoint(folder, *lab, task.token_names(), c);

    const tokenizers::Tokenizer tok = tokenizers::Tokenizer::load(folder);
    QCOMPARE(tok.kind(), std::string("WordLevel"));
    QCOMPARE(tok.vocab_size(), std::size_t(10));
    const tokenizers::Encoding e = tok.encode("t3 t1 t4");
    QCOMPARE(e.ids, (std::vector<int>{3, 1, 4}));  // the lab's id of "tk" is k
    QCOMPARE(e.tokens, (std::vector<std::string>{"t3", "t1", "t4"}));
    for (int id = 0; id < 10; ++id) {
        QCOMPARE(tok.token_text(id), task.token_names()[static_cast<std::size_t>(id)]);
        QCOMPARE(tok.token_to_id(tok.token_text(id)), std::optional<int>(id));
    }
    // A whole lab sequence written as text encodes back to its ids, and the runner takes them.
    Rng rng(3);
    const std::vector<int> seq = task.sample(rng).tokens;
    std::string text;
    for (int id : seq) text += (text.empty() ? "" : " ") + task.token_names()[static_cast<std::size_t>(id)];
    QCOMPARE(tok.encode(text).ids, seq);
}

void TestLabCheckpointInRunner::copy_task_separator()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path folder = fs::path(tmp.path().toStdString()) / "copy";
    const LabConfig c = small_lab("copy");
    const Task task = make_task(c);
    QCOMPARE(task.vocab_size(), 11);  // t0 … t9 and the separator
    QCOMPARE(task.separator(), 10);
    auto lab = model_for(c, task.vocab_size());
    save_hf_checkpoint(folder, *lab, task.token_names(), c);

    const tokenizers::Tokenizer tok = tokenizers::Tokenizer::load(folder);
    QCOMPARE(tok.encode("t3 t1 | t3 t1").ids, (std::vector<int>{3, 1, 10, 3, 1}));
    QCOMPARE(tok.token_text(10), std::string("|"));

    // And the copy model runs with the lab's numbers too, on a lab sequence holding "|".
    Rng rng(11);
    const std::vector<int> seq = task.sample(rng).tokens;
    QVERIFY(std::find(seq.begin(), seq.end(), 10) != seq.end());
    const Difference d = compare(folder, *lab, seq);
    qInfo("copy: max attention difference %.3g, max relative logit difference %.3g", d.attention, d.logits);
    QVERIFY2(d.attention <= kTolerance, qPrintable(QString::number(d.attention)));
    QVERIFY2(d.logits <= kTolerance, qPrintable(QString::number(d.logits)));
}

QTEST_GUILESS_MAIN(TestLabCheckpointInRunner)
#include "test_lab_checkpoint_in_runner.moc"
