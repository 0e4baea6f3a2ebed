// SPDX-License-Identifier: GPL-3.0-or-later
#include "presets.hpp"

#include <QDir>
#include <QFile>

#include <stdexcept>

namespace attnviz {

namespace {

// The qt_add_resources prefix "/" with BASE resources/ puts the files here.
const QString kPresetDir = QStringLiteral(":/presets");

}  // namespace

QStringList preset_names()
{
    QStringList names;
    for (const QString& file : QDir(kPresetDir).entryList({QStringLiteral("*.json")}, QDir::Files,
                                                          QDir::Name))
        names << file.chopped(5);  // drop ".json"
    names.sort();  // after dropping ".json", so that "d2l-additive" precedes "d2l-additive-6"
    const QString first = QString::fromLatin1(kDefaultPreset);
    if (names.removeOne(first)) names.prepend(first);
    return names;
}

QByteArray preset_json(const QString& name)
{
    // Only names from the list: a name such as "../x" must not reach the file system.
    if (!preset_names().contains(name)) return {};
    QFile file(kPresetDir + QLatin1Char('/') + name + QStringLiteral(".json"));
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

Session load_preset(const QString& name)
{
    const QByteArray text = preset_json(name);
    if (text.isEmpty())
        throw std::invalid_argument("unknown preset \"" + name.toStdString() + "\" (known: " +
                                    preset_names().join(QStringLiteral(", ")).toStdString() + ")");
    try {
        return parse_session(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    } catch (const std::invalid_argument& e) {
        // A shipped preset that does not parse is a bug of ours; say which file.
        throw std::invalid_argument("preset " + name.toStdString() + ": " + e.what());
    }
}

}  // namespace attnviz
