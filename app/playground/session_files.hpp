// SPDX-License-Identifier: GPL-3.0-or-later
// Reading and writing what the playground's File menu handles: session files, matrices
// imported into an editor (CSV/TSV/text or a 2-D .npy) and matrices exported as CSV.
// Plain functions, no widgets: every error comes back as one sentence that starts with the
// file's name ("broken.json: line 3, column 7: expected ','"), for a message box.
#pragma once

#include "attnviz/core/session.hpp"

#include <QString>

#include <optional>

namespace attnviz::playground {

class PlaygroundDocument;

struct SessionReadResult {
    std::optional<Session> session;
    QString error;  // empty exactly when `session` holds a value
    bool ok() const { return session.has_value(); }
};

struct MatrixReadResult {
    std::optional<Matrix> matrix;
    QString error;
    bool ok() const { return matrix.has_value(); }
};

// Parses (and checks by computing, as parse_session does) the session file at `path`. Nothing
// else is touched: the caller loads the session into its document only on success, so a
// broken file leaves the current session as it was.
SessionReadResult readSessionFile(const QString& path);

// File > Open: readSessionFile, then document.loadSession only when it succeeded. False with
// `error` set (and the document untouched) otherwise.
bool openSessionFile(PlaygroundDocument& document, const QString& path, QString* error = nullptr);

// Writes write_session(session) through QSaveFile: the old file stays intact until the new one
// is complete. parse of the result reproduces `session` bit for bit. False with `error` set.
bool writeSessionFile(const QString& path, const Session& session, QString* error = nullptr);

// A matrix from a file: ".npy" (float16/32/64, 1-D as one row or 2-D) by its magic bytes,
// anything else as text by widgets::parseMatrixText (CSV, TSV, ';', spaces, numpy printing).
// The window puts it into an editor with MatrixTableModel::replaceMatrix: one undo step, and
// refused (with a message) when the editor's shape is locked and the file's differs.
MatrixReadResult importMatrixFile(const QString& path);

// One row per line, values separated by ',', each in the shortest form that reads back to the
// same double. Written through QSaveFile.
bool exportMatrixCsv(const QString& path, const Matrix& matrix, QString* error = nullptr);
QString matrixToCsv(const Matrix& matrix);

// Writes `bytes` to `path` atomically (QSaveFile). Shared by the writers above and autosave.
bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error = nullptr);

}  // namespace attnviz::playground
