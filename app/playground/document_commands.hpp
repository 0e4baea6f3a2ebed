// SPDX-License-Identifier: GPL-3.0-or-later
// The undo commands of PlaygroundDocument (cell edits are MatrixTableModel's own commands).
// Each stores the exact before and after values: undo never recomputes anything.
#pragma once

#include "playground/playground_document.hpp"

#include <QPointer>
#include <QUndoCommand>

namespace attnviz::playground::detail {

// Base: reaches the document's private apply* primitives; does nothing once it is gone.
class DocumentCommand : public QUndoCommand {
public:
    DocumentCommand(PlaygroundDocument* doc, const QString& text) : doc_(doc) { setText(text); }

protected:
    using ParamValues = PlaygroundDocument::ParamValues;
    using ParamEntry = PlaygroundDocument::ParamEntry;
    PlaygroundDocument* doc() const { return doc_.data(); }
    static void applyVariant(PlaygroundDocument* d, Variant v) { d->applyVariant(v); }
    static void applyTemperature(PlaygroundDocument* d, double t) { d->applyTemperature(t); }
    static void applyMask(PlaygroundDocument* d, const MaskSpec& m) { d->applyMask(m); }
    static void applyHyper(PlaygroundDocument* d, const ParamHyper& h, const ParamValues& v)
    {
        d->applyHyper(h, v);
    }
    static void attachParameter(PlaygroundDocument* d, Variant v, std::size_t position, ParamEntry e)
    {
        d->attachParameter(v, position, std::move(e));
    }
    static ParamEntry detachParameter(PlaygroundDocument* d, Variant v, const std::string& name)
    {
        return d->detachParameter(v, name);
    }

private:
    QPointer<PlaygroundDocument> doc_;
};

class VariantCommand final : public DocumentCommand {
public:
    VariantCommand(PlaygroundDocument* doc, Variant before, Variant after);
    void redo() override;
    void undo() override;

private:
    Variant before_, after_;
};

// Merges with the temperature command right before it (a slider drag is one undo step).
class TemperatureCommand final : public DocumentCommand {
public:
    static constexpr int kId = 0x41565401;  // "AVT" + 1: unique among the stack's commands
    TemperatureCommand(PlaygroundDocument* doc, double before, double after);
    void redo() override;
    void undo() override;
    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    double before_, after_;
};

class MaskCommand final : public DocumentCommand {
public:
    MaskCommand(PlaygroundDocument* doc, MaskSpec before, MaskSpec after, const QString& text);
    void redo() override;
    void undo() override;

private:
    MaskSpec before_, after_;
};

// Hidden size, heads, seed or "regenerate": new hyper-parameters and the parameter values
// regenerated from them, with both sides snapshotted.
class HyperCommand final : public DocumentCommand {
public:
    HyperCommand(PlaygroundDocument* doc, ParamHyper beforeHyper, ParamValues beforeValues,
                 ParamHyper afterHyper, ParamValues afterValues, const QString& text);
    void redo() override;
    void undo() override;

private:
    ParamHyper beforeHyper_, afterHyper_;
    ParamValues beforeValues_, afterValues_;
};

// Adds or removes one optional tensor (b_q, W_o, ...) of one variant's parameter set. The entry,
// spec and model, moves between the set and this command, so undo re-attaches the very same
// model at the same position and the cell edits recorded on it stay valid. While the entry is
// detached the command owns its model and deletes it with itself (the history that could bring
// it back is then gone).
class OptionalParameterCommand final : public DocumentCommand {
public:
    // `adding`: redo attaches `entry` at `position`; else redo detaches it (it is there now).
    OptionalParameterCommand(PlaygroundDocument* doc, Variant variant, std::size_t position,
                             ParamEntry entry, bool adding, const QString& text);
    ~OptionalParameterCommand() override;
    void redo() override;
    void undo() override;

private:
    void attach();
    void detach();

    Variant variant_;
    std::size_t position_;  // index in the set's entries, which follow the spec order
    ParamEntry entry_;
    QPointer<widgets::MatrixTableModel> model_;  // entry_.model, watched
    bool adding_;
    bool attached_;
};

}  // namespace attnviz::playground::detail
