// SPDX-License-Identifier: GPL-3.0-or-later
// The bar shown above the views when the open file changes on disk (np.save to the same path
// rewrites it in place; another program may replace it), with a "Reopen" button. The window
// keeps running whatever happened to the file: a part cut off reads as zeros (see
// io::MappedFile), and this bar says why the values may be wrong.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace attnviz::inspector {

class FileChangedBanner : public QFrame {
    Q_OBJECT

public:
    explicit FileChangedBanner(QWidget* parent = nullptr);

    // Shows `message` (one sentence naming the file); an empty message hides the bar.
    void setMessage(const QString& message);
    QString text() const;
    QPushButton* reopenButton() const { return m_reopen; }

signals:
    void reopenRequested();

private:
    QLabel* m_text;
    QPushButton* m_reopen;
};

}  // namespace attnviz::inspector
