// SPDX-License-Identifier: GPL-3.0-or-later
// The core's JSON parser and writer: bit-exact number round trips, strictness, error positions.
#include "attnviz/core/json.hpp"
#include "attnviz/core/random.hpp"

#include <QTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

using namespace attnviz;

namespace {

std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }

// The ParseError of `text`, or a failed test when it parses.
json::ParseError parse_error(const std::string& text)
{
    try {
        json::parse(text);
    } catch (const json::ParseError& e) {
        return e;
    }
    return json::ParseError("<parsed without error>", 0, 0);
}

bool rejects(const std::string& text)
{
    try {
        json::parse(text);
    } catch (const json::ParseError&) {
        return true;
    }
    return false;
}

}  // namespace

class TestJson : public QObject {
    Q_OBJECT

private slots:
    void numbers_round_trip_bit_exact_data();
    void numbers_round_trip_bit_exact();
    void random_doubles_round_trip_bit_exact();
    void integers_have_no_decimal_point();
    void non_finite_written_as_null();
    void huge_and_tiny_numbers();
    void parses_nested_document();
    void object_keeps_insertion_order();
    void escapes_are_decoded();
    void surrogate_pairs();
    void strings_written_escaped_and_read_back();
    void invalid_utf8_written_as_replacement();
    void rejects_invalid_input_data();
    void rejects_invalid_input();
    void error_positions();
    void duplicate_keys_refused();
    void depth_limit();
    void indent_output();
    void value_accessors();
};

void TestJson::numbers_round_trip_bit_exact_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("0.1") << 0.1;
    QTest::newRow("1e-300") << 1e-300;
    QTest::newRow("-0.0") << -0.0;
    QTest::newRow("0.0") << 0.0;
    QTest::newRow("5e-324 (smallest subnormal)") << 5e-324;
    QTest::newRow("max") << std::numeric_limits<double>::max();
    QTest::newRow("lowest") << std::numeric_limits<double>::lowest();
    QTest::newRow("min normal") << std::numeric_limits<double>::min();
    QTest::newRow("1/3") << 1.0 / 3.0;
    QTest::newRow("2^53+2") << 9007199254740994.0;
    QTest::newRow("-123.456e78") << -123.456e78;
}

void TestJson::numbers_round_trip_bit_exact()
{
    QFETCH(double, value);
    const std::string text = json::dump(json::Value(value));
    const json::Value back = json::parse(text);
    QVERIFY(back.is_number());
    QCOMPARE(bits(back.as_number()), bits(value));
    // Also inside a container, where the number is followed by a delimiter.
    const json::Value array = json::parse(json::dump(json::Array{value, value}));
    QCOMPARE(bits(array.as_array()[1].as_number()), bits(value));
}

void TestJson::random_doubles_round_trip_bit_exact()
{
    Rng rng(12345);
    json::Array values;
    std::vector<double> expected;
    for (int i = 0; i < 20000; ++i) {
        double d;
        if (i % 2 == 0) {
            // Any finite bit pattern: covers subnormals and every exponent.
            do {
                d = std::bit_cast<double>(rng.next_u64());
            } while (!std::isfinite(d));
        } else {
            d = rng.normal() * std::pow(10.0, rng.uniform(-20, 20));
        }
        expected.push_back(d);
        values.emplace_back(d);
    }
    const json::Value back = json::parse(json::dump(json::Value(values), 2));
    const json::Array& got = back.as_array();
    QCOMPARE(got.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (bits(got[i].as_number()) != bits(expected[i]))
            QFAIL(qPrintable(QString("value %1 (%2) changed").arg(i).arg(expected[i], 0, 'g', 17)));
}

void TestJson::integers_have_no_decimal_point()
{
    QCOMPARE(json::dump(json::Value(3)), std::string("3"));
    QCOMPARE(json::dump(json::Value(-42.0)), std::string("-42"));
    QCOMPARE(json::dump(json::Value(1000000)), std::string("1000000"));
    QCOMPARE(json::dump(json::Value(0.5)), std::string("0.5"));
    QCOMPARE(json::dump(json::Value(-0.0)), std::string("-0"));
    QCOMPARE(json::dump(json::Value(9007199254740993LL)), std::string("9007199254740992"));
    QCOMPARE(json::dump(json::Value(1e20)), std::string("1e+20"));
    QCOMPARE(json::dump(json::Value(1e-7)), std::string("1e-07"));
}

void TestJson::non_finite_written_as_null()
{
    const json::Array a{std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::quiet_NaN(), 1.5};
    QCOMPARE(json::dump(json::Value(a)), std::string("[null,null,null,1.5]"));
}

void TestJson::huge_and_tiny_numbers()
{
    // Underflow reads as the nearest double, a signed zero; overflow is an error.
    QCOMPARE(bits(json::parse("1e-400").as_number()), bits(0.0));
    QCOMPARE(bits(json::parse("-1e-400").as_number()), bits(-0.0));
    QCOMPARE(json::parse("4e-324").as_number(), 5e-324);
    QVERIFY(rejects("1e400"));
    QVERIFY(rejects("-1e400"));
    QCOMPARE(json::parse("1E+2").as_number(), 100.0);
    QCOMPARE(json::parse("-0.5e-1").as_number(), -0.05);
}

void TestJson::parses_nested_document()
{
    const json::Value v = json::parse(
        " {\"a\": [1, 2.5, {\"b\": null}], \"t\": true, \"f\": false, \"s\": \"x\", \"e\": {}, "
        "\"ea\": []}\n");
    QVERIFY(v.is_object());
    QCOMPARE(v.as_object().size(), std::size_t(6));
    const json::Array& a = v.find("a")->as_array();
    QCOMPARE(a.size(), std::size_t(3));
    QCOMPARE(a[0].as_number(), 1.0);
    QCOMPARE(a[1].as_number(), 2.5);
    QVERIFY(a[2].find("b")->is_null());
    QCOMPARE(v.find("t")->as_bool(), true);
    QCOMPARE(v.find("f")->as_bool(), false);
    QCOMPARE(v.find("s")->as_string(), std::string("x"));
    QVERIFY(v.find("e")->as_object().empty());
    QVERIFY(v.find("ea")->as_array().empty());
    QVERIFY(v.find("missing") == nullptr);
    // A document written and read back is equal to itself.
    QCOMPARE(json::parse(json::dump(v)), v);
    QCOMPARE(json::parse(json::dump(v, 2)), v);
    QCOMPARE(json::parse(json::dump(v, 0)), v);
}

void TestJson::object_keeps_insertion_order()
{
    json::Value v;
    v["zeta"] = 1;
    v["alpha"] = 2;
    v["mid"] = 3;
    v["alpha"] = 4;  // replaces, keeps its place
    QCOMPARE(json::dump(v), std::string(R"({"zeta":1,"alpha":4,"mid":3})"));
    const json::Value back = json::parse(R"({"b":1,"a":2})");
    QCOMPARE(back.as_object()[0].first, std::string("b"));
}

void TestJson::escapes_are_decoded()
{
    const json::Value v = json::parse(R"("q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20AC")");
    QCOMPARE(v.as_string(), std::string("q\" b\\ s/ \b\f\n\r\t A\xC3\xA9\xE2\x82\xAC"));
    // Raw UTF-8 passes through unchanged.
    QCOMPARE(json::parse("\"\xE6\xB3\xA8\xE6\x84\x8F\"").as_string(),
             std::string("\xE6\xB3\xA8\xE6\x84\x8F"));
}

void TestJson::surrogate_pairs()
{
    // U+1F600 GRINNING FACE.
    QCOMPARE(json::parse(R"("\uD83D\uDE00")").as_string(), std::string("\xF0\x9F\x98\x80"));
    QCOMPARE(json::parse(R"("\ud83d\ude00")").as_string(), std::string("\xF0\x9F\x98\x80"));
    QVERIFY(rejects(R"("\uD83D")"));          // lone high
    QVERIFY(rejects(R"("\uD83Dx")"));         // high then text
    QVERIFY(rejects(R"("\uDE00")"));          // lone low
    QVERIFY(rejects(R"("\uD83D\u0041")"));    // high then not low
    QVERIFY(rejects(R"("\uD83D\uD83D")"));    // high then high
    const json::ParseError e = parse_error(R"(["ok", "\uDE00"])");
    QCOMPARE(e.line, std::size_t(1));
    QCOMPARE(e.column, std::size_t(9));  // the backslash of the escape
    QVERIFY(std::string(e.what()).find("surrogate") != std::string::npos);
}

void TestJson::strings_written_escaped_and_read_back()
{
    std::string all;
    for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
    all += std::string("\0mid", 4);
    all += "\xC3\xA9\xF0\x9F\x98\x80";
    const std::string text = json::dump(json::Value(all));
    QCOMPARE(json::parse(text).as_string(), all);
    QCOMPARE(json::dump(json::Value("a\"b\\c\nd\x01")), std::string(R"("a\"b\\c\nd\u0001")"));
    // Keys are escaped too.
    json::Value o;
    o["k\"ey"] = "v";
    QCOMPARE(json::dump(o), std::string(R"({"k\"ey":"v"})"));
}

void TestJson::invalid_utf8_written_as_replacement()
{
    const std::string text = json::dump(json::Value(std::string("a\xFF" "b")));
    QCOMPARE(text, std::string("\"a\xEF\xBF\xBD" "b\""));
    QVERIFY(!rejects(text));
}

void TestJson::rejects_invalid_input_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("only whitespace") << QByteArray("  \n ");
    QTest::newRow("trailing comma array") << QByteArray("[1,2,]");
    QTest::newRow("trailing comma object") << QByteArray(R"({"a":1,})");
    QTest::newRow("leading zero") << QByteArray("[01]");
    QTest::newRow("leading zero negative") << QByteArray("-012");
    QTest::newRow("leading plus") << QByteArray("+1");
    QTest::newRow("bare dot") << QByteArray(".5");
    QTest::newRow("dot no digits") << QByteArray("1.");
    QTest::newRow("exponent no digits") << QByteArray("1e+");
    QTest::newRow("minus alone") << QByteArray("-");
    QTest::newRow("hex") << QByteArray("0x10");
    QTest::newRow("NaN") << QByteArray("NaN");
    QTest::newRow("Infinity") << QByteArray("[Infinity]");
    QTest::newRow("single quotes") << QByteArray("['a']");
    QTest::newRow("unquoted key") << QByteArray("{a:1}");
    QTest::newRow("comment") << QByteArray("[1] // c");
    QTest::newRow("block comment") << QByteArray("/* c */ [1]");
    QTest::newRow("two values") << QByteArray("1 2");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("missing comma") << QByteArray("[1 2]");
    QTest::newRow("unclosed array") << QByteArray("[1, 2");
    QTest::newRow("unclosed object") << QByteArray(R"({"a": 1)");
    QTest::newRow("unterminated string") << QByteArray("\"abc");
    QTest::newRow("raw newline in string") << QByteArray("\"a\nb\"");
    QTest::newRow("raw tab in string") << QByteArray("\"a\tb\"");
    QTest::newRow("bad escape") << QByteArray(R"("\x41")");
    QTest::newRow("short unicode escape") << QByteArray(R"("\u12")");
    QTest::newRow("truc") << QByteArray("truc");
    QTest::newRow("nul") << QByteArray("nul");
    QTest::newRow("True") << QByteArray("True");
    QTest::newRow("bad utf8 continuation") << QByteArray("\"\x80\"");
    QTest::newRow("bad utf8 lead 0xFF") << QByteArray("\"\xFF\"");
    QTest::newRow("overlong slash") << QByteArray("\"\xC0\xAF\"");
    QTest::newRow("overlong 3 byte") << QByteArray("\"\xE0\x80\xAF\"");
    QTest::newRow("utf8 surrogate") << QByteArray("\"\xED\xA0\x80\"");
    QTest::newRow("above U+10FFFF") << QByteArray("\"\xF4\x90\x80\x80\"");
    QTest::newRow("truncated utf8") << QByteArray("\"\xE2\x82\"");
    QTest::newRow("truncated at end") << QByteArray("\"\xE2");
    QTest::newRow("non-ascii outside string") << QByteArray("[\xC3\xA9]");
    QTest::newRow("nul byte") << QByteArray("[1,\0 2]", 7);
}

void TestJson::rejects_invalid_input()
{
    QFETCH(QByteArray, text);
    QVERIFY2(rejects(text.toStdString()), text.constData());
}

void TestJson::error_positions()
{
    {
        const json::ParseError e = parse_error("{\n  \"a\": [1, 2\n  }\n}");
        QCOMPARE(e.line, std::size_t(3));
        QCOMPARE(e.column, std::size_t(3));
        QCOMPARE(std::string(e.what()).substr(0, 20), std::string("line 3, column 3: ex"));
        QVERIFY(std::string(e.what()).find("expected ',' or ']'") != std::string::npos);
    }
    {
        const json::ParseError e = parse_error("[1,2,]");
        QCOMPARE(e.line, std::size_t(1));
        QCOMPARE(e.column, std::size_t(6));
        QVERIFY(std::string(e.what()).find("trailing comma") != std::string::npos);
    }
    {
        const json::ParseError e = parse_error("\n\n   [007]");
        QCOMPARE(e.line, std::size_t(3));
        QCOMPARE(e.column, std::size_t(5));
        QVERIFY(std::string(e.what()).find("leading zero") != std::string::npos);
    }
    {
        // Columns count bytes: the two-byte é moves the error by two.
        const json::ParseError e = parse_error("[\"\xC3\xA9\", \"\xFF\"]");
        QCOMPARE(e.column, std::size_t(9));
        QVERIFY(std::string(e.what()).find("UTF-8") != std::string::npos);
    }
    {
        const json::ParseError e = parse_error("{\"a\": 1} x");
        QCOMPARE(e.column, std::size_t(10));
    }
    {
        const json::ParseError e = parse_error("[1,\n");
        QCOMPARE(e.line, std::size_t(2));
        QCOMPARE(e.column, std::size_t(1));
    }
    {
        // A ParseError is a std::invalid_argument, so callers may catch either.
        bool caught = false;
        try {
            json::parse("[");
        } catch (const std::invalid_argument&) {
            caught = true;
        }
        QVERIFY(caught);
    }
}

void TestJson::duplicate_keys_refused()
{
    {
        // The session case of issue 11: a second "variant" would silently win.
        const json::ParseError e =
            parse_error("{\n  \"variant\": \"dot\",\n  \"queries\": [[1]],\n  \"variant\": \"additive\"\n}");
        QCOMPARE(e.line, std::size_t(4));
        QCOMPARE(e.column, std::size_t(3));
        QCOMPARE(std::string(e.what()),
                 std::string("line 4, column 3: duplicate key \"variant\" (first at line 2, column 3)"));
    }
    // Keys compare after unescaping: "\u0061" is "a".
    QVERIFY(rejects(R"({"a": 1, "\u0061": 2})"));
    // Nested objects have their own keys; the same key in two objects is fine.
    QVERIFY(!rejects(R"({"a": {"a": 1}, "b": {"a": 2}})"));
    QVERIFY(rejects(R"({"a": {"x": 1, "x": 2}})"));
    QVERIFY(!rejects(R"([{"a": 1}, {"a": 1}])"));
    // Large objects (past the linear scan) are checked too, wherever the repeat is.
    const auto object = [](int n, int repeat_of, int at) {
        std::string t = "{";
        for (int i = 0; i < n; ++i) {
            const int k = i == at ? repeat_of : i;
            t += (i ? ", \"k" : "\"k") + std::to_string(k) + "\": " + std::to_string(i);
        }
        return t + "}";
    };
    QVERIFY(!rejects(object(500, -1, -1)));
    QCOMPARE(json::parse(object(500, -1, -1)).as_object().size(), std::size_t(500));
    for (const auto& [repeat_of, at] : std::vector<std::pair<int, int>>{{0, 1}, {3, 15}, {3, 16}, {0, 499}, {200, 300}}) {
        const std::string text = object(500, repeat_of, at);
        const json::ParseError e = parse_error(text);
        const std::string key = "\"k" + std::to_string(repeat_of) + "\"";
        QVERIFY2(std::string(e.what()).find("duplicate key " + key) != std::string::npos, e.what());
        // The column points at the second occurrence's opening quote.
        std::size_t second = text.find(key);
        second = text.find(key, second + 1);
        QCOMPARE(e.column, second + 1);
    }
    // A hostile key is shortened in the message.
    const std::string long_key(10000, 'x');
    const json::ParseError e = parse_error("{\"" + long_key + "\": 1, \"" + long_key + "\": 2}");
    QVERIFY(std::string(e.what()).size() < 200);
}

void TestJson::depth_limit()
{
    const auto nested = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '[') +
               std::string(static_cast<std::size_t>(depth), ']');
    };
    QVERIFY(!rejects(nested(512)));
    QVERIFY(rejects(nested(513)));
    // Far deeper than any stack would survive unchecked.
    const json::ParseError e = parse_error(std::string(1'000'000, '['));
    QCOMPARE(e.column, std::size_t(513));
    QVERIFY(std::string(e.what()).find("nesting") != std::string::npos);
    std::string objects;
    for (int i = 0; i < 600; ++i) objects += "{\"a\":";
    QVERIFY(rejects(objects));
}

void TestJson::indent_output()
{
    json::Value v;
    v["m"] = json::Array{json::Array{1, 2}, json::Array{3, 4}};
    v["s"] = "x";
    v["e"] = json::Array{};
    QCOMPARE(json::dump(v), std::string(R"({"m":[[1,2],[3,4]],"s":"x","e":[]})"));
    QCOMPARE(json::dump(v, 2), std::string("{\n"
                                           "  \"m\": [\n"
                                           "    [1, 2],\n"
                                           "    [3, 4]\n"
                                           "  ],\n"
                                           "  \"s\": \"x\",\n"
                                           "  \"e\": []\n"
                                           "}"));
    QCOMPARE(json::dump(json::Value(json::Object{})), std::string("{}"));
}

void TestJson::value_accessors()
{
    const json::Value s("text");
    bool threw = false;
    try {
        s.as_number();
    } catch (const std::invalid_argument& e) {
        threw = true;
        QCOMPARE(std::string(e.what()), std::string("expected a number, got a string"));
    }
    QVERIFY(threw);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, json::Value(1).as_array());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, json::Value().as_object());
    QVERIFY(json::Value(1).find("x") == nullptr);
    json::Value a;
    a.push_back(1);
    a.push_back("two");
    QVERIFY(a.is_array());
    QCOMPARE(a.as_array().size(), std::size_t(2));
    QCOMPARE(json::Value(7).type(), json::Value::Type::Number);
    QCOMPARE(std::string(json::type_name(json::Value::Type::Object)), std::string("object"));
}

QTEST_GUILESS_MAIN(TestJson)
#include "test_json.moc"
