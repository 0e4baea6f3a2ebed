// SPDX-License-Identifier: GPL-3.0-or-later
// The Editors dock: one tab per matrix — Q, K, V, then each learned parameter of the current
// variant. Parameter tabs are rebuilt on PlaygroundDocument::parameterModelsChanged (the
// document deletes old parameter models on load, so editors never keep a dangling model).
// The tab bar's corner holds "+ Optional", a menu of the variant's absent optional parameters
// (biases, W_o, ...); each optional parameter's editor has a "Remove" button beside its title.
// Both are document edits, so Ctrl+Z undoes them.
#pragma once

#include <QList>
#include <QWidget>

class QAction;
class QMenu;
class QTabWidget;
class QToolButton;

namespace attnviz::playground {
class PlaygroundDocument;
}
namespace attnviz::widgets {
class MatrixEditor;
class MatrixTableModel;
}  // namespace attnviz::widgets

namespace attnviz::gui {

class EditorsPanel : public QWidget {
    Q_OBJECT

public:
    explicit EditorsPanel(playground::PlaygroundDocument* document, QWidget* parent = nullptr);

    QTabWidget* tabs() const { return tabs_; }
    widgets::MatrixEditor* queriesEditor() const { return q_; }
    widgets::MatrixEditor* keysEditor() const { return k_; }
    widgets::MatrixEditor* valuesEditor() const { return v_; }
    QList<widgets::MatrixEditor*> parameterEditors() const { return params_; }
    // Opens the menu of absent optional parameters; each action's data() is the name ("b_q").
    QToolButton* addOptionalButton() const { return addButton_; }
    // The action of the "Remove b_q" button on an optional parameter's editor; nullptr for
    // required ones.
    QAction* removeAction(widgets::MatrixEditor* editor) const;
    // The editor in the visible tab (File ▸ Export matrix uses it).
    widgets::MatrixEditor* currentEditor() const;

signals:
    void importRequested(widgets::MatrixTableModel* model);
    void exportRequested(widgets::MatrixTableModel* model);

private:
    widgets::MatrixEditor* makeEditor(widgets::MatrixTableModel* model, const QString& title,
                                      const QString& toolTip, quint64 seed);
    void rebuildParameterTabs();
    void rebuildAddMenu();
    QAction* makeRemoveAction(widgets::MatrixEditor* editor, const QString& name);

    playground::PlaygroundDocument* document_;
    QTabWidget* tabs_;
    widgets::MatrixEditor* q_;
    widgets::MatrixEditor* k_;
    widgets::MatrixEditor* v_;
    QList<widgets::MatrixEditor*> params_;
    QToolButton* addButton_;
    QMenu* addMenu_;
};

}  // namespace attnviz::gui
