// SPDX-License-Identifier: GPL-3.0-or-later
// Every kind of bad attention file is refused with a message naming the file, the tensor and
// what was expected.
#include "attention_file_helpers.hpp"

#include "attnviz/core/io/npy.hpp"
#include "attnviz/core/io/safetensors.hpp"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace attnviz;
using namespace attnviz::test;
using io::DType;

namespace {

std::vector<double> filled(std::size_t n, double value) { return std::vector<double>(n, value); }

// A valid [2, 3, 4, 4] float32 .npy of uniform rows (no row-sum flags).
std::vector<std::byte> good_npy()
{
    const std::vector<std::int64_t> shape{2, 3, 4, 4};
    return io::npy_bytes(shape, filled(96, 0.25), DType::F32);
}

std::vector<std::byte> series(const std::vector<std::string>& names, std::string tokens = {})
{
    io::SafetensorsWriter w;
    for (const std::string& n : names)
        w.add(n, {1, 2, 4, 4}, std::span<const double>(filled(32, 0.25)), DType::F32);
    if (!tokens.empty()) w.set_metadata("tokens", std::move(tokens));
    return w.bytes();
}

// A safetensors file with a hand-written header (nothing validated on the way).
std::vector<std::byte> raw_safetensors(const std::string& header, std::size_t data_bytes)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((header.size() >> (8 * i)) & 0xFF);
    s += header;
    s.append(data_bytes, '\0');
    return to_bytes(s);
}

}  // namespace

class TestAttentionBadInput : public QObject {
    Q_OBJECT

private slots:
    void good_files_load()
    {
        QVERIFY(load_bytes(good_npy(), "good.npy").row_sums().all_rows_sum_to_one());
        QCOMPARE(load_bytes(series({"attentions.0", "attentions.1"}), "ok.safetensors").layers(),
                 Index{2});
    }

    void truncated_npy()
    {
        std::vector<std::byte> b = good_npy();
        b.resize(b.size() - 10);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "cut.npy"); }), "cut.npy",
                               "truncated", "shape (2, 3, 4, 4) of float32 needs 384 bytes",
                               "holds 374");
        b.resize(8);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "cut.npy"); }), "cut.npy",
                               "truncated", "needs 10 bytes");
    }

    void npy_header_disagrees_with_data()
    {
        std::vector<std::byte> b = good_npy();
        b.resize(b.size() + 4);  // bytes the shape does not account for
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "long.npy"); }), "long.npy",
                               "needs 384 bytes of data, the file holds 388");
    }

    void truncated_safetensors()
    {
        std::vector<std::byte> b = series({"attentions.0"});
        b.resize(b.size() - 4);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "cut.safetensors"); }),
                               "cut.safetensors", "tensor 'attentions.0'", "truncated",
                               "data_offsets end at 128", "holds only 124 bytes");
        b.resize(20);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "cut.safetensors"); }),
                               "cut.safetensors", "truncated: the header length says");
        b.resize(5);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "cut.safetensors"); }),
                               "cut.safetensors", "truncated", "expected at least 8 bytes");
    }

    void safetensors_offsets_disagree_with_shape()
    {
        const auto b = raw_safetensors(
            R"({"attentions.0":{"dtype":"F32","shape":[2,4,4],"data_offsets":[0,96]}})", 96);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "m.safetensors"); }),
                               "m.safetensors", "tensor 'attentions.0'",
                               "data_offsets [0, 96] hold 96 bytes, expected 128 for F32 [2, 4, 4]");
        const auto extra = raw_safetensors(
            R"({"a":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]}})", 80);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(extra, "x.safetensors"); }),
                               "x.safetensors", "data section holds 80 bytes",
                               "tensors cover 64");
        const auto overlap = raw_safetensors(
            R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
            R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})", 24);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(overlap, "o.safetensors"); }),
                               "o.safetensors", "tensor 'b'", "overlap");
    }

    void unsupported_dtype()
    {
        const auto u8 = raw_safetensors(
            R"({"attention":{"dtype":"U8","shape":[4,4],"data_offsets":[0,16]}})", 16);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(u8, "u8.safetensors"); }),
                               "u8.safetensors", "tensor 'attention'", "unsupported dtype 'U8'",
                               "expected F16, BF16, F32 or F64");
        // Integer tensors are listed, but cannot be attention.
        const auto i64 = raw_safetensors(
            R"({"attention":{"dtype":"I64","shape":[2,2],"data_offsets":[0,32]}})", 32);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(i64, "i.safetensors"); }),
                               "i.safetensors", "tensor 'attention'", "unsupported dtype int64",
                               "expected float16, bfloat16, float32 or float64");

        std::vector<std::byte> npy = good_npy();
        const std::string text(reinterpret_cast<const char*>(npy.data()), npy.size());
        std::string changed = text;
        changed.replace(changed.find("<f4"), 3, "<i4");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(to_bytes(changed), "int.npy"); }),
                               "int.npy", "unsupported dtype '<i4'",
                               "expected float16, float32 or float64");
    }

    void safetensors_header_over_100_mb()
    {
        std::vector<std::byte> b(16, std::byte{0});
        const std::uint64_t n = 100'000'001;  // one byte over the limit; the data is absent
        for (int i = 0; i < 8; ++i) b[i] = static_cast<std::byte>((n >> (8 * i)) & 0xFF);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "huge.safetensors"); }),
                               "huge.safetensors", "header of 100000001 bytes",
                               "exceeds the 100 MB limit");
    }

    void wrong_rank()
    {
        const std::vector<std::int64_t> one{16};
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(io::npy_bytes(one, filled(16, 0.5), DType::F32), "v.npy"); }),
            "v.npy", "tensor 'array'", "wrong rank 1, shape [16]",
            "expected [n_q, n_k], [heads, n_q, n_k], [layers, heads, n_q, n_k] or [layers, batch, "
            "heads, n_q, n_k]");
        const std::vector<std::int64_t> six{1, 1, 1, 1, 2, 2};
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(io::npy_bytes(six, filled(4, 0.5), DType::F32), "six.npy"); }),
            "six.npy", "wrong rank 6");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(to_bytes(R"({"attention": [0.5, 0.5]})"), "a.json"); }),
            "a.json", "tensor 'attention'", "wrong rank 1");
        // Hugging Face layers are at most [batch, heads, n_q, n_k].
        io::SafetensorsWriter w;
        w.add("attentions.0", {1, 1, 1, 2, 2}, std::span<const double>(filled(4, 0.5)));
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(w.bytes(), "s.safetensors"); }),
                               "s.safetensors", "tensor 'attentions.0'", "wrong rank 5",
                               "[batch, heads, n_q, n_k] per layer");
    }

    void nan_values()
    {
        std::vector<double> v = filled(96, 0.25);
        v[1 * 48 + 2 * 16 + 3 * 4 + 0] = std::numeric_limits<double>::quiet_NaN();  // (1, 2, 3, 0)
        const std::vector<std::int64_t> shape{2, 3, 4, 4};
        for (DType t : {DType::F16, DType::F32, DType::F64})
            ATTNVIZ_EXPECT_MESSAGE(
                message_of([&] { load_bytes(io::npy_bytes(shape, v, t), "nan.npy"); }),
                "nan.npy", "tensor 'array' layer 1, head 2", "NaN at row 3, column 0",
                "expected finite attention values");

        io::SafetensorsWriter w;
        w.add("attentions.0", {2, 4, 4}, std::span<const double>(filled(32, 0.25)), DType::BF16);
        std::vector<double> bad = filled(32, 0.25);
        bad[16 + 5] = std::numeric_limits<double>::quiet_NaN();  // head 1, row 1, column 1
        w.add("attentions.1", {2, 4, 4}, std::span<const double>(bad), DType::BF16);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(w.bytes(), "nan.safetensors"); }),
                               "nan.safetensors", "tensor 'attentions.1' layer 1, head 1",
                               "NaN at row 1, column 1");

        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] {
                load_bytes(to_bytes(R"({"attention": [[1, 0], [null, 1]]})"), "nan.json");
            }),
            "nan.json", "attention[1][0]", "expected a number, got null");
    }

    void infinity_only_as_masked_score()
    {
        const std::vector<std::int64_t> shape{2, 2};
        const double inf = std::numeric_limits<double>::infinity();
        const auto b = io::npy_bytes(shape, std::vector<double>{0.0, -inf, 1.0, 2.0}, DType::F32);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "inf.npy"); }), "inf.npy",
                               "-infinity at row 0, column 1");
        inspect::LoadOptions o;
        o.softmax = true;
        const inspect::AttentionStack s = load_bytes(b, "inf.npy", o);  // masked score: fine
        QCOMPARE(s.head(0, 0)(0, 0), 1.0f);
        QCOMPARE(s.head(0, 0)(0, 1), 0.0f);
    }

    void token_list_of_wrong_length()
    {
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] {
                load_bytes(series({"attentions.0"}, R"(["a", "b", "c"])"), "t.safetensors");
            }),
            "t.safetensors", "tensor 'attentions.0'", "'tokens' has 3 entries, expected 4");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] {
                load_bytes(to_bytes(R"({"tokens": ["a", "b"], "query_tokens": ["q"],
                                        "attention": [[1, 0], [0, 1], [0.5, 0.5]]})"),
                           "t.json");
            }),
            "t.json", "tensor 'attention'", "'query_tokens' has 1 entries, expected 3");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(series({"attentions.0"}, "not json"), "m.safetensors"); }),
            "m.safetensors", "__metadata__ 'tokens' must be a JSON list of strings");
    }

    void series_with_a_gap_or_mismatch()
    {
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] {
                load_bytes(series({"attentions.0", "attentions.2", "x"}), "gap.safetensors");
            }),
            "gap.safetensors", "tensor 'attentions.1' is missing",
            "expected attentions.0 … attentions.2");
        io::SafetensorsWriter w;
        w.add("attentions.0", {2, 4, 4}, std::span<const double>(filled(32, 0.25)));
        w.add("attentions.1", {2, 2, 2}, std::span<const double>(filled(8, 0.5)));
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(w.bytes(), "mix.safetensors"); }),
                               "mix.safetensors", "tensor 'attentions.1'",
                               "shape [2, 2, 2] differs from attentions.0's [2, 4, 4]");
    }

    void ambiguous_or_empty_safetensors()
    {
        io::SafetensorsWriter w;
        w.add("a", {2, 2}, std::span<const double>(filled(4, 0.5)));
        w.add("b", {2, 2}, std::span<const double>(filled(4, 0.5)));
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(w.bytes(), "two.safetensors"); }),
                               "two.safetensors", "cannot tell which tensor", "found a, b");
        const std::vector<std::int64_t> empty{2, 0, 4};
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(io::npy_bytes(empty, {}, DType::F32), "e.npy"); }),
            "e.npy", "shape [2, 0, 4] has an empty dimension");
    }

    void batch_out_of_range()
    {
        const std::vector<std::int64_t> shape{1, 2, 1, 2, 2};
        const auto b = io::npy_bytes(shape, filled(8, 0.5), DType::F32);
        inspect::LoadOptions o;
        o.batch = 2;
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(b, "b.npy", o); }), "b.npy",
                               "tensor 'array'", "batch 2 out of range (expected 0..1)");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(good_npy(), "g.npy", o); }), "g.npy",
                               "has no batch dimension (expected batch 0, got 2)");
    }

    void malformed_headers()
    {
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(to_bytes("hello world"), "h.npy"); }),
                               "h.npy", "not a .npy file");
        const auto not_json = raw_safetensors("{\"a\": ", 0);
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(not_json, "j.safetensors"); }),
                               "j.safetensors", "header is not valid JSON");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { load_bytes(to_bytes(R"({"attention": [[1, 0], [1]]})"), "r.json"); }),
            "r.json", "attention[1]: expected 2 entries", "rectangular");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { load_bytes(to_bytes(R"({"tokens": []})"), "n.json"); }),
                               "n.json", "missing \"attention\"");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { inspect::load_attention("/nonexistent/x.npy"); }),
                               "cannot open /nonexistent/x.npy");
    }
};

QTEST_APPLESS_MAIN(TestAttentionBadInput)
#include "test_attention_bad_input.moc"
