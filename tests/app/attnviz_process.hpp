// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the real `attnviz` executable as a user would, for the command-line tests.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTest>

namespace attnviz_test {

struct Run {
    int exit_code = -1;  // -1 when the process crashed or did not finish
    QByteArray out, err;
};

// `attnviz ARGS...` with `stdin_data` on standard input; waits up to `timeout_ms`.
inline Run run_attnviz(const QStringList& args, const QByteArray& stdin_data = {},
                       int timeout_ms = 120000)
{
    QProcess p;
    p.setProgram(QStringLiteral(ATTNVIZ_BIN_DIR "/attnviz"));
    p.setArguments(args);
    p.start();
    if (!p.waitForStarted()) qFatal("cannot start %s", ATTNVIZ_BIN_DIR "/attnviz");
    if (!stdin_data.isEmpty()) p.write(stdin_data);
    p.closeWriteChannel();
    p.waitForFinished(timeout_ms);
    Run r;
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// `attnviz screenshot ARGS`: its exit status (-1 on a crash), standard error in *err.
inline int run_screenshot(const QStringList& args, QByteArray* err = nullptr)
{
    const Run r = run_attnviz(QStringList{QStringLiteral("screenshot")} + args);
    if (err) *err = r.err;
    return r.exit_code;
}

// The JSON object in `text`; an empty object (and a warning) when it is not JSON.
inline QJsonObject parse_json_object(const QByteArray& text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) qWarning("not JSON: %s", text.constData());
    return doc.object();
}

// Bad input: exit status 2, nothing on stdout, exactly one line on stderr containing `part`.
// A failed check here marks the calling test function failed (QTest records it).
inline void expect_bad_input(const Run& r, const char* part)
{
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, r.err.constData());
    QVERIFY2(r.err.contains(part), r.err.constData());
}

}  // namespace attnviz_test
