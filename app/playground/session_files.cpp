// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/session_files.hpp"

#include "attnviz/core/io/dtype.hpp"
#include "attnviz/core/io/npy.hpp"
#include "attnviz/widgets/matrix_text.hpp"
#include "playground/playground_document.hpp"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include "attnviz/core/atomic_write.hpp"

#include <cmath>
#include <exception>
#include <span>

namespace attnviz::playground {

namespace {

// Session files and imported matrices are typed by hand or exported from notebooks; anything
// beyond this is a mistake (a model checkpoint picked by accident), not a session.
constexpr qint64 kMaxReadBytes = qint64{512} * 1024 * 1024;

QString label(const QString& path) { return QFileInfo(path).fileName(); }

QString prefixed(const QString& path, const QString& message)
{
    return QStringLiteral("%1: %2").arg(label(path), message);
}

std::optional<QByteArray> readAll(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = prefixed(path, QObject::tr("cannot open: %1").arg(file.errorString()));
        return std::nullopt;
    }
    if (file.size() > kMaxReadBytes) {
        *error = prefixed(path, QObject::tr("too large (%1 MB)").arg(file.size() / (1024 * 1024)));
        return std::nullopt;
    }
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = prefixed(path, QObject::tr("cannot read: %1").arg(file.errorString()));
        return std::nullopt;
    }
    return bytes;
}

MatrixReadResult matrixFromNpy(const QString& path, const QByteArray& bytes)
{
    MatrixReadResult out;
    try {
        const std::span<const std::byte> file(reinterpret_cast<const std::byte*>(bytes.constData()),
                                              static_cast<std::size_t>(bytes.size()));
        const io::NpyHeader h = io::parse_npy_header(file, label(path).toStdString());
        if (h.shape.size() != 1 && h.shape.size() != 2) {
            out.error = prefixed(path, QObject::tr("expected a 1-D or 2-D array, got %1 dimensions")
                                           .arg(h.shape.size()));
            return out;
        }
        const Index rows = h.shape.size() == 2 ? h.shape[0] : 1;
        const Index cols = h.shape.back();
        const std::vector<std::int64_t> strides = h.strides();
        const std::int64_t rowStride = h.shape.size() == 2 ? strides[0] : 0;
        const std::int64_t colStride = strides.back();
        const std::size_t size = io::element_size(h.dtype);
        const std::byte* data = file.data() + h.data_offset;
        Matrix m(rows, cols);
        for (Index i = 0; i < rows; ++i)
            for (Index j = 0; j < cols; ++j) {
                const double v = io::load_as_double(data + static_cast<std::size_t>(i * rowStride + j * colStride) * size,
                                                    h.dtype, h.order);
                if (!std::isfinite(v)) {
                    out.error = prefixed(path, QObject::tr("row %1, column %2: %3 is not a finite number")
                                                   .arg(i + 1).arg(j + 1).arg(v));
                    return out;
                }
                m(i, j) = v;
            }
        out.matrix = std::move(m);
    } catch (const std::exception& e) {
        // parse_npy_header's messages already start with the file name.
        const QString msg = QString::fromUtf8(e.what());
        out.error = msg.startsWith(label(path)) ? msg : prefixed(path, msg);
    }
    return out;
}

}  // namespace

bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    // QSaveFile renames its temporary over the target: over a device or a FIFO that would turn
    // /dev/null into a regular file (tried). The core's check refuses what is not a regular file.
    try {
        files::check_save_target(path.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = prefixed(path, QObject::tr("cannot write: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error) *error = prefixed(path, QObject::tr("cannot write: %1").arg(file.errorString()));
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error) *error = prefixed(path, QObject::tr("cannot write: %1").arg(file.errorString()));
        return false;
    }
    return true;
}

SessionReadResult readSessionFile(const QString& path)
{
    SessionReadResult out;
    const std::optional<QByteArray> bytes = readAll(path, &out.error);
    if (!bytes) return out;
    try {
        out.session = parse_session(std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())));
    } catch (const std::exception& e) {
        // Syntax errors read "line 3, column 7: ..."; content errors start with the JSON path.
        out.error = prefixed(path, QString::fromUtf8(e.what()));
    }
    return out;
}

bool openSessionFile(PlaygroundDocument& document, const QString& path, QString* error)
{
    SessionReadResult r = readSessionFile(path);
    if (!r.ok()) {
        if (error) *error = r.error;
        return false;
    }
    document.loadSession(*r.session);
    return true;
}

bool writeSessionFile(const QString& path, const Session& session, QString* error)
{
    std::string text;
    try {
        text = write_session(session);
    } catch (const std::exception& e) {
        if (error) *error = prefixed(path, QString::fromUtf8(e.what()));
        return false;
    }
    return writeFileAtomically(path, QByteArray(text.data(), static_cast<qsizetype>(text.size())), error);
}

MatrixReadResult importMatrixFile(const QString& path)
{
    MatrixReadResult out;
    const std::optional<QByteArray> bytes = readAll(path, &out.error);
    if (!bytes) return out;
    if (bytes->startsWith("\x93NUMPY")) return matrixFromNpy(path, *bytes);
    if (bytes->contains('\0')) {
        out.error = prefixed(path, QObject::tr("not a text file nor a .npy array"));
        return out;
    }
    const widgets::MatrixParseResult parsed = widgets::parseMatrixText(QString::fromUtf8(*bytes));
    if (!parsed.ok()) {
        out.error = prefixed(path, parsed.error);
        return out;
    }
    out.matrix = *parsed.matrix;
    return out;
}

QString matrixToCsv(const Matrix& m)
{
    QString out;
    for (Index i = 0; i < m.rows(); ++i) {
        for (Index j = 0; j < m.cols(); ++j) {
            if (j) out += QLatin1Char(',');
            out += widgets::formatNumber(m(i, j));
        }
        out += QLatin1Char('\n');
    }
    return out;
}

bool exportMatrixCsv(const QString& path, const Matrix& m, QString* error)
{
    return writeFileAtomically(path, matrixToCsv(m).toUtf8(), error);
}

}  // namespace attnviz::playground
