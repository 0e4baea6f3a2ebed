// SPDX-License-Identifier: GPL-3.0-or-later
// Session format v1: round trips, defaults, error messages with JSON paths, generated parameters
// and the result JSON of `attnviz compute`.
#include "attnviz/core/json.hpp"
#include "attnviz/core/json_matrix.hpp"
#include "attnviz/core/random.hpp"
#include "attnviz/core/session.hpp"

#include <QTest>

#include <bit>
#include <cmath>
#include <string>

using namespace attnviz;

namespace {

bool same_bits(const Matrix& a, const Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
    for (Index i = 0; i < a.size(); ++i)
        if (std::bit_cast<std::uint64_t>(a.data()[i]) != std::bit_cast<std::uint64_t>(b.data()[i]))
            return false;
    return true;
}

bool same_bits(const Parameters& a, const Parameters& b)
{
    if (a.num_heads != b.num_heads || a.tensors.size() != b.tensors.size()) return false;
    for (const auto& [name, m] : a.tensors) {
        const Matrix* other = b.find(name);
        if (!other || !same_bits(m, *other)) return false;
    }
    return true;
}

// Every field, bit for bit; a failure names the field.
void compare_sessions(const Session& a, const Session& b)
{
    QCOMPARE(a.variant, b.variant);
    QVERIFY(same_bits(a.queries, b.queries));
    QVERIFY(same_bits(a.keys, b.keys));
    QVERIFY(same_bits(a.values, b.values));
    QCOMPARE(a.query_tokens, b.query_tokens);
    QCOMPARE(a.key_tokens, b.key_tokens);
    QCOMPARE(a.mask.valid_len, b.mask.valid_len);
    QCOMPARE(a.mask.causal, b.mask.causal);
    QCOMPARE(a.mask.matrix.rows(), b.mask.matrix.rows());
    QCOMPARE(a.mask.matrix.cols(), b.mask.matrix.cols());
    QVERIFY((a.mask.matrix == b.mask.matrix).all());
    QCOMPARE(std::bit_cast<std::uint64_t>(a.temperature), std::bit_cast<std::uint64_t>(b.temperature));
    QCOMPARE(a.hyper.seed, b.hyper.seed);
    QCOMPARE(a.hyper.hidden, b.hyper.hidden);
    QCOMPARE(a.hyper.num_heads, b.hyper.num_heads);
    QCOMPARE(a.params_given, b.params_given);
    QVERIFY(same_bits(a.params, b.params));
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.description, b.description);
}

// The message of the std::invalid_argument that parse_session throws, or "" when it parses.
std::string parse_error(const std::string& text)
{
    try {
        parse_session(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool starts_with(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

Matrix random_matrix(Rng& rng, Index rows, Index cols)
{
    Matrix m(rows, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal() * std::pow(10.0, rng.uniform(-3, 3));
    return m;
}

const char* kHeader = R"("format": "attnviz-session", "version": 1, )";

std::string session_text(const std::string& body) { return std::string("{") + kHeader + body + "}"; }

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void parses_minimal_session();
    void keys_default_to_queries_values_to_keys();
    void parses_every_field();
    void round_trip_bit_exact();
    void round_trip_generated_parameters_session();
    void error_messages_name_the_path_data();
    void error_messages_name_the_path();
    void json_syntax_error_has_position();
    void param_shape_error_from_compute();
    void generated_params_deterministic();
    void params_reported_only_when_generated();
    void result_json_fields();
    void fully_masked_row_warns();
    void matrix_json_helpers();
    void sizes_beyond_the_limits_are_refused_before_allocating();
    void duplicate_key_is_refused();
};

void TestSession::parses_minimal_session()
{
    const Session s = parse_session(session_text(R"("variant": "dot", "queries": [[1, 2], [3, 4]])"));
    QCOMPARE(s.variant, Variant::Dot);
    QCOMPARE(s.queries.rows(), Index(2));
    QCOMPARE(s.queries(1, 0), 3.0);
    QCOMPARE(s.temperature, 1.0);
    QVERIFY(s.mask.empty());
    QVERIFY(!s.params_given);
    QVERIFY(s.query_tokens.empty());
    QCOMPARE(s.hyper.seed, std::uint64_t(0));
    QCOMPARE(s.hyper.hidden, Index(8));
    QCOMPARE(s.hyper.num_heads, Index(2));
}

void TestSession::keys_default_to_queries_values_to_keys()
{
    const Session self = parse_session(session_text(R"("variant": "dot", "queries": [[1, 2], [3, 4]])"));
    QVERIFY(same_bits(self.keys, self.queries));
    QVERIFY(same_bits(self.values, self.queries));

    const Session kv = parse_session(
        session_text(R"("variant": "dot", "queries": [[1, 2]], "keys": [[5, 6], [7, 8], [9, 0]])"));
    QCOMPARE(kv.keys.rows(), Index(3));
    QVERIFY(same_bits(kv.values, kv.keys));

    const Session all = parse_session(session_text(
        R"("variant": "dot", "queries": [[1, 2]], "keys": [[5, 6]], "values": [[1, 2, 3]])"));
    QCOMPARE(all.values.cols(), Index(3));
}

void TestSession::parses_every_field()
{
    const Session s = parse_session(session_text(R"(
        "name": "n", "description": "d \u00e9",
        "variant": "multi_head", "temperature": 0.5, "seed": 7, "hidden": 4, "num_heads": 1,
        "queries": [[1, 0], [0, 1], [1, 1]],
        "query_tokens": ["a", "b", "c"], "key_tokens": ["x", "y", "z"],
        "mask": {"valid_len": [1, 2, 3], "causal": true, "matrix": [[0, 1, 0], [false, true, 0], [0, 0, 0]]},
        "params": {"num_heads": 2, "W_q": [[1, 0], [0, 1], [1, 0], [0, 1]],
                   "W_k": [[1, 0], [0, 1], [1, 0], [0, 1]], "W_v": [[1, 0], [0, 1], [1, 0], [0, 1]],
                   "b_q": [0.5, 0, 0, 0]})"));
    QCOMPARE(s.name, std::string("n"));
    QCOMPARE(s.description, std::string("d \xC3\xA9"));
    QCOMPARE(s.variant, Variant::MultiHead);
    QCOMPARE(s.temperature, 0.5);
    QCOMPARE(s.hyper.seed, std::uint64_t(7));
    QCOMPARE(s.hyper.hidden, Index(4));
    QCOMPARE(s.hyper.num_heads, Index(1));
    QCOMPARE(s.query_tokens, (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(s.mask.valid_len, (std::vector<Index>{1, 2, 3}));
    QVERIFY(s.mask.causal);
    QCOMPARE(s.mask.matrix.rows(), Index(3));
    QVERIFY(s.mask.matrix(0, 1) && s.mask.matrix(1, 1) && !s.mask.matrix(1, 0));
    QVERIFY(s.params_given);
    QCOMPARE(s.params.num_heads, Index(2));
    // A flat list is held as (1 × n).
    QCOMPARE(s.params.find("b_q")->rows(), Index(1));
    QCOMPARE(s.params.find("b_q")->cols(), Index(4));

    // feed_forward's b may be a number or [x]; a single valid_len may be a number.
    for (const char* b : {"0.25", "[0.25]"}) {
        const Session ff = parse_session(session_text(
            std::string(R"("variant": "feed_forward", "queries": [[1, 2], [3, 4]], "mask": {"valid_len": 1},
                "params": {"w": [1, -1], "b": )") + b + "}"));
        QCOMPARE(ff.params.find("b")->size(), Index(1));
        QCOMPARE((*ff.params.find("b"))(0, 0), 0.25);
        QCOMPARE(ff.mask.valid_len, std::vector<Index>{1});
    }
}

void TestSession::round_trip_bit_exact()
{
    Rng rng(99);
    Session s;
    s.variant = Variant::MultiHead;
    s.name = "round \"trip\"\n";
    s.description = "\xE6\xB3\xA8\xE6\x84\x8F \\ tab\t";
    s.queries = random_matrix(rng, 3, 4);
    // The awkward doubles: shortest forms, signed zero, the smallest subnormal.
    s.queries(0, 0) = 0.1;
    s.queries(0, 1) = 1e-300;
    s.queries(0, 2) = -0.0;
    s.queries(0, 3) = 5e-324;
    s.keys = random_matrix(rng, 5, 3);
    s.values = random_matrix(rng, 5, 2);
    s.query_tokens = {"q0", "q\"1", ""};
    s.key_tokens = {"k0", "k1", "k2", "k3", "\xF0\x9F\x98\x80"};
    s.mask.valid_len = {4, 5, 3};
    s.mask.causal = true;
    s.mask.matrix = BoolMatrix::Constant(3, 5, false);
    s.mask.matrix(1, 2) = true;
    s.temperature = 0.7;
    s.hyper = {6, 3, 42};
    s.params_given = true;
    s.params.num_heads = 2;
    s.params.tensors["W_q"] = random_matrix(rng, 4, 4);
    s.params.tensors["W_k"] = random_matrix(rng, 4, 3);
    s.params.tensors["W_v"] = random_matrix(rng, 4, 2);
    s.params.tensors["b_v"] = random_matrix(rng, 1, 4);
    s.params.tensors["W_o"] = random_matrix(rng, 3, 4);
    s.params.tensors["b_o"] = random_matrix(rng, 1, 3);
    s.params.tensors["W_o"](0, 0) = -0.0;

    const std::string text = write_session(s);
    const Session back = parse_session(text);
    compare_sessions(s, back);
    QCOMPARE(write_session(back), text);  // writing is deterministic
    // The file is pretty: indent 2, matrix rows on their own lines.
    QVERIFY(text.find("\n  \"queries\": [\n    [0.1, 1e-300, -0, 5e-324],") != std::string::npos);
}

void TestSession::round_trip_generated_parameters_session()
{
    for (Variant v : kAllVariants) {
        Session s;
        s.variant = v;
        s.queries = Matrix{{1, 0.5}, {0.25, -1}};
        s.keys = s.queries;
        s.values = Matrix{{1, 2, 3}, {4, 5, 6}};
        s.hyper.seed = 123456789;
        s.mask.valid_len = {1};
        const Session back = parse_session(write_session(s));
        compare_sessions(s, back);
    }
}

void TestSession::error_messages_name_the_path_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("expected");  // the message starts with this
    QTest::newRow("ragged queries")
        << R"("variant": "dot", "queries": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]])"
        << "queries: row 2 has 3 numbers, row 0 has 4";
    QTest::newRow("query_tokens count")
        << R"("variant": "dot", "queries": [[1], [2], [3]], "query_tokens": ["a", "b"])"
        << "query_tokens: expected 3 labels (one per query row), got 2";
    QTest::newRow("key_tokens count")
        << R"("variant": "dot", "queries": [[1], [2], [3]], "key_tokens": ["a"])"
        << "key_tokens: expected 3 labels (one per key row), got 1";
    QTest::newRow("mask matrix shape")
        << R"("variant": "dot", "queries": [[1], [2], [3]], "keys": [[1], [2], [3], [4]],
              "mask": {"matrix": [[0, 1, 0, 0], [0, 0, 0, 0]]})"
        << "mask.matrix: expected 3x4, got 2x4";
    QTest::newRow("mask matrix values")
        << R"("variant": "dot", "queries": [[1]], "mask": {"matrix": [[2]]})"
        << "mask.matrix: row 0, column 0: expected 0 or 1";
    QTest::newRow("valid_len count")
        << R"("variant": "dot", "queries": [[1], [2], [3]], "mask": {"valid_len": [1, 2]})"
        << "mask.valid_len: expected 1 or 3 values (one per query row), got 2";
    QTest::newRow("valid_len negative")
        << R"("variant": "dot", "queries": [[1]], "mask": {"valid_len": -1})"
        << "mask.valid_len: expected a whole number >= 0, got -1";
    QTest::newRow("unknown variant")
        << R"("variant": "foo", "queries": [[1]])"
        << "variant: unknown \"foo\" (known: dot, scaled_dot, additive, luong_general, multi_head, "
           "dense_synthesizer, random_synthesizer, feed_forward)";
    QTest::newRow("variant missing") << R"("queries": [[1]])" << "variant: missing";
    QTest::newRow("queries missing") << R"("variant": "dot")" << "queries: missing";
    QTest::newRow("queries flat") << R"("variant": "dot", "queries": [1, 2])"
                                  << "queries: expected an array of rows";
    QTest::newRow("queries string entry") << R"("variant": "dot", "queries": [[1, "2"]])"
                                          << "queries: row 0, column 1: expected a number, got a string";
    QTest::newRow("temperature") << R"("variant": "dot", "queries": [[1]], "temperature": 0)"
                                 << "temperature: expected a number > 0, got 0";
    QTest::newRow("unknown field") << R"("variant": "dot", "queries": [[1]], "temprature": 2)"
                                   << "temprature: unknown field (known: format, version,";
    QTest::newRow("unknown mask field") << R"("variant": "dot", "queries": [[1]], "mask": {"causl": true})"
                                        << "mask.causl: unknown field";
    QTest::newRow("dot width mismatch")
        << R"("variant": "dot", "queries": [[1, 2]], "keys": [[1, 2, 3]])" << "keys: expected 2 columns";
    QTest::newRow("values rows")
        << R"("variant": "dot", "queries": [[1]], "keys": [[1], [2]], "values": [[1]])"
        << "values: expected 2 rows (one per key), got 1";
    QTest::newRow("param shape")
        << R"("variant": "additive", "queries": [[1, 2, 3, 4]], "keys": [[1, 2]],
              "params": {"W_q": [[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]],
                         "W_k": [[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2],[1,2]],
                         "w_v": [1, 1, 1, 1, 1, 1, 1, 1]})"
        << "params.W_q: expected 8x4, got 8x3";
    QTest::newRow("param entry type")
        << R"("variant": "luong_general", "queries": [[1]], "params": {"W_a": [[null]]})"
        << "params.W_a: row 0, column 0: expected a number, got null";
    QTest::newRow("num_heads") << R"("variant": "multi_head", "queries": [[1]], "num_heads": 0)"
                               << "num_heads: expected a whole number >= 1, got 0";
    QTest::newRow("seed") << R"("variant": "additive", "queries": [[1]], "seed": 1.5)"
                          << "seed: expected a whole number >= 0, got 1.5";
}

void TestSession::error_messages_name_the_path()
{
    QFETCH(QString, body);
    QFETCH(QString, expected);
    const std::string message = parse_error(session_text(body.toStdString()));
    QVERIFY2(starts_with(message, expected.toStdString()),
             qPrintable("got \"" + QString::fromStdString(message) + "\""));
}

void TestSession::json_syntax_error_has_position()
{
    QCOMPARE(parse_error(R"({"format": "attnviz-session", "version": 1})").substr(0, 8),
             std::string("variant:"));
    const std::string format = parse_error(R"({"format": "other", "version": 1})");
    QVERIFY2(starts_with(format, "format: expected \"attnviz-session\""), format.c_str());
    QVERIFY(starts_with(parse_error(R"({"version": 1})"), "format: missing"));
    QCOMPARE(parse_error(R"({"format": "attnviz-session", "version": 2, "variant": "dot"})"),
             std::string("version: 2 is newer than this program reads (1)"));
    QVERIFY(starts_with(parse_error("[1]"), "session: expected a JSON object"));

    bool caught = false;
    try {
        parse_session("{\n  \"format\": \"attnviz-session\",\n  \"version\": 1,,\n}");
    } catch (const json::ParseError& e) {
        caught = true;
        QCOMPARE(e.line, std::size_t(3));
        QCOMPARE(e.column, std::size_t(16));
        QVERIFY(starts_with(e.what(), "line 3, column 16: "));
    }
    QVERIFY(caught);
}

void TestSession::param_shape_error_from_compute()
{
    // A session built in code (as the GUI does) is checked by compute_session too.
    Session s;
    s.variant = Variant::LuongGeneral;
    s.queries = Matrix::Ones(2, 3);
    s.keys = Matrix::Ones(4, 2);
    s.values = Matrix::Ones(4, 2);
    s.params_given = true;
    s.params.tensors["W_a"] = Matrix::Ones(3, 3);
    try {
        compute_session(s);
        QFAIL("compute_session accepted a 3x3 W_a for 3x2");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(starts_with(e.what(), "params.W_a: expected 3x2, got 3x3"), e.what());
    }
    s.params.tensors["W_a"] = Matrix::Ones(3, 2);
    s.query_tokens = {"only one"};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, compute_session(s));
    s.query_tokens.clear();
    QCOMPARE(compute_session(s).result.weights.rows(), Index(2));
}

void TestSession::generated_params_deterministic()
{
    Session s;
    s.variant = Variant::Additive;
    s.queries = Matrix{{0.5, -1.0, 2.0}};
    s.keys = Matrix{{1, 0}, {0, 1}, {1, 1}};
    s.values = Matrix{{1, 2}, {3, 4}, {5, 6}};
    s.hyper.seed = 7;
    s.hyper.hidden = 5;
    const ComputeOutcome a = compute_session(s);
    const ComputeOutcome b = compute_session(s);
    QVERIFY(a.params_generated);
    QVERIFY(same_bits(a.params, b.params));
    QVERIFY(same_bits(a.result.weights, b.result.weights));
    QCOMPARE(a.params.find("W_q")->rows(), Index(5));
    QCOMPARE(a.params.find("W_q")->cols(), Index(3));
    QVERIFY(same_bits(a.params, initialise_parameters(s.variant, dims_of(s.queries, s.keys, s.values),
                                                      s.hyper)));
    s.hyper.seed = 8;
    const ComputeOutcome c = compute_session(s);
    QVERIFY(!same_bits(*a.params.find("W_q"), *c.params.find("W_q")));

    // The reported params, given back as the session's params, reproduce the result exactly.
    const json::Value reported = json::parse(result_to_json(s, c)).find("params")->as_object();
    std::string text = write_session(s);
    Session replay = parse_session(text);
    replay.params_given = true;
    replay.params.tensors.clear();
    for (const auto& [name, value] : reported.as_object())
        replay.params.tensors[name] = tensor_from_json(value, name);
    const ComputeOutcome d = compute_session(replay);
    QVERIFY(!d.params_generated);
    QVERIFY(same_bits(d.result.weights, c.result.weights));
    QVERIFY(same_bits(d.result.output, c.result.output));
}

void TestSession::params_reported_only_when_generated()
{
    const Session generated = parse_session(session_text(
        R"("variant": "luong_general", "queries": [[1, 2]], "keys": [[1, 0, 0], [0, 1, 0]], "seed": 3)"));
    const json::Value r1 = json::parse(result_to_json(generated, compute_session(generated)));
    QVERIFY(r1.find("params") != nullptr);
    QCOMPARE(r1.find("params")->find("W_a")->as_array().size(), std::size_t(2));

    const Session given = parse_session(session_text(
        R"("variant": "luong_general", "queries": [[1, 2]], "keys": [[1, 0, 0], [0, 1, 0]],
           "params": {"W_a": [[1, 0, 0], [0, 1, 0]]})"));
    const ComputeOutcome outcome = compute_session(given);
    QVERIFY(!outcome.params_generated);
    QVERIFY(json::parse(result_to_json(given, outcome)).find("params") == nullptr);

    const Session none = parse_session(session_text(R"("variant": "scaled_dot", "queries": [[1, 2]])"));
    const ComputeOutcome none_outcome = compute_session(none);
    QVERIFY(!none_outcome.params_generated);
    QVERIFY(json::parse(result_to_json(none, none_outcome)).find("params") == nullptr);
}

void TestSession::result_json_fields()
{
    const Session s = parse_session(session_text(R"(
        "variant": "multi_head", "num_heads": 2, "hidden": 4, "seed": 1,
        "queries": [[1, 0], [0, 1], [0.3, 0.1]], "mask": {"causal": true})"));
    const ComputeOutcome outcome = compute_session(s);
    const std::string text = result_to_json(s, outcome);
    QVERIFY(text.find('\n') == std::string::npos);  // compact by default: one line
    const json::Value r = json::parse(text);
    QCOMPARE(r.find("variant")->as_string(), std::string("multi_head"));
    for (const char* key : {"scores", "logits", "weights", "output", "heads", "params", "warnings"})
        QVERIFY2(r.find(key) != nullptr, key);
    const AttentionResult& a = outcome.result;
    QVERIFY(same_bits(matrix_from_json(*r.find("weights"), "weights"), a.weights));
    QVERIFY(same_bits(matrix_from_json(*r.find("output"), "output"), a.output));
    QVERIFY(same_bits(matrix_from_json(*r.find("scores"), "scores"), a.scores));
    // Masked logits (above the diagonal, causal) are null; the others exact.
    const json::Array& logits = r.find("logits")->as_array();
    QVERIFY(logits[0].as_array()[1].is_null());
    QVERIFY(logits[1].as_array()[2].is_null());
    QCOMPARE(std::bit_cast<std::uint64_t>(logits[2].as_array()[1].as_number()),
             std::bit_cast<std::uint64_t>(a.logits(2, 1)));
    const json::Array& heads = r.find("heads")->as_array();
    QCOMPARE(heads.size(), std::size_t(2));
    QVERIFY(same_bits(matrix_from_json(heads[1], "heads[1]"), a.heads[1].weights));
    QCOMPARE(r.find("params")->find("num_heads")->as_number(), 2.0);
    QVERIFY(r.find("warnings")->as_array().empty());

    // Not multi-head: no heads.
    const Session dot = parse_session(session_text(R"("variant": "dot", "queries": [[1]])"));
    QVERIFY(json::parse(result_to_json(dot, compute_session(dot))).find("heads") == nullptr);
    // Indented on request.
    QVERIFY(result_to_json(dot, compute_session(dot), 2).find('\n') != std::string::npos);
}

void TestSession::fully_masked_row_warns()
{
    const Session s = parse_session(session_text(
        R"("variant": "scaled_dot", "queries": [[1, 0], [0, 1]], "mask": {"valid_len": [0, 2]})"));
    const ComputeOutcome outcome = compute_session(s);
    QCOMPARE(outcome.result.weights.row(0).sum(), 0.0);
    QVERIFY(std::abs(outcome.result.weights.row(1).sum() - 1.0) < 1e-12);
    const json::Value r = json::parse(result_to_json(s, outcome));
    const json::Array& warnings = r.find("warnings")->as_array();
    QCOMPARE(warnings.size(), std::size_t(1));
    QVERIFY(warnings[0].as_string().find("row 0") != std::string::npos);
}

void TestSession::matrix_json_helpers()
{
    const Matrix m{{1.5, -2}, {0.1, 3e100}};
    QVERIFY(same_bits(matrix_from_json(json::parse(json::dump(matrix_to_json(m))), "m"), m));
    QCOMPARE(json::dump(matrix_to_json(m)), std::string("[[1.5,-2],[0.1,3e+100]]"));
    QCOMPARE(matrix_from_json(json::parse("[]"), "m").size(), Index(0));
    QCOMPARE(tensor_from_json(json::parse("[1, 2, 3]"), "b").cols(), Index(3));
    QCOMPARE(tensor_from_json(json::parse("4"), "b")(0, 0), 4.0);
    QCOMPARE(tensor_from_json(json::parse("[[1], [2]]"), "W").rows(), Index(2));
    QCOMPARE(json::dump(flat_to_json(Matrix{{1, 2, 3}})), std::string("[1,2,3]"));
    try {
        matrix_from_json(json::parse("[[1, 2], [3]]"), "keys");
        QFAIL("ragged matrix accepted");
    } catch (const std::invalid_argument& e) {
        QCOMPARE(std::string(e.what()), std::string("keys: row 1 has 1 number, row 0 has 2"));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, matrix_from_json(json::parse("{}"), "x"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tensor_from_json(json::parse("[1, [2]]"), "x"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tensor_from_json(json::parse("\"s\""), "x"));
}

void TestSession::sizes_beyond_the_limits_are_refused_before_allocating()
{
    // Issue 11: each of these passed 6 GB (or ended in std::bad_alloc) before the check.
    for (const char* hidden : {"100000000", "2147483648", "4294967297"}) {
        const std::string text = session_text(std::string(R"("variant": "additive", "queries": [[1, 2], [3, 4]], "hidden": )") +
                                              hidden);
        QCOMPARE(parse_error(text), std::string("hidden: ") + hidden + " is above the limit of 65536");
    }
    // Whatever the variant: the GUI switches variants with the session's hidden size.
    QCOMPARE(parse_error(session_text(R"("variant": "dot", "queries": [[1]], "num_heads": 70000)")),
             std::string("num_heads: 70000 is above the limit of 65536"));
    // At the limit it loads (2 x 3 with 1000 heads is small).
    QCOMPARE(parse_error(session_text(R"("variant": "multi_head", "queries": [[1, 2], [3, 4]], "keys": [[1, 2], [3, 4], [5, 6]], "hidden": 1000, "num_heads": 1000)")),
             std::string());
    // n_q x n_k from a short file: 30000 one-number tokens are 300 KB of JSON but 7 GiB of
    // (n_q x n_k) matrices. Refused by the memory estimate, naming the sizes and the limit.
    std::string rows = "[0]";
    for (int i = 1; i < 30000; ++i) rows += ",[0]";
    const std::string big = parse_error(session_text(R"("variant": "dot", "queries": [)" + rows + "]"));
    QVERIFY2(starts_with(big, "sizes: n_q = 30000, n_k = 30000, d_q = 1, d_k = 1, d_v = 1 need about "), big.c_str());
    QVERIFY2(big.find("to compute dot; the limit is 4.0 GiB") != std::string::npos, big.c_str());
    // The same for a session built in code, through compute_session.
    Session s;
    s.variant = Variant::Dot;
    s.queries = s.keys = s.values = Matrix::Zero(30000, 1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, compute_session(s));
    s.variant = Variant::FeedForward;  // one pooled row: 30000 keys are fine
    s.params_given = false;
    QCOMPARE(compute_session(s).result.weights.cols(), Index(30000));
}

void TestSession::duplicate_key_is_refused()
{
    const std::string text = "{\"format\": \"attnviz-session\", \"version\": 1,\n \"variant\": \"dot\",\n"
                             " \"queries\": [[1]],\n \"variant\": \"additive\"}";
    QCOMPARE(parse_error(text), std::string("line 4, column 2: duplicate key \"variant\" (first at line 2, column 2)"));
}

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
