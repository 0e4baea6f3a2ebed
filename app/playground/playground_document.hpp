// SPDX-License-Identifier: GPL-3.0-or-later
// The playground's editable session: Q, K, V and the variant's parameters as table models, plus
// variant, mask, temperature and the hyper-parameters that size generated parameters.
//
// Every change is one QUndoCommand on the document's QUndoStack: cell edits, pastes and
// insert/remove come from the MatrixTableModels (which push their own commands); everything
// else goes through the setters below. There is no way to change the document around the stack
// except loadSession(), which starts a new history.
#pragma once

#include "attnviz/core/session.hpp"
#include "attnviz/widgets/matrix_table_model.hpp"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace attnviz::playground {

namespace detail {
class DocumentCommand;
}

// One learned tensor of the current variant, for the window to build an editor.
struct ParameterSlot {
    QString name;     // "W_q"
    QString meaning;  // "query projection (h x d_q)", from the core's spec
    bool optional = false;
    widgets::MatrixTableModel* model = nullptr;  // owned by the document
};

class PlaygroundDocument : public QObject {
    Q_OBJECT

public:
    // Starts on a minimal 1 × 1 scaled-dot session; the window loads a preset or file next.
    explicit PlaygroundDocument(QObject* parent = nullptr);
    ~PlaygroundDocument() override;

    QUndoStack* undoStack() { return &undoStack_; }

    // Q, K, V: row labels are the tokens (V's rows are labelled like K's at load).
    widgets::MatrixTableModel* queriesModel() const { return queries_; }
    widgets::MatrixTableModel* keysModel() const { return keys_; }
    widgets::MatrixTableModel* valuesModel() const { return values_; }

    // The current variant's tensors, in the core's spec order; empty for dot and scaled_dot.
    // The models live until loadSession(); switching variant away and back returns the same
    // models (with their edits), so undo history that touches them stays valid. A removed
    // optional parameter's model is kept by its undo command (undo re-attaches it) and deleted
    // only once no history can bring it back.
    std::vector<ParameterSlot> parameters() const;
    widgets::MatrixTableModel* parameterModel(const QString& name) const;

    // Optional tensors of the current variant that parameters() does not hold, in spec order
    // (additive: b_q, b_k while absent). Includes those that cannot be added yet (b_o before
    // W_o): cannotAddReason() says why.
    QStringList absentOptionalParameters() const;
    // The core's meaning of a parameter of the current variant ("query bias (h), ..."), or empty.
    QString parameterMeaning(const QString& name) const;
    // Empty when addOptionalParameter(name) / removeOptionalParameter(name) would be accepted,
    // else the sentence they would reject with.
    QString cannotAddReason(const QString& name) const;
    QString cannotRemoveReason(const QString& name) const;

    Variant variant() const { return variant_; }
    // The mask as stored. toSession() crops or pads an explicit matrix to the current shape.
    const MaskSpec& mask() const { return mask_; }
    double temperature() const { return temperature_; }
    const ParamHyper& hyper() const { return hyper_; }
    QString name() const { return name_; }
    QString description() const { return description_; }

    // The rows of the result (and of the explicit mask): 1 for feed_forward, else Q's rows.
    Index resultQueryRows() const;
    Index keyCount() const { return keys_->matrix().rows(); }

    // ---- undoable edits: each pushes one command; false (and inputRejected) when refused ----
    bool setVariant(Variant variant);
    // Consecutive calls merge into one undo step, so dragging a slider is one Ctrl+Z.
    bool setTemperature(double temperature);
    // Empty: no valid-length mask; one value for every query row; or one per query row.
    bool setValidLengths(const std::vector<Index>& lengths);
    bool setCausal(bool causal);
    // Flips one cell of the explicit mask (creating it, all unmasked, on first use).
    bool toggleMaskCell(int row, int col);
    bool clearMaskMatrix();
    // Sizes and seed of generated parameters. Each regenerates the parameters of every variant
    // visited so far (fresh Xavier weights, zero biases), as one undo step.
    bool setHidden(Index hidden);
    bool setNumHeads(Index heads);
    bool setSeed(std::uint64_t seed);
    // Fresh parameters for the current variant from the current input shapes and hyper-
    // parameters: the way out after Q/K/V changed shape under shape-locked parameters.
    bool regenerateParameters();
    // Adds an absent optional tensor of the current variant at a value that leaves the result
    // unchanged: a bias as zeros (1 x the row count of its weight: b_q of additive is 1 x h,
    // b_o is 1 x d_o, dense b2 is 1 x l_max), an optional projection (multi-head W_o, dense
    // W_v) as the identity. Removing detaches the model without deleting it, so undo brings
    // back the very same model and the cell edits in the history still apply to it. One undo
    // step each; parameterModelsChanged() follows. Refused for unknown or required names, a
    // tensor already present (or absent), b_o without W_o and W_o while b_o is there (the
    // core refuses an output bias without its projection).
    bool addOptionalParameter(const QString& name);
    bool removeOptionalParameter(const QString& name);

    // ---- whole-session -------------------------------------------------------------------
    // The session as edited now (params_given whenever the variant has parameters).
    Session toSession() const;
    // Replaces everything without an undo step, clears the undo stack and marks the document
    // clean. Missing parameters are generated (initialise_parameters) as compute_session would.
    // Previous parameter models are deleted (later, via deleteLater): rebind on
    // parameterModelsChanged().
    void loadSession(const Session& session);

    bool isModified() const { return !undoStack_.isClean(); }
    // After a successful save.
    void setClean() { undoStack_.setClean(); }
    // After restoring an autosave: the content is not saved anywhere the user chose.
    void markModified() { undoStack_.resetClean(); }

signals:
    // After any change to the content, including undo and redo (coalesce before heavy work:
    // one command may emit it more than once).
    void changed();
    void variantChanged(attnviz::Variant variant);
    // The set returned by parameters() is different (variant switch, load).
    void parameterModelsChanged();
    void maskChanged();
    void temperatureChanged(double temperature);
    void hyperChanged();
    void modifiedChanged(bool modified);
    // A refused edit as a sentence for the status bar (also forwarded from every model).
    void inputRejected(const QString& message);

private:
    friend class detail::DocumentCommand;

    struct ParamEntry {
        ParameterSpec spec;
        widgets::MatrixTableModel* model = nullptr;
    };
    struct ParamSet {
        std::vector<ParamEntry> entries;
        Index numHeads = 1;
    };
    // Values of every visited variant's parameter models, for the hyper-parameter command.
    struct ParamValues {
        std::map<Variant, std::vector<Matrix>> values;
        std::map<Variant, Index> numHeads;
    };

    widgets::MatrixTableModel* newModel(const QString& name);
    // An entry whose model holds `value`, with the shape locks the spec dictates (`specs`: its
    // variant's, for the tensor that sizes it).
    ParamEntry newEntry(const ParameterSpec& spec, const std::vector<ParameterSpec>& specs,
                        const Matrix& value);
    // The specs of `v` for the current inputs under `hyper`.
    std::vector<ParameterSpec> specsOf(Variant v, const ParamHyper& hyper) const;
    void createParamSet(Variant v, const Parameters& params);
    // The current variant's spec of `name`, sized by the current inputs; nullopt if none.
    std::optional<ParameterSpec> currentSpec(const std::string& name) const;
    // The value addOptionalParameter starts `spec` at; nullopt (with `why`) when the tensor
    // that sizes it is missing.
    std::optional<Matrix> neutralValue(const ParameterSpec& spec, QString* why) const;
    void ensureParamSet(Variant v, const ParamHyper& hyper);
    Parameters currentParameters() const;
    ParamValues paramValues() const;
    // Regenerated values for every visited variant under `hyper`; nullopt (with `error`) when
    // the current variant cannot be generated (heads not dividing h).
    std::optional<ParamValues> regenerated(const ParamHyper& hyper, QString* error) const;
    bool pushHyper(const ParamHyper& after, const QString& text);
    bool reject(const QString& message);
    MaskSpec fittedMask() const;

    // Primitives the commands call; each emits its signals and changed().
    void applyVariant(Variant v);
    void applyTemperature(double t);
    void applyMask(const MaskSpec& m);
    void applyHyper(const ParamHyper& hyper, const ParamValues& values);
    // Puts `entry` at `position` of v's set / takes the entry named `name` out of it (its
    // model stays alive, owned by the caller from then on).
    void attachParameter(Variant v, std::size_t position, ParamEntry entry);
    ParamEntry detachParameter(Variant v, const std::string& name);
    void onModelChanged();

    QUndoStack undoStack_;
    widgets::MatrixTableModel* queries_ = nullptr;
    widgets::MatrixTableModel* keys_ = nullptr;
    widgets::MatrixTableModel* values_ = nullptr;
    std::map<Variant, ParamSet> paramSets_;
    Variant variant_ = Variant::ScaledDot;
    MaskSpec mask_;
    double temperature_ = 1.0;
    ParamHyper hyper_;
    QString name_, description_;
    bool quiet_ = false;  // loading or applying a multi-model command: one changed() at the end
};

}  // namespace attnviz::playground
