// SPDX-License-Identifier: GPL-3.0-or-later
// The one ending of every command (app/shell/command.hpp): what each kind of exception becomes
// (exit status and the one line on standard error), and which MemoryDemand a failed allocation
// names.
#include "shell/command.hpp"

#include <QTemporaryFile>
#include <QTest>

#include <cstdio>
#include <functional>
#include <new>
#include <stdexcept>

#include <unistd.h>

using attnviz::shell::finish;
using attnviz::shell::MemoryDemand;

namespace {

struct Ending {
    int status = -1;
    QByteArray err;  // what was written to standard error
};

// Runs finish("demo", body) with standard error sent to a temporary file.
Ending run(const std::function<int()>& body)
{
    QTemporaryFile file;
    if (!file.open()) qFatal("cannot create a temporary file");
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(file.handle(), STDERR_FILENO);
    Ending e;
    e.status = finish(QStringLiteral("demo"), body);
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    file.seek(0);
    e.err = file.readAll();
    return e;
}

}  // namespace

class TestCommandEnding : public QObject {
    Q_OBJECT

private slots:
    void statusOfTheBodyWhenNothingIsThrown()
    {
        const Ending e = run([] { return 0; });
        QCOMPARE(e.status, 0);
        QVERIFY(e.err.isEmpty());
    }

    void badInputIsTwoOnOneLine()
    {
        const Ending e = run([]() -> int { throw std::invalid_argument("x.json: line 2\nand more"); });
        QCOMPARE(e.status, 2);
        QCOMPARE(e.err, QByteArray("attnviz demo: x.json: line 2 and more\n"));
    }

    void otherFailuresAreOne()
    {
        QCOMPARE(run([]() -> int { throw std::runtime_error("disk full"); }).err,
                 QByteArray("attnviz demo: disk full\n"));
        QCOMPARE(run([]() -> int { throw std::runtime_error("disk full"); }).status, 1);
        QCOMPARE(run([]() -> int { throw 42; }).status, 1);
    }

    void runningOutOfMemoryNamesTheInnermostDemand()
    {
        const Ending e = run([]() -> int {
            const MemoryDemand outer("a 3000x3000 screenshot", 144e6);
            {
                const MemoryDemand done("something that fitted", 1e3);  // ended normally: not named
            }
            const MemoryDemand inner("8192x8192 attention weights", 8.6e9);
            throw std::bad_alloc();
        });
        QCOMPARE(e.status, 2);
        QCOMPARE(e.err, QByteArray("attnviz demo: not enough memory for 8192x8192 attention weights (about 8.6 GB)\n"));

        // Without a demand, and a std::length_error (a vector asked for more than can exist).
        QCOMPARE(run([]() -> int { throw std::bad_alloc(); }).err,
                 QByteArray("attnviz demo: not enough memory for what the input asks\n"));
        const Ending length = run([]() -> int {
            const MemoryDemand d("the 100000x100000 matrix as JSON", 1e12);
            throw std::length_error("vector::reserve");
        });
        QCOMPARE(length.status, 2);
        QCOMPARE(length.err, QByteArray("attnviz demo: not enough memory for the 100000x100000 matrix as JSON (about 1.0 TB)\n"));
    }

    void aDemandFromAnEarlierRunIsForgotten()
    {
        run([]() -> int {
            const MemoryDemand d("old", 1e9);
            throw std::bad_alloc();
        });
        QCOMPARE(run([]() -> int { throw std::bad_alloc(); }).err,
                 QByteArray("attnviz demo: not enough memory for what the input asks\n"));
    }
};

QTEST_APPLESS_MAIN(TestCommandEnding)
#include "test_command_ending.moc"
