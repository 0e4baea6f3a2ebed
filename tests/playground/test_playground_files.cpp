// SPDX-License-Identifier: GPL-3.0-or-later
// The playground's file side: session save/open, matrix import/export, autosave with crash
// recovery, and the typed settings. Everything happens in temporary directories; the user's
// settings and data directories are never touched (QStandardPaths test mode, injected QSettings).
#include "playground/app_settings.hpp"
#include "playground/autosave.hpp"
#include "playground/playground_document.hpp"
#include "playground/session_files.hpp"
#include "presets.hpp"

#include "attnviz/core/io/npy.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <cstring>
#include <vector>

using namespace attnviz;
using namespace attnviz::playground;

namespace {

bool sameBits(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A document with something of everything edited: parameters, mask, temperature, awkward
// doubles.
void editEverything(PlaygroundDocument& doc)
{
    doc.loadSession(load_preset(QStringLiteral("tf-tutorial")));
    QVERIFY(doc.setVariant(Variant::Additive));
    QVERIFY(doc.parameterModel(QStringLiteral("W_q"))->setValue(0, 0, 0.1 + 0.2));
    QVERIFY(doc.queriesModel()->setValue(1, 2, -1.0 / 3.0));
    QVERIFY(doc.valuesModel()->setValue(0, 0, 1e-310));  // subnormal
    QVERIFY(doc.setTemperature(0.7));
    QVERIFY(doc.toggleMaskCell(2, 0));
    QVERIFY(doc.setValidLengths({3}));
    QVERIFY(doc.keysModel()->setHeaderData(1, Qt::Vertical, QStringLiteral("why")));
}

}  // namespace

class TestPlaygroundFiles : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void save_open_round_trip_is_bit_exact();
    void corrupt_file_names_it_and_leaves_document();
    void missing_file_is_an_error();
    void saving_never_replaces_a_fifo_and_follows_links();
    void import_npy();
    void import_csv_and_tsv();
    void export_csv_reads_back_exactly();
    void autosave_writes_after_interval_and_recovers();
    void autosave_instances_do_not_clobber();
    void recovered_session_survives_a_second_crash();
    void settings_round_trip();
    void recent_files();

private:
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }
};

void TestPlaygroundFiles::save_open_round_trip_is_bit_exact()
{
    PlaygroundDocument doc;
    editEverything(doc);
    const Session saved = doc.toSession();
    QString error;
    QVERIFY2(writeSessionFile(path("round.json"), saved, &error), qPrintable(error));
    QVERIFY(doc.isModified());  // saving a file does not decide cleanliness; the window does
    doc.setClean();
    QVERIFY(!doc.isModified());

    PlaygroundDocument reopened;
    QVERIFY2(openSessionFile(reopened, path("round.json"), &error), qPrintable(error));
    QVERIFY(!reopened.isModified());
    const Session s = reopened.toSession();
    QCOMPARE(s.variant, saved.variant);
    QVERIFY(sameBits(s.queries, saved.queries));
    QVERIFY(sameBits(s.keys, saved.keys));
    QVERIFY(sameBits(s.values, saved.values));
    QVERIFY(s.queries == saved.queries && s.keys == saved.keys && s.values == saved.values);
    QVERIFY(s.query_tokens == saved.query_tokens);
    QVERIFY(s.key_tokens == saved.key_tokens);
    QCOMPARE(s.key_tokens.at(1), std::string("why"));
    QVERIFY(s.mask.valid_len == saved.mask.valid_len);
    QCOMPARE(s.mask.causal, saved.mask.causal);
    QVERIFY((s.mask.matrix == saved.mask.matrix).all());
    QCOMPARE(s.temperature, saved.temperature);
    QCOMPARE(s.hyper.hidden, saved.hyper.hidden);
    QCOMPARE(s.hyper.num_heads, saved.hyper.num_heads);
    QCOMPARE(s.hyper.seed, saved.hyper.seed);
    QCOMPARE(s.params_given, true);
    QCOMPARE(s.params.tensors.size(), saved.params.tensors.size());
    for (const auto& [name, m] : saved.params.tensors) QVERIFY2(sameBits(*s.params.find(name), m), name.c_str());
    QVERIFY(sameBits(Matrix::Constant(1, 1, s.params.find("W_q")->coeff(0, 0)), Matrix::Constant(1, 1, 0.1 + 0.2)));
    // The strongest form: the same file, byte for byte.
    QCOMPARE(write_session(s), write_session(saved));
    QCOMPARE(readBytes(path("round.json")).toStdString(), write_session(s));
}

void TestPlaygroundFiles::corrupt_file_names_it_and_leaves_document()
{
    writeBytes(path("broken.json"), "{\n  \"format\": \"attnviz-session\",\n  \"version\" 1\n}\n");
    PlaygroundDocument doc;
    editEverything(doc);
    const std::string before = write_session(doc.toSession());
    const int undoCount = doc.undoStack()->count();

    QString error;
    QVERIFY(!openSessionFile(doc, path("broken.json"), &error));
    QVERIFY2(error.startsWith(QLatin1String("broken.json: line 3, column ")), qPrintable(error));
    QCOMPARE(write_session(doc.toSession()), before);
    QCOMPARE(doc.undoStack()->count(), undoCount);
    QVERIFY(doc.isModified());

    // Valid JSON with bad content names the file and the JSON path.
    writeBytes(path("bad-shape.json"),
               R"({"format": "attnviz-session", "version": 1, "variant": "dot",
                   "queries": [[1, 2], [3]]})");
    const SessionReadResult r = readSessionFile(path("bad-shape.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QLatin1String("bad-shape.json: queries: row 1")), qPrintable(r.error));
}

void TestPlaygroundFiles::missing_file_is_an_error()
{
    const SessionReadResult r = readSessionFile(path("nowhere.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QLatin1String("nowhere.json: cannot open")), qPrintable(r.error));
    QString error;
    QVERIFY(!writeSessionFile(path("no-dir/x.json"), load_preset(QStringLiteral("dot")), &error));
    QVERIFY2(error.startsWith(QLatin1String("x.json: cannot write")), qPrintable(error));
}

// QSaveFile alone renames its temporary over whatever the path names: it turned /dev/null and
// FIFOs into regular files (issue 11). A FIFO stands in for a device here.
void TestPlaygroundFiles::saving_never_replaces_a_fifo_and_follows_links()
{
    const QString fifo = path("pipe.json");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QString error;
    QVERIFY(!writeSessionFile(fifo, load_preset(QStringLiteral("dot")), &error));
    QVERIFY2(error.startsWith(QLatin1String("pipe.json: cannot write")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("not a regular file")), qPrintable(error));
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(fifo).constData(), &st), 0);
    QVERIFY(S_ISFIFO(st.st_mode));  // still a FIFO

    // Through a symbolic link the file it points at is replaced and the link stays a link.
    const QString target = path("real.json"), link = path("link.json");
    writeBytes(target, "old");
    QVERIFY(QFile::link(target, link));
    QVERIFY2(writeSessionFile(link, load_preset(QStringLiteral("dot")), &error), qPrintable(error));
    QVERIFY(QFileInfo(link).isSymLink());
    QVERIFY(readSessionFile(target).ok());
}

void TestPlaygroundFiles::import_npy()
{
    const std::vector<double> values = {1.5, -2.0, 0.1, 4.0, 5.25, -6.0};
    const std::vector<std::int64_t> shape = {2, 3};
    const auto write = [&](const QString& name, io::DType t, bool fortran, std::vector<std::int64_t> sh) {
        const std::vector<std::byte> bytes = io::npy_bytes(sh, values, t, io::ByteOrder::Little, fortran);
        writeBytes(path(name), QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<qsizetype>(bytes.size())));
    };
    Matrix expected(2, 3);
    expected << 1.5, -2.0, 0.1, 4.0, 5.25, -6.0;

    write("m64.npy", io::DType::F64, false, shape);
    MatrixReadResult r = importMatrixFile(path("m64.npy"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(*r.matrix == expected);

    write("m32f.npy", io::DType::F32, true, shape);  // float32, Fortran order
    r = importMatrixFile(path("m32f.npy"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(r.matrix->isApprox(expected, 1e-6));
    QCOMPARE((*r.matrix)(1, 2), -6.0);

    write("row.npy", io::DType::F64, false, {6});
    r = importMatrixFile(path("row.npy"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.matrix->rows(), Index(1));
    QCOMPARE(r.matrix->cols(), Index(6));

    write("cube.npy", io::DType::F64, false, {1, 2, 3});
    r = importMatrixFile(path("cube.npy"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QLatin1String("cube.npy: ")) && r.error.contains(QLatin1String("2-D")), qPrintable(r.error));

    writeBytes(path("truncated.npy"), QByteArray("\x93NUMPY\x01\x00", 8));
    r = importMatrixFile(path("truncated.npy"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QLatin1String("truncated.npy: ")), qPrintable(r.error));
}

void TestPlaygroundFiles::import_csv_and_tsv()
{
    writeBytes(path("m.csv"), "1,2,3\n4,5,6\n");
    MatrixReadResult r = importMatrixFile(path("m.csv"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    Matrix expected(2, 3);
    expected << 1, 2, 3, 4, 5, 6;
    QVERIFY(*r.matrix == expected);

    writeBytes(path("m.tsv"), "1\t2\t3\r\n4\t5\t6");
    r = importMatrixFile(path("m.tsv"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(*r.matrix == expected);

    writeBytes(path("bad.csv"), "1,2\n3,x\n");
    r = importMatrixFile(path("bad.csv"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QLatin1String("bad.csv: ")) && r.error.contains(QLatin1String("x")), qPrintable(r.error));
}

void TestPlaygroundFiles::export_csv_reads_back_exactly()
{
    Matrix m(2, 3);
    m << 0.1 + 0.2, -1.0 / 3.0, 1e-310, 6.02214076e23, -0.0, 42;
    QString error;
    QVERIFY2(exportMatrixCsv(path("out.csv"), m, &error), qPrintable(error));
    QVERIFY(readBytes(path("out.csv")).startsWith("0.30000000000000004,"));
    const MatrixReadResult r = importMatrixFile(path("out.csv"));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(*r.matrix == m);
}

void TestPlaygroundFiles::autosave_writes_after_interval_and_recovers()
{
    QTemporaryDir data;
    QString autosavePath;
    QByteArray crashed;
    Session edited;
    {
        PlaygroundDocument doc;
        doc.loadSession(load_preset(QStringLiteral("tf-tutorial")));
        AutosaveManager autosave(&doc, data.path());
        QVERIFY(autosave.isActive());
        QVERIFY(!autosave.hasRecoverableAutosave());
        autosavePath = autosave.autosavePath();
        QCOMPARE(autosavePath, data.filePath("autosave.json"));
        QSignalSpy saved(&autosave, &AutosaveManager::autosaved);
        autosave.setIntervalMs(20);

        // Clean: nothing is written however long we wait for the next tick.
        QVERIFY(!autosave.autosaveNow());
        QVERIFY(!QFile::exists(autosavePath));

        editEverything(doc);
        QVERIFY(saved.wait(5000));
        QVERIFY(QFile::exists(autosavePath));
        edited = doc.toSession();
        crashed = readBytes(autosavePath);
        QCOMPARE(crashed.toStdString(), write_session(edited));

        // Saving makes the document clean: the autosave is obsolete and goes.
        doc.setClean();
        QVERIFY(!QFile::exists(autosavePath));
        QVERIFY(doc.queriesModel()->setValue(0, 0, 3.0));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(autosavePath), 5000);
    }
    // A clean exit removes it.
    QVERIFY(!QFile::exists(autosavePath));

    // A crash leaves it behind (the destructor never ran): simulate exactly that file.
    writeBytes(autosavePath, crashed);
    PlaygroundDocument doc;
    doc.loadSession(load_preset(QStringLiteral("dot")));
    AutosaveManager autosave(&doc, data.path());
    autosave.setIntervalMs(20);
    QVERIFY(autosave.hasRecoverableAutosave());
    QVERIFY(doc.queriesModel()->setValue(0, 0, 9.0));
    // Not overwritten while the window has not decided.
    QVERIFY(!autosave.autosaveNow());
    QCOMPARE(readBytes(autosavePath), crashed);

    QString error;
    const std::optional<Session> recovered = autosave.takeAutosave(&error);
    QVERIFY2(recovered, qPrintable(error));
    QVERIFY(!autosave.hasRecoverableAutosave());
    QCOMPARE(write_session(*recovered), write_session(edited));
    doc.loadSession(*recovered);
    doc.markModified();
    QVERIFY(doc.isModified());
    QCOMPARE(write_session(doc.toSession()), write_session(edited));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(autosavePath), 5000);  // autosaving again
}

void TestPlaygroundFiles::recovered_session_survives_a_second_crash()
{
    // Issue 11: after recovery the file was deleted and nothing written until the next 30 s
    // tick, so a kill -9 in between lost the recovered edit. The file must hold the recovered
    // session from the moment it is taken until a newer autosave replaces it.
    QTemporaryDir data;
    PlaygroundDocument edited;
    editEverything(edited);
    const Session crashedSession = edited.toSession();
    const QByteArray crashed = QByteArray::fromStdString(write_session(crashedSession));
    writeBytes(data.filePath(QStringLiteral("autosave.json")), crashed);

    PlaygroundDocument doc;
    doc.loadSession(load_preset(QStringLiteral("dot")));
    // The user typed something before answering the question: loading the recovered session
    // then reports "clean" on its way, which must not count as "saved".
    QVERIFY(doc.queriesModel()->setValue(0, 0, 4.0));
    AutosaveManager autosave(&doc, data.path());
    autosave.setIntervalMs(0);  // no tick: only what takeAutosave leaves behind is on disk
    QVERIFY(autosave.hasRecoverableAutosave());
    const QString file = autosave.autosavePath();

    QString error;
    const std::optional<Session> recovered = autosave.takeAutosave(&error);
    QVERIFY2(recovered, qPrintable(error));
    QCOMPARE(readBytes(file), crashed);  // still there right after it was taken
    QSignalSpy modified(&doc, &PlaygroundDocument::modifiedChanged);
    doc.loadSession(*recovered);
    QVERIFY(modified.count() >= 1 && !modified.last().at(0).toBool());  // "clean" on the way
    doc.markModified();
    // A second crash now (no destructor, no tick) leaves exactly the recovered session.
    QCOMPARE(readBytes(file), crashed);

    // The next autosave replaces it with the newer state...
    QVERIFY(doc.queriesModel()->setValue(0, 0, 5.0));
    QVERIFY(autosave.autosaveNow());
    QCOMPARE(readBytes(file).toStdString(), write_session(doc.toSession()));
    QVERIFY(readBytes(file) != crashed);
    // ...and from then on saving removes it as usual.
    doc.setClean();
    QVERIFY(!QFile::exists(file));
}

void TestPlaygroundFiles::autosave_instances_do_not_clobber()
{
    QTemporaryDir data;
    PlaygroundDocument a, b;
    AutosaveManager first(&a, data.path());
    AutosaveManager second(&b, data.path());
    QVERIFY(first.isActive() && second.isActive());
    QVERIFY(first.autosavePath() != second.autosavePath());
    QVERIFY(a.queriesModel()->setValue(0, 0, 1.0));
    QVERIFY(b.queriesModel()->setValue(0, 0, 2.0));
    QVERIFY(first.autosaveNow());
    QVERIFY(second.autosaveNow());
    QVERIFY(readSessionFile(first.autosavePath()).session->queries(0, 0) == 1.0);
    QVERIFY(readSessionFile(second.autosavePath()).session->queries(0, 0) == 2.0);
}

void TestPlaygroundFiles::settings_round_trip()
{
    const QString ini = path("settings.ini");
    {
        QSettings qs(ini, QSettings::IniFormat);
        AppSettings s(&qs);
        // Defaults.
        QVERIFY(s.windowGeometry().isEmpty());
        QCOMPARE(s.colormapName(), QStringLiteral("viridis"));
        QCOMPARE(s.autoscale(), false);
        QCOMPARE(s.palette(), AppSettings::Palette::System);
        QCOMPARE(s.autosaveIntervalSeconds(), 30);
        QCOMPARE(s.lastDirectory(), QDir::homePath());

        s.setWindowGeometry(QByteArray("\x01\x02geometry\x00", 11));
        s.setWindowState(QByteArray("state"));
        s.setColormapName(QStringLiteral("magma"));
        s.setAutoscale(true);
        s.setPalette(AppSettings::Palette::Dark);
        s.setLastDirectory(dir_.path());
        s.setAutosaveIntervalSeconds(5);
        s.sync();
    }
    QSettings qs(ini, QSettings::IniFormat);
    AppSettings s(&qs);
    QCOMPARE(s.windowGeometry(), QByteArray("\x01\x02geometry\x00", 11));
    QCOMPARE(s.windowState(), QByteArray("state"));
    QCOMPARE(s.colormapName(), QStringLiteral("magma"));
    QCOMPARE(s.autoscale(), true);
    QCOMPARE(s.palette(), AppSettings::Palette::Dark);
    QCOMPARE(s.lastDirectory(), dir_.path());
    QCOMPARE(s.autosaveIntervalSeconds(), 5);
    QCOMPARE(AppSettings::paletteFromName(QStringLiteral("Light")), AppSettings::Palette::Light);
    QCOMPARE(AppSettings::paletteFromName(QStringLiteral("purple")), AppSettings::Palette::System);
}

void TestPlaygroundFiles::recent_files()
{
    QSettings qs(path("recent.ini"), QSettings::IniFormat);
    AppSettings s(&qs);
    QStringList files;
    for (int i = 0; i < 12; ++i) {
        files << path(QStringLiteral("recent-%1.json").arg(i));
        writeBytes(files.last(), "{}");
        s.addRecentFile(files.last());
    }
    QStringList recent = s.recentFiles();
    QCOMPARE(recent.size(), AppSettings::kMaxRecentFiles);
    QCOMPARE(recent.first(), files.at(11));  // most recent first
    QCOMPARE(recent.last(), files.at(2));

    s.addRecentFile(files.at(5));  // reopened: moves to the front, no duplicate
    recent = s.recentFiles();
    QCOMPARE(recent.first(), files.at(5));
    QCOMPARE(recent.count(files.at(5)), 1);
    QCOMPARE(recent.size(), AppSettings::kMaxRecentFiles);

    QVERIFY(QFile::remove(files.at(11)));  // vanished files are pruned
    recent = s.recentFiles();
    QVERIFY(!recent.contains(files.at(11)));
    QCOMPARE(recent.size(), AppSettings::kMaxRecentFiles - 1);

    s.clearRecentFiles();
    QVERIFY(s.recentFiles().isEmpty());
}

QTEST_MAIN(TestPlaygroundFiles)
#include "test_playground_files.moc"
