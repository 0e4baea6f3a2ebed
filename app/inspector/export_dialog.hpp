// SPDX-License-Identifier: GPL-3.0-or-later
// "Export view…": a file name (the suffix picks PNG, SVG or PDF) and the image's width and
// height in pixels (points for PDF).
#pragma once

#include <QDialog>
#include <QSize>

class QLineEdit;
class QSpinBox;

namespace attnviz::inspector {

class ExportDialog : public QDialog {
    Q_OBJECT

public:
    ExportDialog(const QString& suggestedPath, QSize suggestedSize, QWidget* parent = nullptr);

    QString path() const;
    QSize imageSize() const;

private:
    void browse();

    QLineEdit* m_path;
    QSpinBox* m_width;
    QSpinBox* m_height;
};

}  // namespace attnviz::inspector
