// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's tasks (generated from a seed, the same on every platform) and the head metrics on
// attention maps built by hand.
#include "attnviz/core/transformer/head_metrics.hpp"
#include "attnviz/core/transformer/lab_job.hpp"
#include "attnviz/core/transformer/tasks.hpp"

#include <QTest>

#include <cmath>
#include <stdexcept>

using namespace attnviz;
using namespace attnviz::transformer;

namespace {

template <class F>
std::string refusal(F&& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

// A causal n × n map with row i given by `row(i, j)` (rows need not be normalised here).
std::vector<float> map_of(int n, const std::function<float(int, int)>& row)
{
    std::vector<float> A(static_cast<std::size_t>(n * n), 0.0f);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j <= i; ++j) A[static_cast<std::size_t>(i * n + j)] = row(i, j);
    return A;
}

}  // namespace

class TestTransformerTasks : public QObject {
    Q_OBJECT
private slots:
    void induction_sequences_repeat_a_segment();
    void induction_is_the_same_for_a_seed();
    void copy_reverse_and_sort();
    void text_at_character_level();
    void bad_tasks_are_refused();
    void metrics_of_a_previous_token_head();
    void metrics_of_an_induction_head();
    void metrics_of_a_uniform_head();
    void probe_metrics_average_sequences();
    void default_configs_are_valid();
};

void TestTransformerTasks::induction_sequences_repeat_a_segment()
{
    const Task task(TaskKind::Induction, 16, 32);
    QCOMPARE(task.vocab_size(), 16);
    QCOMPARE(task.token_names().front(), std::string("t0"));
    QCOMPARE(task.token_names().back(), std::string("t15"));
    QCOMPARE(task.separator(), -1);
    Rng rng(7);
    std::vector<int> ks;
    for (int s = 0; s < 200; ++s) {
        const Sequence q = task.sample(rng);
        QCOMPARE(q.tokens.size(), std::size_t(32));
        QCOMPARE(q.scored.size(), std::size_t(31));
        const int k = q.repeat;
        QVERIFY(k >= 4 && k <= 16);  // [max(2, 32/8), 32/2]
        for (int i = 0; i < k; ++i) QCOMPARE(q.tokens[k + i], q.tokens[i]);
        for (int t = 0; t < 31; ++t) QCOMPARE(q.scored[t] != 0, t >= k && t <= 2 * k - 2);
        for (int id : q.tokens) QVERIFY(id >= 0 && id < 16);
        ks.push_back(k);
    }
    QCOMPARE(*std::min_element(ks.begin(), ks.end()), 4);  // both ends drawn
    QCOMPARE(*std::max_element(ks.begin(), ks.end()), 16);
}

void TestTransformerTasks::induction_is_the_same_for_a_seed()
{
    // Integer arithmetic only (Rng::below): these numbers hold on every platform and compiler.
    // Checked by hand: k = 3 (from [max(2, 8/8), 8/2]), tokens 0–2 repeated at 3–5, then two fresh
    // ones, every id in [0, 5).
    const Task task(TaskKind::Induction, 5, 8);
    Rng rng(1);
    const Sequence q = task.sample(rng);
    const std::vector<int> want = {2, 0, 3, 2, 0, 3, 1, 2};
    QCOMPARE(q.tokens, want);
    QCOMPARE(q.repeat, 3);
    Rng a(42), b(42);
    for (int i = 0; i < 20; ++i) QCOMPARE(task.sample(a).tokens, task.sample(b).tokens);
}

void TestTransformerTasks::copy_reverse_and_sort()
{
    for (TaskKind kind : {TaskKind::Copy, TaskKind::Reverse, TaskKind::Sort}) {
        const Task task(kind, 6, 12);
        QCOMPARE(task.vocab_size(), 7);
        QCOMPARE(task.separator(), 6);
        QCOMPARE(task.token_names()[6], std::string("|"));
        Rng rng(3);
        for (int s = 0; s < 50; ++s) {
            const Sequence q = task.sample(rng);
            const int m = q.repeat;
            QVERIFY(m >= 1 && m <= 5);
            QCOMPARE(q.tokens[m], 6);
            std::vector<int> src(q.tokens.begin(), q.tokens.begin() + m);
            std::vector<int> dst(q.tokens.begin() + m + 1, q.tokens.begin() + 2 * m + 1);
            if (kind == TaskKind::Reverse) std::reverse(src.begin(), src.end());
            if (kind == TaskKind::Sort) std::sort(src.begin(), src.end());
            QCOMPARE(dst, src);
            for (int i = 2 * m + 1; i < 12; ++i) QCOMPARE(q.tokens[i], 6);
            for (int t = 0; t < 11; ++t) QCOMPARE(q.scored[t] != 0, t >= m && t <= 2 * m - 1);
        }
    }
}

void TestTransformerTasks::text_at_character_level()
{
    const Task task = Task::from_text("abcab ba\n", 4);
    // Characters in code-point order: '\n', ' ', 'a', 'b', 'c'.
    QCOMPARE(task.vocab_size(), 5);
    QCOMPARE(task.token_names()[0], std::string("\n"));
    QCOMPARE(task.token_names()[2], std::string("a"));
    Rng rng(1);
    const Sequence q = task.sample(rng);
    QCOMPARE(q.tokens.size(), std::size_t(4));
    for (char c : q.scored) QCOMPARE(c, char(1));
    // Sentence pairs: only the English side (before the first tab), one line each.
    const Task pairs = Task::from_text("Go.\tVa !\nHi.\tSalut.\n", 4);
    std::string all;
    for (const auto& n : pairs.token_names()) all += n;
    QCOMPARE(all, std::string("\n.GHio"));
    // Multi-byte characters are one token.
    const Task utf = Task::from_text("\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9", 4);
    QCOMPARE(utf.vocab_size(), 3);
    QCOMPARE(utf.token_names()[2], std::string("\xc3\xa9"));
}

void TestTransformerTasks::bad_tasks_are_refused()
{
    QVERIFY(refusal([] { Task(TaskKind::Induction, 1, 32); }).find("vocab must be ≥ 2") != std::string::npos);
    QVERIFY(refusal([] { Task(TaskKind::Copy, 4, 4); }).find("ctx must be ≥ 5") != std::string::npos);
    QVERIFY(refusal([] { Task::from_text("abc", 4); }).find("3 characters, need at least ctx + 1 = 5") !=
            std::string::npos);
    QVERIFY(refusal([] { Task::from_text("ab\xff" "cdef", 4); }).find("not UTF-8") != std::string::npos);
    QVERIFY(refusal([] { Task::from_text_file("/nonexistent/file.txt", 8); }).find("cannot read text file") !=
            std::string::npos);
    LabConfig c = default_config("induction");
    c.heads = 3;
    QVERIFY(refusal([&] { check_lab_config(c); }).find("not divisible by heads 3") != std::string::npos);
    c = default_config("induction");
    c.batch = 1024;
    c.ctx = 512;
    c.layers = 12;
    QVERIFY(refusal([&] { check_lab_config(c); }).find("over the limit of 150 M") != std::string::npos);
    c = default_config("nope.txt");
    QCOMPARE(c.task, std::string("text"));
    QCOMPARE(c.text_file, std::string("nope.txt"));
}

void TestTransformerTasks::metrics_of_a_previous_token_head()
{
    const int n = 4;
    const auto A = map_of(n, [](int i, int j) { return (i == 0 || j == i - 1) ? 1.0f : 0.0f; });
    const HeadMetrics m = head_metrics(A.data(), n, 0);
    QCOMPARE(m.previous_token, 1.0);
    QCOMPARE(m.first_token, 1.0 / 3.0);  // only query 1's previous token is token 0
    QCOMPARE(m.entropy, 0.0);
    QCOMPARE(m.induction, 0.0);  // no repeat given
}

void TestTransformerTasks::metrics_of_an_induction_head()
{
    // n = 6, k = 3: queries 3, 4, 5 (the second copy) look at 1, 2, 3 (after their earlier
    // occurrence at 0, 1, 2); the others look at themselves.
    const int n = 6, k = 3;
    const auto A = map_of(n, [&](int i, int j) {
        if (i >= k && i < 2 * k) return j == i - k + 1 ? 1.0f : 0.0f;
        return j == i ? 1.0f : 0.0f;
    });
    const HeadMetrics m = head_metrics(A.data(), n, k);
    QCOMPARE(m.induction, 1.0);
    QCOMPARE(m.previous_token, 0.0);  // rows 1, 2 on themselves; rows 3–5 two back
    QCOMPARE(m.first_token, 0.0);
    // Half on the induction target and half on the token itself, for query 4 only: 1 − 1/2 / 3.
    auto B = A;
    B[4 * n + 2] = 0.5f;
    B[4 * n + 4] = 0.5f;
    const HeadMetrics h = head_metrics(B.data(), n, k);
    QCOMPARE(h.induction, (1.0 + 0.5 + 1.0) / 3.0);
    QVERIFY(std::abs(h.entropy - std::log(2.0) / 5.0) < 1e-7);  // float weights: 1e-7 covers their rounding
}

void TestTransformerTasks::metrics_of_a_uniform_head()
{
    const int n = 4;
    const auto A = map_of(n, [](int i, int) { return 1.0f / static_cast<float>(i + 1); });
    const HeadMetrics m = head_metrics(A.data(), n, 2);
    // float 1/2, 1/3, 1/4 against double arithmetic: 1e-7 covers the float rounding.
    QVERIFY(std::abs(m.previous_token - (1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 3) < 1e-7);
    QVERIFY(std::abs(m.first_token - (1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 3) < 1e-7);
    QVERIFY(std::abs(m.entropy - (std::log(2.0) + std::log(3.0) + std::log(4.0)) / 3) < 1e-6);
    QVERIFY(std::abs(m.induction - (1.0 / 3 + 1.0 / 4) / 2) < 1e-7);  // queries 2, 3 → keys 1, 2
}

void TestTransformerTasks::probe_metrics_average_sequences()
{
    const int n = 4;
    const auto prev = map_of(n, [](int i, int j) { return (i == 0 || j == i - 1) ? 1.0f : 0.0f; });
    const auto first = map_of(n, [](int, int j) { return j == 0 ? 1.0f : 0.0f; });
    ProbeAttention p;
    p.sequences = 2;
    p.layers = 1;
    p.heads = 2;
    p.n = n;
    // sequence 0: head 0 previous-token, head 1 first-token; sequence 1: swapped.
    for (const auto* A : {&prev, &first, &first, &prev}) p.weights.insert(p.weights.end(), A->begin(), A->end());
    p.repeat = {2, 0};  // only sequence 0 counts for the induction score
    const auto m = probe_head_metrics(p);
    QCOMPARE(m.size(), std::size_t(2));
    QCOMPARE(m[0].previous_token, (1.0 + 1.0 / 3.0) / 2.0);
    QCOMPARE(m[0].first_token, (1.0 / 3.0 + 1.0) / 2.0);
    QCOMPARE(m[0].induction, 1.0);  // k = 2: i − k + 1 = i − 1, the previous-token map of sequence 0
    QCOMPARE(m[1].induction, 0.0);
    p.weights.pop_back();
    QVERIFY(refusal([&] { probe_head_metrics(p); }).find("do not fit 2 sequences") != std::string::npos);
}

void TestTransformerTasks::default_configs_are_valid()
{
    for (const char* t : {"induction", "copy", "reverse", "sort"}) {
        const LabConfig c = default_config(t);
        check_lab_config(c);
        QCOMPARE(c.task, std::string(t));
        QCOMPARE(make_task(c).ctx(), c.ctx);
    }
    // The probe batch is fixed: the same for every run of a task.
    const Task task(TaskKind::Induction, 8, 16);
    QCOMPARE(probe_sequences(task).size(), std::size_t(LabLimits::kProbeSequences));
    QCOMPARE(probe_sequences(task)[3].tokens, probe_sequences(task)[3].tokens);
}

QTEST_APPLESS_MAIN(TestTransformerTasks)
#include "test_transformer_tasks.moc"
