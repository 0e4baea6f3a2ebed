// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/builtin_models.hpp"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace attnviz::lessons {

namespace {
const QString kRoot = QStringLiteral(":/models");
}

QStringList builtinModelNames()
{
    // A shipped model is a resource folder with a config.json (toy-fr.safetensors is a file).
    QStringList names;
    for (const QString& entry : QDir(kRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (QFile::exists(kRoot + QLatin1Char('/') + entry + QStringLiteral("/config.json"))) names << entry;
    return names;
}

QString installBuiltinModel(const QString& name, QString* error)
{
    auto fail = [&](const QString& message) {
        if (error) *error = message;
        return QString();
    };
    if (!builtinModelNames().contains(name))
        return fail(QObject::tr("no built-in model \"%1\" (known: %2)").arg(name, builtinModelNames().join(QStringLiteral(", "))));
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (base.isEmpty()) return fail(QObject::tr("there is no data folder to put the model in"));
    const QDir target(base + QStringLiteral("/models/") + name);
    if (!QDir().mkpath(target.path())) return fail(QObject::tr("cannot make the folder %1").arg(target.path()));
    const QDir source(kRoot + QLatin1Char('/') + name);
    for (const QString& file : source.entryList(QDir::Files, QDir::Name)) {
        QFile in(source.filePath(file));
        if (!in.open(QIODevice::ReadOnly)) return fail(QObject::tr("cannot read the built-in %1").arg(file));
        const QByteArray bytes = in.readAll();
        QFile existing(target.filePath(file));
        if (existing.open(QIODevice::ReadOnly) && existing.size() == bytes.size() && existing.readAll() == bytes) continue;
        existing.close();
        // Written whole or not at all: a model window may be mapping the old file.
        QSaveFile out(target.filePath(file));
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
            return fail(QObject::tr("cannot write %1: %2").arg(target.filePath(file), out.errorString()));
    }
    return target.path();
}

}  // namespace attnviz::lessons
