// SPDX-License-Identifier: GPL-3.0-or-later
// The one typed settings layer of the application. Every key lives in this class (keys are
// defined once, in app_settings.cpp); nothing else in the program touches QSettings, so a key
// cannot be misspelt in one place and a default cannot differ between two readers.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace attnviz::playground {

class AppSettings {
public:
    enum class Palette { System, Light, Dark };

    static constexpr int kMaxRecentFiles = 10;
    static constexpr int kDefaultAutosaveSeconds = 30;

    // The application's QSettings (organisation/application names set by gui_main).
    AppSettings();
    // Reads and writes `settings`, which is not owned and must outlive this object. Tests pass
    // a QSettings on an INI file in a temporary directory, never the user's real settings.
    explicit AppSettings(QSettings* settings);
    ~AppSettings();
    AppSettings(const AppSettings&) = delete;
    AppSettings& operator=(const AppSettings&) = delete;

    // QMainWindow::saveGeometry()/saveState() blobs; empty when never saved.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);

    // Heatmap colormap by name (widgets/colormaps.hpp); default "viridis".
    QString colormapName() const;
    void setColormapName(const QString& name);

    // Heatmap colour range: false = fixed [0, 1] (the default), true = the data's range.
    bool autoscale() const;
    void setAutoscale(bool on);

    // Stored as "system", "light" or "dark"; anything else reads as System.
    Palette palette() const;
    void setPalette(Palette palette);
    static QString paletteName(Palette palette);
    static Palette paletteFromName(const QString& name);

    // The directory file dialogs open in; defaults to the home directory.
    QString lastDirectory() const;
    void setLastDirectory(const QString& directory);

    // The Hugging Face checkpoint folder the model window opened last; empty when none.
    QString lastModelFolder() const;
    void setLastModelFolder(const QString& folder);

    // Seconds between autosaves; default 30, 0 = autosave off. Negative values read as 0.
    int autosaveIntervalSeconds() const;
    void setAutosaveIntervalSeconds(int seconds);

    // ---- recent files: most recent first, at most kMaxRecentFiles, absolute paths ----------
    // The stored list with files that no longer exist left out (the stored list is pruned too,
    // so a vanished file does not keep its slot).
    QStringList recentFiles();
    // Moves (or inserts) `path` to the front, drops duplicates, the oldest beyond the maximum
    // and missing files.
    void addRecentFile(const QString& path);
    void removeRecentFile(const QString& path);
    void clearRecentFiles();

    // ---- lessons (app/lessons/): tasks done, as "lesson-id#task" (task from 1), and the lesson shown
    QStringList lessonTasksDone() const;
    void setLessonTasksDone(const QStringList& done);
    QString currentLesson() const;
    void setCurrentLesson(const QString& id);

    void sync();

private:
    std::unique_ptr<QSettings> owned_;
    QSettings* settings_ = nullptr;
};

}  // namespace attnviz::playground
