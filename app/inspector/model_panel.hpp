// SPDX-License-Identifier: GPL-3.0-or-later
// The model tab: the thumbnail grid of every layer × head, in a scroll area for deep models.
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QScrollArea;

namespace attnviz::widgets {
class ThumbnailGridWidget;
}

namespace attnviz::inspector {

struct LoadedFile;

class ModelPanel : public QWidget {
    Q_OBJECT

public:
    explicit ModelPanel(QWidget* parent = nullptr);

    void setFile(const std::shared_ptr<const LoadedFile>& file);
    widgets::ThumbnailGridWidget* grid() const { return m_grid; }

signals:
    void headClicked(int layer, int head);

private:
    QLabel* m_caption;
    QScrollArea* m_scroll;
    widgets::ThumbnailGridWidget* m_grid;
};

}  // namespace attnviz::inspector
