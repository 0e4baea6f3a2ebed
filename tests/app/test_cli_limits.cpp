// SPDX-License-Identifier: GPL-3.0-or-later
// The command line held against hostile input (issue 11), through the real executable: sizes
// from options are refused over their documented limits before memory is taken, endless input
// is read with a cap, a FIFO or a directory passed as a file is refused at once (it used to
// hang), and running out of memory is one line and exit status 2, never std::bad_alloc and 1.
// Every case ends in exit 2 with exactly one line on standard error (expect_bad_input).
#include "attnviz_process.hpp"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <functional>

#include <sys/resource.h>
#include <sys/stat.h>

// AddressSanitizer reserves terabytes of address space for its shadow memory, so a process
// under an RLIMIT_AS cannot even start: the out-of-memory check runs in ordinary builds only.
#if defined(__SANITIZE_ADDRESS__)
#define ATTNVIZ_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNVIZ_TEST_ASAN 1
#endif
#endif

namespace {

using namespace attnviz_test;

const QString kModel = QStringLiteral(ATTNVIZ_RESOURCES_DIR "/models/toy-fr.safetensors");
const QString kAttention = QStringLiteral(ATTNVIZ_TEST_DATA_DIR "/attention/inspector_small.safetensors");

// `attnviz ARGS` with `setup` applied to the process before it starts (standard input from a
// file, limits in the child). A run that does not end within `timeout_ms` is killed and
// reported as exit status -1: a hang fails the test instead of stalling it.
Run run_with(const QStringList& args, const std::function<void(QProcess&)>& setup, int timeout_ms = 60000)
{
    QProcess p;
    p.setProgram(QStringLiteral(ATTNVIZ_BIN_DIR "/attnviz"));
    p.setArguments(args);
    setup(p);
    p.start();
    if (!p.waitForStarted()) qFatal("cannot start %s", ATTNVIZ_BIN_DIR "/attnviz");
    const bool finished = p.waitForFinished(timeout_ms);
    if (!finished) p.kill(), p.waitForFinished();
    Run r;
    r.exit_code = finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run run_quick(const QStringList& args) { return run_with(args, [](QProcess&) {}); }

// A copy of the toy-fr model whose metadata says num_steps = `steps`: the header is rewritten
// with its new length, the tensor bytes (offsets relative to the data) stay as they are.
QString model_with_num_steps(const QTemporaryDir& dir, const QString& steps)
{
    QFile in(kModel);
    if (!in.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(kModel));
    const QByteArray bytes = in.readAll();
    const auto length = qFromLittleEndian<quint64>(bytes.constData());
    QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, qsizetype(length))).object();
    QJsonObject meta = header.value(QStringLiteral("__metadata__")).toObject();
    meta.insert(QStringLiteral("num_steps"), steps);
    header.insert(QStringLiteral("__metadata__"), meta);
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8 != 0) json.append(' ');
    QByteArray prefix(8, '\0');
    qToLittleEndian<quint64>(quint64(json.size()), prefix.data());
    const QString path = dir.filePath(QStringLiteral("steps-%1.safetensors").arg(steps));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    out.write(prefix + json + bytes.mid(8 + qsizetype(length)));
    return path;
}

}  // namespace

class TestCliLimits : public QObject {
    Q_OBJECT

private slots:
    void translateStepsAreBounded()
    {
        const Run r = run_quick({"translate", "--model", kModel, "--steps", "100000000", "the cat ."});
        expect_bad_input(r, "--steps: 100000000 is over the limit of 1000");
        // At the limit it translates.
        const Run ok = run_quick({"translate", "--model", kModel, "--steps", "1000", "the cat ."});
        QCOMPARE(ok.exit_code, 0);
        QVERIFY(run_quick({"translate", "--help"}).out.contains("at most 1000"));
    }

    void trainSizesAreBounded()
    {
        expect_bad_input(run_quick({"train", "--data", "reverse", "--examples", "2000000000"}),
                         "--examples: 2000000000 is over the limit of 500000");
        expect_bad_input(run_quick({"train", "--data", "dates", "--steps", "100000000"}),
                         "--steps: 100000000 is over the limit of 1000");
        // Each within its limit, but the data or one batch they imply is not.
        expect_bad_input(run_quick({"train", "--data", "reverse", "--examples", "200000", "--steps", "1000"}),
                         "--examples 200000 x --steps 1000 = 200000000 padded tokens is over the limit of 100000000");
        expect_bad_input(run_quick({"train", "--data", "reverse", "--batch=2000", "--steps=500"}),
                         "--batch 2000 x --steps 500 = 1000000 tokens a batch is over the limit of 250000");
        // A sentence-pair file is read whole: over 256 MB it is refused unread (sparse: no disk used).
        QTemporaryDir dir;
        QFile big(dir.filePath(QStringLiteral("pairs.txt")));
        QVERIFY(big.open(QIODevice::WriteOnly) && big.resize(256'000'001));
        big.close();
        expect_bad_input(run_quick({"train", "--data", big.fileName()}),
                         "pairs.txt: larger than the 256 MB limit of a sentence-pair file");
        const Run help = run_quick({"train", "--help"});
        for (const char* limit : {"256 MB", "500000 examples", "100000000 padded tokens", "250000 tokens a batch",
                                  "steps at most 1000"})
            QVERIFY2(help.out.contains(limit), limit);
    }

    void modelNumStepsIsBounded()
    {
        QTemporaryDir dir;
        const QString model = model_with_num_steps(dir, QStringLiteral("1000000000"));
        expect_bad_input(run_quick({"translate", "--model", model, "the cat ."}), "num_steps");
        expect_bad_input(run_quick({"screenshot", "--seq2seq", "--model", model, "--out", dir.filePath("x.png")}),
                         "num_steps");
        QVERIFY(!QFile::exists(dir.filePath("x.png")));
        // The option overrides the model's own length, within the limit.
        const QString fine = model_with_num_steps(dir, QStringLiteral("10"));
        QCOMPARE(run_quick({"translate", "--model", fine, "the cat ."}).exit_code, 0);
    }

    void screenshotSizeIsBoundedInEveryMode_data()
    {
        QTest::addColumn<QStringList>("mode");
        QTest::newRow("playground") << QStringList{"--preset", "dot"};
        QTest::newRow("seq2seq") << QStringList{"--seq2seq"};
        QTest::newRow("inspector") << QStringList{"--open", kAttention};
    }

    void screenshotSizeIsBoundedInEveryMode()
    {
        QFETCH(QStringList, mode);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("x.png"));
        expect_bad_input(run_quick(QStringList{"screenshot"} + mode + QStringList{"--out", out, "--size", "30000x30000"}),
                         "--size: 30000x30000 is over the limit of 8192x8192");
        expect_bad_input(run_quick(QStringList{"screenshot"} + mode + QStringList{"--out", out, "--size=100x8193"}),
                         "over the limit of 8192x8192");
        QVERIFY(!QFile::exists(out));
        QVERIFY(run_quick(QStringList{"screenshot"} + mode + QStringList{"--help"}).out.contains("at most 8192x8192"));
    }

    void endlessInputIsReadWithACap()
    {
        // Standard input that never ends: refused once past the cap, not read whole.
        const Run zero = run_with({"compute", "-"}, [](QProcess& p) { p.setStandardInputFile("/dev/zero"); });
        expect_bad_input(zero, "stdin: larger than the 64 MB limit of a session");
        // A device named as the file: refused before reading.
        expect_bad_input(run_quick({"compute", "/dev/zero"}), "/dev/zero: is a device, not a regular file");
        // A regular file over the cap (sparse: no disk written): refused by its size.
        QTemporaryDir dir;
        QFile big(dir.filePath(QStringLiteral("big.json")));
        QVERIFY(big.open(QIODevice::WriteOnly) && big.resize(64'000'001));
        big.close();
        expect_bad_input(run_quick({"compute", big.fileName()}), "big.json: larger than the 64 MB limit of a session");
        QVERIFY(run_quick({"compute", "--help"}).out.contains("64 MB"));
    }

    void fifosAndDirectoriesAreRefusedAtOnce_data()
    {
        QTest::addColumn<QStringList>("args");  // FILE stands for the FIFO or the directory
        QTest::newRow("compute") << QStringList{"compute", "FILE"};
        QTest::newRow("inspect") << QStringList{"inspect", "FILE"};
        QTest::newRow("translate") << QStringList{"translate", "--model", "FILE", "a"};
        QTest::newRow("train") << QStringList{"train", "--data", "FILE"};
        QTest::newRow("screenshot --open") << QStringList{"screenshot", "--open", "FILE", "--out", "OUT"};
        QTest::newRow("screenshot --session") << QStringList{"screenshot", "--session", "FILE", "--out", "OUT"};
        QTest::newRow("screenshot --seq2seq") << QStringList{"screenshot", "--seq2seq", "--model", "FILE", "--out", "OUT"};
    }

    void fifosAndDirectoriesAreRefusedAtOnce()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("pipe"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        const QString folder = dir.filePath(QStringLiteral("folder.json"));
        QVERIFY(QDir().mkdir(folder));
        const QString out = dir.filePath(QStringLiteral("x.png"));
        auto with = [&](const QString& file) {
            QStringList a = args;
            a.replaceInStrings(QRegularExpression(QStringLiteral("^FILE$")), file);
            a.replaceInStrings(QRegularExpression(QStringLiteral("^OUT$")), out);
            return a;
        };
        // Nobody writes to the FIFO: opening it for reading would block for ever.
        expect_bad_input(run_with(with(fifo), [](QProcess&) {}, 30000), "pipe: is a FIFO (named pipe), not a regular file");
        expect_bad_input(run_quick(with(folder)), "folder.json: is a directory");
        QVERIFY(!QFile::exists(out));
    }

    void runningOutOfMemoryIsOneLineAndExitTwo()
    {
#ifdef ATTNVIZ_TEST_ASAN
        QSKIP("AddressSanitizer cannot run under an address-space limit (RLIMIT_AS)");
#endif
        // 8192 one-number queries: a legal session whose 8192 x 8192 result needs gigabytes.
        // The child may map at most 1.5 GB, so the allocation fails here on any machine.
        QTemporaryDir dir;
        QByteArray session = R"({"format": "attnviz-session", "version": 1, "variant": "dot", "queries": [)";
        for (int i = 0; i < 8192; ++i) session += (i ? ",[" : "[") + QByteArray::number(i % 7) + "]";
        session += "]}";
        QFile f(dir.filePath(QStringLiteral("wide.json")));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(session) == session.size());
        f.close();
        const Run r = run_with({"compute", "--compact", f.fileName()}, [](QProcess& p) {
            p.setChildProcessModifier([] {
                const rlimit limit{1'500'000'000, 1'500'000'000};
                ::setrlimit(RLIMIT_AS, &limit);
            });
        });
        expect_bad_input(r, "not enough memory for 8192x8192 attention weights (about ");
    }
};

QTEST_GUILESS_MAIN(TestCliLimits)
#include "test_cli_limits.moc"
