// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/app_settings.hpp"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace attnviz::playground {

namespace {

// Every key of the program, once. Groups keep the INI file readable.
namespace key {
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kColormap = QStringLiteral("view/colormap");
const QString kAutoscale = QStringLiteral("view/autoscale");
const QString kPalette = QStringLiteral("view/palette");
const QString kLastDirectory = QStringLiteral("files/lastDirectory");
const QString kLastModelFolder = QStringLiteral("files/lastModelFolder");
const QString kRecentFiles = QStringLiteral("files/recent");
const QString kAutosaveSeconds = QStringLiteral("files/autosaveIntervalSeconds");
const QString kLessonTasksDone = QStringLiteral("lessons/tasksDone");
const QString kCurrentLesson = QStringLiteral("lessons/current");
}  // namespace key

const QString kDefaultColormap = QStringLiteral("viridis");

QString normalised(const QString& path) { return QDir::cleanPath(QFileInfo(path).absoluteFilePath()); }

}  // namespace

AppSettings::AppSettings() : owned_(std::make_unique<QSettings>()), settings_(owned_.get()) {}

AppSettings::AppSettings(QSettings* settings) : settings_(settings) { Q_ASSERT(settings); }

AppSettings::~AppSettings() = default;

QByteArray AppSettings::windowGeometry() const { return settings_->value(key::kGeometry).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& g) { settings_->setValue(key::kGeometry, g); }

QByteArray AppSettings::windowState() const { return settings_->value(key::kState).toByteArray(); }
void AppSettings::setWindowState(const QByteArray& s) { settings_->setValue(key::kState, s); }

QString AppSettings::colormapName() const
{
    const QString name = settings_->value(key::kColormap, kDefaultColormap).toString();
    return name.isEmpty() ? kDefaultColormap : name;
}
void AppSettings::setColormapName(const QString& name) { settings_->setValue(key::kColormap, name); }

bool AppSettings::autoscale() const { return settings_->value(key::kAutoscale, false).toBool(); }
void AppSettings::setAutoscale(bool on) { settings_->setValue(key::kAutoscale, on); }

QString AppSettings::paletteName(Palette p)
{
    switch (p) {
    case Palette::Light: return QStringLiteral("light");
    case Palette::Dark: return QStringLiteral("dark");
    case Palette::System: break;
    }
    return QStringLiteral("system");
}

AppSettings::Palette AppSettings::paletteFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("light")) return Palette::Light;
    if (n == QLatin1String("dark")) return Palette::Dark;
    return Palette::System;
}

AppSettings::Palette AppSettings::palette() const
{
    return paletteFromName(settings_->value(key::kPalette).toString());
}
void AppSettings::setPalette(Palette p) { settings_->setValue(key::kPalette, paletteName(p)); }

QString AppSettings::lastDirectory() const
{
    const QString dir = settings_->value(key::kLastDirectory).toString();
    return dir.isEmpty() ? QDir::homePath() : dir;
}
void AppSettings::setLastDirectory(const QString& d) { settings_->setValue(key::kLastDirectory, d); }

QString AppSettings::lastModelFolder() const { return settings_->value(key::kLastModelFolder).toString(); }
void AppSettings::setLastModelFolder(const QString& folder) { settings_->setValue(key::kLastModelFolder, folder); }

int AppSettings::autosaveIntervalSeconds() const
{
    bool ok = false;
    const int s = settings_->value(key::kAutosaveSeconds, kDefaultAutosaveSeconds).toInt(&ok);
    return ok ? std::max(s, 0) : kDefaultAutosaveSeconds;
}
void AppSettings::setAutosaveIntervalSeconds(int s) { settings_->setValue(key::kAutosaveSeconds, std::max(s, 0)); }

QStringList AppSettings::recentFiles()
{
    const QStringList stored = settings_->value(key::kRecentFiles).toStringList();
    QStringList out;
    for (const QString& p : stored)
        if (!p.isEmpty() && QFileInfo::exists(p) && !out.contains(p)) out << p;
    while (out.size() > kMaxRecentFiles) out.removeLast();
    if (out != stored) settings_->setValue(key::kRecentFiles, out);
    return out;
}

void AppSettings::addRecentFile(const QString& path)
{
    if (path.isEmpty()) return;
    const QString p = normalised(path);
    QStringList list = recentFiles();
    list.removeAll(p);
    list.prepend(p);
    while (list.size() > kMaxRecentFiles) list.removeLast();
    settings_->setValue(key::kRecentFiles, list);
}

void AppSettings::removeRecentFile(const QString& path)
{
    QStringList list = settings_->value(key::kRecentFiles).toStringList();
    list.removeAll(normalised(path));
    list.removeAll(path);
    settings_->setValue(key::kRecentFiles, list);
}

void AppSettings::clearRecentFiles() { settings_->remove(key::kRecentFiles); }

QStringList AppSettings::lessonTasksDone() const { return settings_->value(key::kLessonTasksDone).toStringList(); }
void AppSettings::setLessonTasksDone(const QStringList& done)
{
    if (done.isEmpty()) settings_->remove(key::kLessonTasksDone);
    else settings_->setValue(key::kLessonTasksDone, done);
}
QString AppSettings::currentLesson() const { return settings_->value(key::kCurrentLesson).toString(); }
void AppSettings::setCurrentLesson(const QString& id) { settings_->setValue(key::kCurrentLesson, id); }

void AppSettings::sync() { settings_->sync(); }

}  // namespace attnviz::playground
