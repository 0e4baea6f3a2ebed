// SPDX-License-Identifier: GPL-3.0-or-later
// The variant facts of parameters.hpp (ParameterSpec's role, bias_of, cols_from, neutral value,
// generation; VariantTraits) against what compute_attention and initialise_parameters do.
// The GUI branches on these facts instead of matching names, so each one is checked here by
// running the computation, not by restating the table.
#include "attnviz/core/parameters.hpp"
#include "attnviz/core/random.hpp"

#include <QtTest>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

using namespace attnviz;

namespace {

Matrix random_matrix(Rng& rng, Index rows, Index cols)
{
    Matrix m(rows, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
    return m;
}

// Inputs whose sizes tell every fact apart: n_q = 3 > 1 (pooling shows), d_k = 4 (√d_k ≠ 1),
// d_q = d_k for the dot products, d_v = 3 ≠ h (projections show), h = 6 and H = 2 heads of
// size 3 (√(h/H) ≠ 1).
struct Problem {
    Matrix Q, K, V;
    InputDims dims;
    ParamHyper hyper;
};

Problem problem(std::uint64_t seed = 11)
{
    Rng rng(seed);
    Problem p;
    p.Q = random_matrix(rng, 3, 4);
    p.K = random_matrix(rng, 5, 4);
    p.V = random_matrix(rng, 5, 3);
    p.dims = dims_of(p.Q, p.K, p.V);
    p.hyper.hidden = 6;
    p.hyper.num_heads = 2;
    p.hyper.seed = seed;
    return p;
}

// A valid-length mask as well, so that masking takes part in every comparison.
MaskSpec mask() { return MaskSpec{{4}, false, {}}; }

AttentionResult run(Variant v, const Problem& p, const Parameters& params)
{
    return compute_attention(v, p.Q, p.K, p.V, params, mask(), 0.7);
}

// Bit for bit: the same code path on the same numbers (-0 == +0 is fine: x·1 + 0 turns a -0
// into +0, which no reader can tell apart).
bool identical(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

bool identical(const AttentionResult& a, const AttentionResult& b)
{
    if (!identical(a.scores, b.scores) || !identical(a.weights, b.weights) ||
        !identical(a.output, b.output) || a.scale != b.scale || a.heads.size() != b.heads.size())
        return false;
    for (Index i = 0; i < a.logits.size(); ++i)
        if (!(a.logits(i) == b.logits(i))) return false;  // -inf == -inf where masked
    return true;
}

QByteArray label(Variant v, const std::string& name)
{
    return QByteArray(variant_id(v).data(), static_cast<qsizetype>(variant_id(v).size())) + "." +
           QByteArray::fromStdString(name);
}

const ParameterSpec* find_spec(const std::vector<ParameterSpec>& specs, const std::string& name)
{
    for (const ParameterSpec& s : specs)
        if (s.name == name) return &s;
    return nullptr;
}

// The generated parameters without any optional tensor: the smallest set the variant takes.
Parameters required_only(Variant v, const Problem& p)
{
    Parameters params = initialise_parameters(v, p.dims, p.hyper);
    for (const ParameterSpec& s : parameter_specs(v, p.dims, p.hyper))
        if (s.optional) params.tensors.erase(s.name);
    return params;
}

// The role a tensor plays in the result: a bias plays its weight's.
ParameterRole effective_role(const std::vector<ParameterSpec>& specs, const ParameterSpec& s)
{
    return s.role == ParameterRole::Bias ? find_spec(specs, s.bias_of)->role : s.role;
}

}  // namespace

class TestVariantFacts : public QObject {
    Q_OBJECT

private slots:
    void every_optional_parameter_has_a_neutral_value();
    void neutral_values_are_not_vacuous();
    void each_bias_names_an_earlier_weight();
    void sizes_follow_the_tensor_named_by_cols_from();
    void roles_agree_with_what_changes();
    void generation_follows_the_specs();
    void traits_agree_with_compute();
    void effective_hyper_reads_the_tensors();
    void hyper_limits();
    void memory_estimate_refuses_before_allocating();
};

void TestVariantFacts::every_optional_parameter_has_a_neutral_value()
{
    // From the required tensors alone, every optional one is added at its neutral value, one
    // at a time in spec order: the result stays the same to the bit after each.
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        const std::vector<ParameterSpec> specs = parameter_specs(v, p.dims, p.hyper);
        Parameters params = required_only(v, p);
        const AttentionResult before = run(v, p, params);
        for (const ParameterSpec& s : specs) {
            QVERIFY2((s.neutral == NeutralValue::None) == !s.optional, label(v, s.name));
            if (!s.optional) continue;
            const Matrix value = neutral_value(v, p.dims, params, s.name);
            if (s.neutral == NeutralValue::Zeros) QVERIFY2(value.isZero(0.0), label(v, s.name));
            if (s.neutral == NeutralValue::Identity) {
                QCOMPARE(value.rows(), value.cols());
                QVERIFY2(value.isIdentity(0.0), label(v, s.name));
            }
            params.tensors[s.name] = value;
            QVERIFY2(identical(run(v, p, params), before), label(v, s.name));
        }
        // Everything the variant takes is there now, and accepted as it is.
        for (const ParameterSpec& s : specs) QVERIFY2(params.has(s.name), label(v, s.name));
    }
    // Required tensors have none, unknown ones are refused with their name.
    const Problem q = problem();
    const Parameters additive = initialise_parameters(Variant::Additive, q.dims, q.hyper);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, neutral_value(Variant::Additive, q.dims, additive, "W_q"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, neutral_value(Variant::Additive, q.dims, additive, "W_o"));
}

void TestVariantFacts::neutral_values_are_not_vacuous()
{
    // The comparison above can fail: the same tensor away from its neutral value changes the
    // result. (A broken neutral value, e.g. ones for a bias, would show the same way.)
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        Parameters params = required_only(v, p);
        for (const ParameterSpec& s : parameter_specs(v, p.dims, p.hyper)) {
            if (!s.optional) continue;
            params.tensors[s.name] = neutral_value(v, p.dims, params, s.name);
            const AttentionResult neutral = run(v, p, params);
            Parameters moved = params;
            moved.tensors[s.name].array() += 0.375;
            QVERIFY2(!identical(run(v, p, moved), neutral), label(v, s.name));
        }
    }
}

void TestVariantFacts::each_bias_names_an_earlier_weight()
{
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        const std::vector<ParameterSpec> specs = parameter_specs(v, p.dims, p.hyper);
        std::set<std::string> seen;
        for (const ParameterSpec& s : specs) {
            const QByteArray where = label(v, s.name);
            QVERIFY2(seen.insert(s.name).second, where);  // names are unique
            QVERIFY2(!s.is_scalar || s.is_vector, where);
            if (s.role != ParameterRole::Bias) {
                QVERIFY2(s.bias_of.empty(), where);
                continue;
            }
            // A bias: optional zeros, never generated, sized by the weight it is added to,
            // which exists in this variant, comes before it and is not itself a bias.
            QVERIFY2(!s.bias_of.empty(), where);
            QCOMPARE(s.cols_from, s.bias_of);
            QVERIFY2(s.optional && s.is_vector, where);
            QVERIFY2(s.neutral == NeutralValue::Zeros, where);
            QVERIFY2(s.generation == Generation::None, where);
            const ParameterSpec* owner = find_spec(specs, s.bias_of);
            QVERIFY2(owner, where);
            QVERIFY2(owner->role != ParameterRole::Bias, where);
            QVERIFY2(seen.count(owner->name) == 1, where);  // earlier in the list
        }
    }
}

void TestVariantFacts::sizes_follow_the_tensor_named_by_cols_from()
{
    // A tensor with cols_from has that tensor's row count as its column count: check_parameters
    // accepts exactly that length and refuses one more, naming the tensor.
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        const std::vector<ParameterSpec> specs = parameter_specs(v, p.dims, p.hyper);
        Parameters params = required_only(v, p);
        for (const ParameterSpec& s : specs)
            if (s.optional) params.tensors[s.name] = neutral_value(v, p.dims, params, s.name);
        for (const ParameterSpec& s : specs) {
            if (s.cols_from.empty()) continue;
            const QByteArray where = label(v, s.name);
            const ParameterSpec* from = find_spec(specs, s.cols_from);
            QVERIFY2(from, where);
            QVERIFY2(from->name != s.name, where);
            QCOMPARE(params.find(s.name)->cols(), params.find(s.cols_from)->rows());
            check_parameters(v, p.dims, params);
            Parameters wrong = params;
            Matrix& m = wrong.tensors[s.name];
            m.conservativeResize(m.rows(), m.cols() + 1);
            m.col(m.cols() - 1).setZero();
            try {
                check_parameters(v, p.dims, wrong);
                QFAIL(where + " accepted with one column too many");
            } catch (const std::invalid_argument& e) {
                QVERIFY2(std::string(e.what()).find("params." + s.name) == 0, e.what());
            }
            // And without the tensor it follows, it is refused (or that one is missing).
            if (s.role == ParameterRole::Bias && find_spec(specs, s.cols_from)->optional) {
                Parameters orphan = params;
                orphan.tensors.erase(s.cols_from);
                QVERIFY_THROWS_EXCEPTION(std::invalid_argument, check_parameters(v, p.dims, orphan));
            }
        }
    }
}

void TestVariantFacts::roles_agree_with_what_changes()
{
    // Moving a Score tensor changes the weights; a value or output projection (and its bias)
    // changes the output and leaves the weights exactly as they were.
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        const std::vector<ParameterSpec> specs = parameter_specs(v, p.dims, p.hyper);
        Parameters params = required_only(v, p);
        for (const ParameterSpec& s : specs)
            if (s.optional) params.tensors[s.name] = neutral_value(v, p.dims, params, s.name);
        const AttentionResult base = run(v, p, params);
        for (const ParameterSpec& s : specs) {
            const QByteArray where = label(v, s.name);
            Parameters moved = params;
            Matrix& m = moved.tensors[s.name];
            m = (m.array() * 1.5 + 0.25).matrix();
            const AttentionResult r = run(v, p, moved);
            const ParameterRole role = effective_role(specs, s);
            if (role == ParameterRole::Score) {
                QVERIFY2(!identical(r.weights, base.weights), where);
            } else {
                QVERIFY2(identical(r.weights, base.weights), where);
                QVERIFY2(!identical(r.output, base.output), where);
            }
        }
    }
}

void TestVariantFacts::generation_follows_the_specs()
{
    const Problem p = problem();
    for (Variant v : kAllVariants) {
        const Parameters params = initialise_parameters(v, p.dims, p.hyper);
        std::size_t generated = 0;
        for (const ParameterSpec& s : parameter_specs(v, p.dims, p.hyper)) {
            const QByteArray where = label(v, s.name);
            const Matrix* m = params.find(s.name);
            QCOMPARE(m != nullptr, s.generation != Generation::None);
            if (!m) continue;
            ++generated;
            QCOMPARE(m->rows(), s.generated_rows > 0 ? s.generated_rows : s.rows);
            QCOMPARE(m->cols(), s.cols);
            // Xavier-uniform within ±√(6 / (fan_in + fan_out)); R within ±1.
            const double bound = s.generation == Generation::UniformPlusMinusOne
                                     ? 1.0
                                     : std::sqrt(6.0 / static_cast<double>(m->rows() + m->cols()));
            QVERIFY2(m->cwiseAbs().maxCoeff() <= bound, where);
            QVERIFY2(m->cwiseAbs().maxCoeff() > 0, where);
        }
        QCOMPARE(params.tensors.size(), generated);
        // What is generated runs as it is.
        run(v, p, params);
    }
    // Multi-head's W_o maps back to d_v, so the output keeps the values' width.
    const Problem q = problem();
    QCOMPARE(run(Variant::MultiHead, q, initialise_parameters(Variant::MultiHead, q.dims, q.hyper)).output.cols(),
             q.V.cols());
}

void TestVariantFacts::traits_agree_with_compute()
{
    for (Variant v : kAllVariants) {
        const QByteArray where = label(v, "traits");
        const VariantTraits t = variant_traits(v);
        const Problem p = problem();
        const Parameters params = initialise_parameters(v, p.dims, p.hyper);
        const AttentionResult r = run(v, p, params);

        // scales_scores ⇔ a scale other than 1 (d_k = 4 and h/H = 3 make every scale ≠ 1).
        QVERIFY2(t.scales_scores == (r.scale != 1.0), where);
        // single_query_row ⇔ one result row although Q has 3.
        QVERIFY2(t.single_query_row == (r.weights.rows() == 1), where);
        QCOMPARE(r.weights.rows(), t.single_query_row ? Index(1) : p.Q.rows());
        // uses_heads ⇔ one HeadResult per head, for H = 2 and H = 3.
        QCOMPARE(r.heads.size(), t.uses_heads ? std::size_t(2) : std::size_t(0));
        Problem three = p;
        three.hyper.num_heads = 3;
        QCOMPARE(run(v, three, initialise_parameters(v, three.dims, three.hyper)).heads.size(),
                 t.uses_heads ? std::size_t(3) : std::size_t(0));
        // uses_hidden ⇔ another h gives other shapes (and exactly one tensor sets h).
        Problem wider = p;
        wider.hyper.hidden = 12;
        const Parameters w = initialise_parameters(v, wider.dims, wider.hyper);
        bool shapes_differ = false;
        for (const auto& [name, m] : params.tensors)
            shapes_differ = shapes_differ || m.rows() != w.find(name)->rows() || m.cols() != w.find(name)->cols();
        QVERIFY2(t.uses_hidden == shapes_differ, where);
        int setters = 0;
        for (const ParameterSpec& s : parameter_specs(v, p.dims, p.hyper)) setters += s.sets_hidden ? 1 : 0;
        QCOMPARE(setters, t.uses_hidden ? 1 : 0);
        // same_query_key_width ⇔ queries of another width than the keys are refused.
        Problem narrow = p;
        narrow.Q = p.Q.leftCols(2);
        narrow.dims = dims_of(narrow.Q, narrow.K, narrow.V);
        bool refused = false;
        try {
            run(v, narrow, initialise_parameters(v, narrow.dims, narrow.hyper));
        } catch (const std::invalid_argument&) {
            refused = true;
        }
        QVERIFY2(t.same_query_key_width == refused, where);
    }
}

void TestVariantFacts::effective_hyper_reads_the_tensors()
{
    Problem p = problem();
    Parameters params = initialise_parameters(Variant::MultiHead, p.dims, p.hyper);
    // The session's hyper says 8 and 4; the tensors say h = 6 (rows of W_q) and H = 2.
    ParamHyper stale;
    stale.hidden = 8;
    stale.num_heads = 4;
    const ParamHyper h = effective_hyper(Variant::MultiHead, params, stale);
    QCOMPARE(h.hidden, Index(6));
    QCOMPARE(h.num_heads, Index(2));
    // A variant without hidden size keeps the fallback.
    QCOMPARE(effective_hyper(Variant::LuongGeneral, initialise_parameters(Variant::LuongGeneral, p.dims, p.hyper), stale)
                 .hidden,
             Index(8));
    params.num_heads = 4;  // 6 is not divisible by 4
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, effective_hyper(Variant::MultiHead, params, stale));
}

void TestVariantFacts::hyper_limits()
{
    const auto message = [](const ParamHyper& hp) -> std::string {
        try {
            check_hyper(hp);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    ParamHyper hp;
    QCOMPARE(message(hp), std::string());
    hp.hidden = kMaxHidden;
    hp.num_heads = kMaxHeads;
    QCOMPARE(message(hp), std::string());
    hp.hidden = 100000000;
    QCOMPARE(message(hp), std::string("hidden: 100000000 is above the limit of 65536"));
    hp.hidden = 8;
    hp.num_heads = kMaxHeads + 1;
    QCOMPARE(message(hp), std::string("num_heads: 65537 is above the limit of 65536"));
    hp.num_heads = 0;
    QCOMPARE(message(hp), std::string("num_heads: expected at least 1, got 0"));
    // Generation checks before it allocates: 4294967297 was std::bad_alloc.
    const Problem p = problem();
    ParamHyper huge = p.hyper;
    huge.hidden = 4294967297;
    huge.num_heads = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, initialise_parameters(Variant::Additive, p.dims, huge));
}

void TestVariantFacts::memory_estimate_refuses_before_allocating()
{
    // h within the limit, but W_q (h × d_q) of a 65536-wide query is 32 GiB: refused by size.
    InputDims wide{1, 1, 65536, 65536, 1};
    ParamHyper hp;
    hp.hidden = kMaxHidden;
    hp.num_heads = 1;
    try {
        initialise_parameters(Variant::Additive, wide, hp);
        QFAIL("generated 32 GiB of weights");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find("params: generating them needs 64 GiB") == 0, e.what());
    }
    // The estimate grows with each size it depends on, and the check names the sizes.
    const InputDims small{2, 3, 4, 4, 4};
    ParamHyper heads;
    heads.hidden = 1000;
    heads.num_heads = 1000;
    QVERIFY(estimated_compute_bytes(Variant::MultiHead, small, heads) < 1e6);
    check_compute_size(Variant::MultiHead, small, heads);  // 2 × 3 with 1000 heads is small
    const InputDims big{2048, 2048, 64, 64, 64};
    ParamHyper eight;
    eight.hidden = 512;
    eight.num_heads = 8;
    // 8 heads of 2048²: about 1 GiB, within the limit; 1000 heads are not.
    QVERIFY(estimated_compute_bytes(Variant::MultiHead, big, eight) < 1.5 * 1024 * 1024 * 1024);
    check_compute_size(Variant::MultiHead, big, eight);
    heads.hidden = 1000;
    heads.num_heads = 1000;
    try {
        check_compute_size(Variant::MultiHead, big, heads);
        QFAIL("1000 heads of 2048 x 2048 accepted");
    } catch (const std::invalid_argument& e) {
        const std::string m = e.what();
        QVERIFY2(m.find("sizes: n_q = 2048, n_k = 2048") == 0, e.what());
        QVERIFY2(m.find("H = 1000") != std::string::npos, e.what());
        QVERIFY2(m.find("the limit is 4.0 GiB") != std::string::npos, e.what());
    }
    // Feed-forward pools into one row: 30000 keys are one (1 × 30000) row, not 30000².
    const InputDims pooled{30000, 30000, 1, 1, 1};
    check_compute_size(Variant::FeedForward, pooled, {});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, check_compute_size(Variant::Dot, pooled, {}));
}

QTEST_GUILESS_MAIN(TestVariantFacts)
#include "test_variant_facts.moc"
