// SPDX-License-Identifier: GPL-3.0-or-later
// The head view tab: choose a layer and some of its heads (each with its colour) and a weight
// threshold; the HeadLinesWidget below draws query → key lines in a scroll area.
#pragma once

#include <QWidget>

#include <memory>

class QDoubleSpinBox;
class QListWidget;
class QScrollArea;
class QSpinBox;

namespace attnviz::widgets {
class HeadLinesWidget;
}

namespace attnviz::inspector {

struct LoadedFile;

class HeadViewPanel : public QWidget {
    Q_OBJECT

public:
    explicit HeadViewPanel(QWidget* parent = nullptr);

    void setFile(std::shared_ptr<const LoadedFile> file);
    void setLayer(int layer);
    int layer() const;
    // Which heads are drawn (checked in the list).
    void setHeadsShown(const QList<int>& heads);
    QList<int> headsShown() const;
    widgets::HeadLinesWidget* lines() const { return m_lines; }
    QScrollArea* scrollArea() const { return m_scroll; }

private:
    void refresh();

    std::shared_ptr<const LoadedFile> m_file;
    QSpinBox* m_layer;
    QListWidget* m_heads;
    QDoubleSpinBox* m_threshold;
    QScrollArea* m_scroll;
    widgets::HeadLinesWidget* m_lines;
    bool m_updating = false;
};

}  // namespace attnviz::inspector
