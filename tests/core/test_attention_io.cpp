// SPDX-License-Identifier: GPL-3.0-or-later
// Attention-tensor files: scalar conversions, round trips through our writers in every dtype,
// byte order, memory order and header version, and fixtures written by numpy itself.
#include "attention_file_helpers.hpp"

#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/dtype.hpp"
#include "attnviz/core/io/npy.hpp"
#include "attnviz/core/io/safetensors.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace attnviz;
using namespace attnviz::test;
using io::ByteOrder;
using io::DType;

Q_DECLARE_METATYPE(attnviz::io::DType)
Q_DECLARE_METATYPE(attnviz::io::ByteOrder)

namespace {

// [2, 3, 4, 5]: n_q ≠ n_k so that a transposed read cannot pass. Values are distinct integers
// below 120, exact in float16 and bfloat16.
constexpr Index kL = 2, kH = 3, kQ = 4, kK = 5;
double round_trip_value(Index l, Index h, Index i, Index j) { return 60.0 * l + 20 * h + 5 * i + j; }

std::vector<double> round_trip_values()
{
    std::vector<double> v;
    for (Index l = 0; l < kL; ++l)
        for (Index h = 0; h < kH; ++h)
            for (Index i = 0; i < kQ; ++i)
                for (Index j = 0; j < kK; ++j) v.push_back(round_trip_value(l, h, i, j));
    return v;
}

void expect_round_trip_values(const inspect::AttentionStack& s)
{
    QCOMPARE(s.layers(), kL);
    QCOMPARE(s.heads(), kH);
    QCOMPARE(s.query_count(), kQ);
    QCOMPARE(s.key_count(), kK);
    for (Index l = 0; l < kL; ++l)
        for (Index h = 0; h < kH; ++h) {
            const inspect::HeadView v = s.head(l, h);
            for (Index i = 0; i < kQ; ++i)
                for (Index j = 0; j < kK; ++j)
                    QCOMPARE(static_cast<double>(v(i, j)), round_trip_value(l, h, i, j));
        }
}

std::string write_temp(const QTemporaryDir& dir, const char* name, const std::vector<std::byte>& b)
{
    const std::string path = dir.filePath(QString::fromLatin1(name)).toStdString();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return path;
}

}  // namespace

class TestAttentionIo : public QObject {
    Q_OBJECT

private slots:
    void half_known_bit_patterns()
    {
        QCOMPARE(io::half_to_float(0x3C00), 1.0f);
        QCOMPARE(io::half_to_float(0xC000), -2.0f);
        QCOMPARE(io::half_to_float(0x7BFF), 65504.0f);
        QCOMPARE(io::half_to_float(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
        QCOMPARE(io::half_to_float(0x0400), std::ldexp(1.0f, -14));  // smallest normal
        QVERIFY(std::isinf(io::half_to_float(0x7C00)));
        QVERIFY(std::isnan(io::half_to_float(0x7E00)));
        QCOMPARE(io::float_to_half(1.0f), std::uint16_t{0x3C00});
        QCOMPARE(io::float_to_half(65504.0f), std::uint16_t{0x7BFF});
        QCOMPARE(io::float_to_half(1e6f), std::uint16_t{0x7C00});
        QCOMPARE(io::float_to_half(std::ldexp(1.0f, -24)), std::uint16_t{0x0001});
        // Ties go to the even mantissa: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
        QCOMPARE(io::float_to_half(1.0f + std::ldexp(1.0f, -11)), std::uint16_t{0x3C00});
        QCOMPARE(io::float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)), std::uint16_t{0x3C02});
        QVERIFY(std::isnan(io::half_to_float(io::float_to_half(std::nanf("")))));
        for (std::uint32_t bits = 0; bits < 0x7C00; ++bits)  // every finite positive half
            QCOMPARE(io::float_to_half(io::half_to_float(static_cast<std::uint16_t>(bits))),
                     static_cast<std::uint16_t>(bits));
    }

    void bfloat16_known_bit_patterns()
    {
        QCOMPARE(io::bfloat16_to_float(0x3F80), 1.0f);
        QCOMPARE(io::bfloat16_to_float(0xC040), -3.0f);
        QCOMPARE(io::float_to_bfloat16(1.0f), std::uint16_t{0x3F80});
        QCOMPARE(io::float_to_bfloat16(1.0f + std::ldexp(1.0f, -8)), std::uint16_t{0x3F80});
        QCOMPARE(io::float_to_bfloat16(1.0f + 3 * std::ldexp(1.0f, -8)), std::uint16_t{0x3F82});
        const std::uint16_t nan = io::float_to_bfloat16(std::numeric_limits<float>::quiet_NaN());
        QVERIFY(std::isnan(io::bfloat16_to_float(nan)));
    }

    void npy_round_trip_data()
    {
        QTest::addColumn<DType>("dtype");
        QTest::addColumn<ByteOrder>("order");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<int>("version");
        for (DType t : {DType::F16, DType::F32, DType::F64})
            for (ByteOrder o : {ByteOrder::Little, ByteOrder::Big})
                for (bool f : {false, true})
                    for (int v : {1, 2, 3}) {
                        const std::string name = std::string(io::dtype_name(t)) +
                                                 (o == ByteOrder::Little ? " <" : " >") +
                                                 (f ? " F" : " C") + " v" + std::to_string(v);
                        QTest::newRow(name.c_str()) << t << o << f << v;
                    }
    }

    void npy_round_trip()
    {
        QFETCH(DType, dtype);
        QFETCH(ByteOrder, order);
        QFETCH(bool, fortran);
        QFETCH(int, version);
        const std::vector<std::int64_t> shape{kL, kH, kQ, kK};
        const std::vector<double> values = round_trip_values();
        const std::vector<std::byte> bytes =
            io::npy_bytes(shape, values, dtype, order, fortran, version);

        const io::NpyHeader h = io::parse_npy_header(bytes, "t.npy");
        QCOMPARE(h.major_version, version);
        QCOMPARE(h.fortran_order, fortran);
        QCOMPARE(h.dtype, dtype);
        QCOMPARE(h.order, order);
        QVERIFY(h.shape == shape);
        QCOMPARE(h.data_offset % 64, std::size_t{0});  // numpy's alignment

        QTemporaryDir dir;
        const inspect::AttentionStack s =
            inspect::load_attention(write_temp(dir, "t.npy", bytes));  // through mmap
        expect_round_trip_values(s);
        QCOMPARE(s.dtype(), dtype);
        // Only native-order float32 is served from the mapping without a copy.
        const bool in_place = dtype == DType::F32 && order == io::native_byte_order();
        QCOMPARE(s.head(1, 2).in_place(), in_place);
    }

    void safetensors_round_trip_data()
    {
        QTest::addColumn<DType>("dtype");
        QTest::newRow("F16") << DType::F16;
        QTest::newRow("BF16") << DType::BF16;
        QTest::newRow("F32") << DType::F32;
        QTest::newRow("F64") << DType::F64;
    }

    void safetensors_round_trip()
    {
        QFETCH(DType, dtype);
        const std::vector<double> values = round_trip_values();
        io::SafetensorsWriter w;
        w.add("attention", {kL, kH, kQ, kK}, std::span<const double>(values), dtype);
        w.set_metadata("tokens", R"(["a", "b", "c", "d", "e"])");
        w.set_metadata("query_tokens", R"(["q0", "q1", "q2", "q3"])");

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("t.safetensors")).toStdString();
        w.write(path);
        const io::SafetensorsFile f(path);
        QCOMPARE(f.header().data_offset % 8, std::uint64_t{0});
        QCOMPARE(f.tensors().size(), std::size_t{1});
        QCOMPARE(f.entry("attention").dtype, dtype);
        QVERIFY(f.read_double("attention") == values);

        const inspect::AttentionStack s = inspect::load_attention(path);
        expect_round_trip_values(s);
        QVERIFY(s.has_tokens());
        QVERIFY((s.key_tokens() == std::vector<std::string>{"a", "b", "c", "d", "e"}));
        QVERIFY((s.query_tokens() == std::vector<std::string>{"q0", "q1", "q2", "q3"}));
        QCOMPARE(s.head(0, 1).in_place(), dtype == DType::F32);
    }

    // A Hugging Face output_attentions tuple: attentions.i of [batch, heads, n_q, n_k].
    void safetensors_series_with_batch()
    {
        io::SafetensorsWriter w;
        for (Index l = 0; l < 3; ++l) {
            std::vector<double> v;
            for (Index b = 0; b < 2; ++b)
                for (Index h = 0; h < kH; ++h)
                    for (Index i = 0; i < kQ; ++i)
                        for (Index j = 0; j < kK; ++j)
                            v.push_back(round_trip_value(l, h, i, j) + 1000.0 * b);
            w.add("attentions." + std::to_string(l), {2, kH, kQ, kK}, std::span<const double>(v),
                  DType::F32);
        }
        inspect::LoadOptions o;
        o.batch = 1;
        const inspect::AttentionStack s = load_bytes(w.bytes(), "series.safetensors", o);
        QCOMPARE(s.layers(), Index{3});
        QCOMPARE(s.batch_count(), Index{2});
        QCOMPARE(s.head(2, 1)(3, 4), static_cast<float>(round_trip_value(2, 1, 3, 4) + 1000));
        QVERIFY(!s.has_tokens());
        QVERIFY((s.key_tokens() == std::vector<std::string>{"0", "1", "2", "3", "4"}));
    }

    // add_view keeps a view of the caller's floats (a run's attentions, no copy): its file is
    // byte for byte the one add() writes from the same values, through bytes() and through
    // write() (which writes the header and the tensors in turn), and the shape is checked.
    void safetensors_view_equals_copy()
    {
        std::vector<float> a(2 * 3 * 4), b(5);
        for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.1f * static_cast<float>(i) - 1.0f;
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::ldexp(1.0f, -static_cast<int>(i)) / 3.0f;
        io::SafetensorsWriter copied, viewed;
        copied.add("a", {2, 3, 4}, std::span<const float>(a), DType::F32);
        copied.add("b", {5}, std::span<const float>(b), DType::F32);
        copied.set_metadata("tokens", "[\"x\"]");
        viewed.add_view("a", {2, 3, 4}, a);
        viewed.add_view("b", {5}, b);
        viewed.set_metadata("tokens", "[\"x\"]");
        const std::vector<std::byte> want = copied.bytes();
        QVERIFY(viewed.bytes() == want);
        QTemporaryDir dir;
        const std::string path = dir.filePath("v.safetensors").toStdString();
        viewed.write(path);
        std::ifstream in(path, std::ios::binary);
        const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QCOMPARE(got.size(), want.size());
        QVERIFY(std::memcmp(got.data(), want.data(), want.size()) == 0);
        // The F32 bytes are the floats' own (little-endian hosts): the last tensor ends the file.
        QVERIFY(std::memcmp(got.data() + got.size() - 5 * sizeof(float), b.data(), 5 * sizeof(float)) == 0);
        try {
            viewed.add_view("c", {2, 2}, b);
            QFAIL("a shape needing 4 values took 5");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("needs 4 values, got 5"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, viewed.add_view("a", {5}, b));
    }

    // How trained models are saved: matrices and vectors by name, with metadata.
    void safetensors_model_parameters()
    {
        Matrix w_ih(3, 2);
        w_ih << 0.1, -0.2, 0.3, 0.4, 0.5, -0.6;
        Vector bias(3);
        bias << 1.5, -2.25, 1e-300;
        io::SafetensorsWriter w;
        w.add("encoder.rnn.weight_ih_l0", w_ih, DType::F32);
        w.add("encoder.rnn.bias_ih_l0", bias, DType::F64);
        w.set_metadata("model", "seq2seq");

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("model.safetensors")).toStdString();
        w.write(path);
        const io::SafetensorsFile f(path);
        QCOMPARE(f.metadata().at("model"), std::string("seq2seq"));
        QVERIFY((f.entry("encoder.rnn.weight_ih_l0").shape == std::vector<std::int64_t>{3, 2}));
        const Matrix back = f.read_matrix("encoder.rnn.weight_ih_l0");
        QVERIFY(back.isApprox(w_ih.cast<float>().cast<double>(), 0.0));  // row-major kept
        QVERIFY(f.read_vector("encoder.rnn.bias_ih_l0") == bias);        // F64 is exact
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { f.read_vector("encoder.rnn.weight_ih_l0"); }),
                               "model.safetensors", "encoder.rnn.weight_ih_l0", "expected rank 1");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { f.read_matrix("decoder.out.weight"); }),
                               "decoder.out.weight", "not found", "encoder.rnn.bias_ih_l0");
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { w.add("encoder.rnn.bias_ih_l0", bias); }),
                               "added twice");
        ATTNVIZ_EXPECT_MESSAGE(
            message_of([&] { w.add("x", {2, 2}, std::span<const double>(bias.data(), 3)); }),
            "shape [2, 2] needs 4 values, got 3");
    }

    void fortran_npy_by_numpy()
    {
        const inspect::AttentionStack s = inspect::load_attention(fixture("np_f64_fortran_be.npy"));
        QCOMPARE(s.dtype(), DType::F64);
        QVERIFY((s.file_shape() == std::vector<std::int64_t>{2, 3, 4, 4}));
        for (Index l = 0; l < 2; ++l)
            for (Index h = 0; h < 3; ++h)
                for (Index i = 0; i < 4; ++i)
                    for (Index j = 0; j < 4; ++j)
                        QCOMPARE(static_cast<double>(s.head(l, h)(i, j)), fixture_value(l, h, i, j));
    }

    void numpy_fixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("first_layer");  // fixture layer of stack layer 0
        QTest::addColumn<int>("first_head");
        QTest::newRow("f32 C v1") << "np_f32_c_v1.npy" << 2 << 3 << 0 << 0;
        QTest::newRow("f16 [heads, q, k] v2") << "np_f16_heads_v2.npy" << 1 << 3 << 0 << 0;
        QTest::newRow("f32 [q, k] v3") << "np_f32_single_v3.npy" << 1 << 1 << 1 << 2;
        QTest::newRow("bf16 safetensors series") << "st_series_bf16.safetensors" << 2 << 3 << 0 << 0;
        QTest::newRow("f16 safetensors + I64") << "st_single_f16.safetensors" << 2 << 3 << 0 << 0;
    }

    void numpy_fixtures()
    {
        QFETCH(QString, file);
        QFETCH(int, layers);
        QFETCH(int, heads);
        QFETCH(int, first_layer);
        QFETCH(int, first_head);
        const inspect::AttentionStack s = inspect::load_attention(fixture(qPrintable(file)));
        QCOMPARE(s.layers(), Index{layers});
        QCOMPARE(s.heads(), Index{heads});
        QCOMPARE(s.query_count(), Index{4});
        QCOMPARE(s.key_count(), Index{4});
        for (Index l = 0; l < layers; ++l)
            for (Index h = 0; h < heads; ++h)
                for (Index i = 0; i < 4; ++i)
                    for (Index j = 0; j < 4; ++j)
                        QCOMPARE(static_cast<double>(s.head(l, h)(i, j)),
                                 fixture_value(l + first_layer, h + first_head, i, j));
        // The formula's rows are not distributions: every one is flagged.
        QCOMPARE(s.row_sums().rows_off, static_cast<std::size_t>(layers * heads * 4));
        QVERIFY(!s.row_sums().all_rows_sum_to_one());
    }

    void safetensors_tokens_and_integer_tensors()
    {
        const inspect::AttentionStack s = inspect::load_attention(fixture("st_series_bf16.safetensors"));
        QCOMPARE(s.dtype(), DType::BF16);
        QVERIFY((s.key_tokens() == std::vector<std::string>{"[CLS]", "the", "cat", "[SEP]"}));
        QCOMPARE(s.query_tokens(), s.key_tokens());

        const io::SafetensorsFile f(fixture("st_single_f16.safetensors"));
        QCOMPARE(f.entry("input_ids").dtype, DType::I64);  // listed ...
        ATTNVIZ_EXPECT_MESSAGE(message_of([&] { f.read_float("input_ids"); }),  // ... not read
                               "st_single_f16.safetensors", "input_ids", "I64",
                               "expected F16, BF16, F32 or F64");
    }

    void batch_dimension_by_numpy()
    {
        inspect::LoadOptions o;
        o.batch = 1;
        const inspect::AttentionStack s = inspect::load_attention(fixture("np_f32_batch.npy"), o);
        QCOMPARE(s.layers(), Index{2});
        QCOMPARE(s.heads(), Index{3});
        QCOMPARE(s.batch_count(), Index{2});
        QCOMPARE(static_cast<double>(s.head(1, 2)(3, 1)), fixture_value(1, 2, 3, 1) + 0.5);
        const inspect::AttentionStack s0 = inspect::load_attention(fixture("np_f32_batch.npy"));
        QCOMPARE(static_cast<double>(s0.head(1, 2)(3, 1)), fixture_value(1, 2, 3, 1));
    }

    void json_cross_attention()
    {
        const inspect::AttentionStack s = inspect::load_attention(fixture("cross.json"));
        QCOMPARE(s.query_count(), Index{2});
        QCOMPARE(s.key_count(), Index{3});
        QVERIFY((s.key_tokens() == std::vector<std::string>{"le", "chat", "noir"}));
        QVERIFY((s.query_tokens() == std::vector<std::string>{"the", "cat"}));
        QCOMPARE(s.head(0, 0)(0, 1), 0.25f);
        QCOMPARE(s.head(0, 0)(1, 2), 1.0f);
        QVERIFY(s.row_sums().all_rows_sum_to_one());
    }

    void positions_label_tokenless_files()
    {
        const inspect::AttentionStack s = inspect::load_attention(fixture("np_scores.npy"));
        QVERIFY(!s.has_tokens());
        QVERIFY((s.key_tokens() == std::vector<std::string>{"0", "1", "2"}));
        QVERIFY((s.query_tokens() == std::vector<std::string>{"0", "1"}));
    }

    // A view keeps the mapping alive after the stack is gone.
    void head_view_outlives_stack()
    {
        std::optional<inspect::HeadView> v;
        {
            const inspect::AttentionStack s = inspect::load_attention(fixture("np_f32_c_v1.npy"));
            v = s.head(1, 1);
        }
        QVERIFY(v->in_place());
        QCOMPARE(static_cast<double>((*v)(2, 3)), fixture_value(1, 1, 2, 3));
    }
};

QTEST_APPLESS_MAIN(TestAttentionIo)
#include "test_attention_io.moc"
