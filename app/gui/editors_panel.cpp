// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/editors_panel.hpp"

#include "playground/playground_document.hpp"

#include "attnviz/widgets/matrix_editor.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QAction>
#include <QMenu>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace attnviz::gui {

using widgets::MatrixEditor;
using widgets::MatrixTableModel;

EditorsPanel::EditorsPanel(playground::PlaygroundDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), tabs_(new QTabWidget(this)),
      addButton_(new QToolButton(tabs_)), addMenu_(new QMenu(addButton_))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    tabs_->setDocumentMode(true);
    tabs_->setUsesScrollButtons(true);
    layout->addWidget(tabs_);

    // Distinct seeds: "Fill random" on Q and K with one seed would make them equal.
    q_ = makeEditor(document->queriesModel(), tr("Q — queries"),
                    tr("Queries: one row per query token"), 101);
    k_ = makeEditor(document->keysModel(), tr("K — keys"), tr("Keys: one row per key token"), 202);
    v_ = makeEditor(document->valuesModel(), tr("V — values"),
                    tr("Values: one row per key token, mixed by the weights into the output"), 303);
    tabs_->addTab(q_, QStringLiteral("Q"));
    tabs_->addTab(k_, QStringLiteral("K"));
    tabs_->addTab(v_, QStringLiteral("V"));
    for (int i = 0; i < 3; ++i)
        tabs_->setTabToolTip(i, static_cast<MatrixEditor*>(tabs_->widget(i))->toolTip());

    addButton_->setObjectName(QStringLiteral("addOptionalParameterButton"));
    // The arrow is part of the text: the style's menu indicator sits in the button's bottom
    // corner, which the tab bar's height cuts off.
    addButton_->setText(tr("+ Optional ▾"));
    addButton_->setStyleSheet(QStringLiteral("QToolButton::menu-indicator { image: none; width: 0px; }"));
    addButton_->setPopupMode(QToolButton::InstantPopup);
    addButton_->setMenu(addMenu_);
    addButton_->setAutoRaise(true);
    addMenu_->setToolTipsVisible(true);
    tabs_->setCornerWidget(addButton_, Qt::TopRightCorner);

    connect(document_, &playground::PlaygroundDocument::parameterModelsChanged, this,
            &EditorsPanel::rebuildParameterTabs);
    rebuildParameterTabs();
}

MatrixEditor* EditorsPanel::makeEditor(MatrixTableModel* model, const QString& title,
                                       const QString& toolTip, quint64 seed)
{
    auto* editor = new MatrixEditor(this);
    editor->setModel(model);
    editor->setTitle(title);
    editor->setToolTip(toolTip);
    editor->setRandomSeed(seed);
    connect(editor, &MatrixEditor::importRequested, this,
            [this, editor] { emit importRequested(editor->model()); });
    connect(editor, &MatrixEditor::exportRequested, this,
            [this, editor] { emit exportRequested(editor->model()); });
    return editor;
}

void EditorsPanel::rebuildParameterTabs()
{
    // Keep the user on the same tab name when it survives (Q stays Q, W_q stays W_q).
    const QString currentName = tabs_->tabText(tabs_->currentIndex());
    for (MatrixEditor* e : params_) {
        tabs_->removeTab(tabs_->indexOf(e));
        e->setModel(nullptr);
        e->deleteLater();
    }
    params_.clear();
    quint64 seed = 1000;
    for (const playground::ParameterSlot& slot : document_->parameters()) {
        QString title = slot.name + QStringLiteral(" — ") + slot.meaning;
        if (slot.optional) title += tr(" (optional)");
        MatrixEditor* e = makeEditor(slot.model, title, slot.meaning, seed += 97);
        if (slot.optional) e->addTitleAction(makeRemoveAction(e, slot.name));
        params_ << e;
        const int index = tabs_->addTab(e, slot.name);
        tabs_->setTabToolTip(index, slot.meaning);
    }
    for (int i = 0; i < tabs_->count(); ++i)
        if (tabs_->tabText(i) == currentName) tabs_->setCurrentIndex(i);
    rebuildAddMenu();
}

QAction* EditorsPanel::makeRemoveAction(MatrixEditor* editor, const QString& name)
{
    auto* remove = new QAction(tr("Remove %1").arg(name), editor);  // goes with its editor
    remove->setObjectName(QStringLiteral("removeOptionalParameter"));
    const QString blocked = document_->cannotRemoveReason(name);
    remove->setEnabled(blocked.isEmpty());
    remove->setToolTip(blocked.isEmpty()
                           ? tr("Leave the optional %1 out of the parameters, as if it were never "
                                "given (Ctrl+Z brings it back with its values)").arg(name)
                           : blocked);
    remove->setStatusTip(remove->toolTip());
    // The document rebuilds the tabs from inside this slot: the editor goes by deleteLater.
    connect(remove, &QAction::triggered, this, [this, name] { document_->removeOptionalParameter(name); });
    return remove;
}

QAction* EditorsPanel::removeAction(MatrixEditor* editor) const
{
    return editor ? editor->findChild<QAction*>(QStringLiteral("removeOptionalParameter"),
                                                Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void EditorsPanel::rebuildAddMenu()
{
    // Not QMenu::clear(): it deletes at once, and this runs inside an action's triggered().
    for (QAction* a : addMenu_->actions()) {
        addMenu_->removeAction(a);
        a->deleteLater();
    }
    const QStringList absent = document_->absentOptionalParameters();
    for (const QString& name : absent) {
        QAction* add = addMenu_->addAction(name + QStringLiteral(" — ") + document_->parameterMeaning(name));
        add->setData(name);
        const QString blocked = document_->cannotAddReason(name);
        add->setEnabled(blocked.isEmpty());
        add->setToolTip(blocked.isEmpty()
                            ? tr("Add %1 at a value that leaves the result unchanged: zeros for a "
                                 "bias, the identity for a projection. Then edit it.").arg(name)
                            : blocked);
        connect(add, &QAction::triggered, this, [this, name] { document_->addOptionalParameter(name); });
    }
    addButton_->setEnabled(!absent.isEmpty());
    addButton_->setToolTip(absent.isEmpty()
                               ? tr("This variant has no optional parameter left to add")
                               : tr("Add an optional parameter the session leaves out (a bias, or "
                                    "an output projection), undoably"));
}

MatrixEditor* EditorsPanel::currentEditor() const
{
    return qobject_cast<MatrixEditor*>(tabs_->currentWidget());
}

}  // namespace attnviz::gui
