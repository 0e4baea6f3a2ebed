// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/document_commands.hpp"

#include <cstring>

namespace attnviz::playground::detail {

VariantCommand::VariantCommand(PlaygroundDocument* doc, Variant before, Variant after)
    : DocumentCommand(doc, QObject::tr("Switch to %1")
                               .arg(QString::fromUtf8(variant_display_name(after).data(),
                                                      static_cast<qsizetype>(variant_display_name(after).size())))),
      before_(before), after_(after)
{
}

void VariantCommand::redo()
{
    if (auto* d = doc()) applyVariant(d, after_);
}

void VariantCommand::undo()
{
    if (auto* d = doc()) applyVariant(d, before_);
}

TemperatureCommand::TemperatureCommand(PlaygroundDocument* doc, double before, double after)
    : DocumentCommand(doc, QObject::tr("Temperature %1").arg(after)), before_(before), after_(after)
{
}

void TemperatureCommand::redo()
{
    if (auto* d = doc()) applyTemperature(d, after_);
}

void TemperatureCommand::undo()
{
    if (auto* d = doc()) applyTemperature(d, before_);
}

bool TemperatureCommand::mergeWith(const QUndoCommand* other)
{
    if (other->id() != id()) return false;
    after_ = static_cast<const TemperatureCommand*>(other)->after_;
    setText(QObject::tr("Temperature %1").arg(after_));
    // A drag that ends where it began changes nothing: drop the step altogether.
    setObsolete(std::memcmp(&before_, &after_, sizeof after_) == 0);
    return true;
}

MaskCommand::MaskCommand(PlaygroundDocument* doc, MaskSpec before, MaskSpec after, const QString& text)
    : DocumentCommand(doc, text), before_(std::move(before)), after_(std::move(after))
{
}

void MaskCommand::redo()
{
    if (auto* d = doc()) applyMask(d, after_);
}

void MaskCommand::undo()
{
    if (auto* d = doc()) applyMask(d, before_);
}

HyperCommand::HyperCommand(PlaygroundDocument* doc, ParamHyper beforeHyper, ParamValues beforeValues,
                           ParamHyper afterHyper, ParamValues afterValues, const QString& text)
    : DocumentCommand(doc, text), beforeHyper_(beforeHyper), afterHyper_(afterHyper),
      beforeValues_(std::move(beforeValues)), afterValues_(std::move(afterValues))
{
}

void HyperCommand::redo()
{
    if (auto* d = doc()) applyHyper(d, afterHyper_, afterValues_);
}

void HyperCommand::undo()
{
    if (auto* d = doc()) applyHyper(d, beforeHyper_, beforeValues_);
}

OptionalParameterCommand::OptionalParameterCommand(PlaygroundDocument* doc, Variant variant,
                                                   std::size_t position, ParamEntry entry,
                                                   bool adding, const QString& text)
    : DocumentCommand(doc, text), variant_(variant), position_(position), entry_(std::move(entry)),
      model_(entry_.model), adding_(adding), attached_(!adding)
{
}

OptionalParameterCommand::~OptionalParameterCommand()
{
    // Detached: undone after an add, or done after a remove, and this command is being dropped
    // (a new edit after undo, loadSession, the undo limit). Nothing can re-attach the model.
    if (!attached_ && model_) model_->deleteLater();  // a view may still hold it until it rebinds
}

void OptionalParameterCommand::redo() { adding_ ? attach() : detach(); }

void OptionalParameterCommand::undo() { adding_ ? detach() : attach(); }

void OptionalParameterCommand::attach()
{
    auto* d = doc();
    if (!d || attached_) return;
    attached_ = true;
    attachParameter(d, variant_, position_, entry_);
}

void OptionalParameterCommand::detach()
{
    auto* d = doc();
    if (!d || !attached_) return;
    attached_ = false;
    detachParameter(d, variant_, entry_.spec.name);
}

}  // namespace attnviz::playground::detail
