// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/playground_document.hpp"

#include "playground/document_commands.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attnviz::playground {

namespace {

QStringList toLabels(const std::vector<std::string>& tokens)
{
    QStringList out;
    for (const std::string& t : tokens) out << QString::fromStdString(t);
    return out;
}

// Empty when no row was ever named (the session then stores no tokens), else one per row with
// the shown defaults ("0", "1", ...) for unnamed rows.
std::vector<std::string> tokensOf(const widgets::MatrixTableModel* m)
{
    bool any = false;
    for (int r = 0; r < m->rowCount(); ++r)
        any = any || !m->headerData(r, Qt::Vertical, Qt::EditRole).toString().isEmpty();
    std::vector<std::string> out;
    if (!any) return out;
    for (const QString& label : m->rowLabels()) out.push_back(label.toStdString());
    return out;
}

// A tensor whose column count follows another's free row count (b_o: the rows of W_o, any
// d_o; b2: the rows of W2, any l_max >= n_k) cannot have its columns locked: they change with
// that tensor.
bool columnsFollowFreeRows(const ParameterSpec& spec, const std::vector<ParameterSpec>& specs)
{
    if (spec.cols_from.empty()) return false;
    for (const ParameterSpec& s : specs)
        if (s.name == spec.cols_from) return s.rows_at_least;
    return false;
}

QString displayName(Variant v)
{
    const std::string_view name = variant_display_name(v);
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}

}  // namespace

PlaygroundDocument::PlaygroundDocument(QObject* parent) : QObject(parent)
{
    queries_ = newModel(QStringLiteral("Q"));
    keys_ = newModel(QStringLiteral("K"));
    values_ = newModel(QStringLiteral("V"));
    connect(&undoStack_, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });

    Session initial;
    initial.queries = initial.keys = initial.values = Matrix::Zero(1, 1);
    loadSession(initial);
}

PlaygroundDocument::~PlaygroundDocument()
{
    // Commands hold QPointers to us and the models; clear them while everything still exists.
    quiet_ = true;
    undoStack_.clear();
}

widgets::MatrixTableModel* PlaygroundDocument::newModel(const QString& name)
{
    auto* m = new widgets::MatrixTableModel(&undoStack_, this);
    m->setName(name);
    connect(m, &widgets::MatrixTableModel::matrixChanged, this, &PlaygroundDocument::onModelChanged);
    connect(m, &widgets::MatrixTableModel::inputRejected, this, &PlaygroundDocument::inputRejected);
    return m;
}

void PlaygroundDocument::onModelChanged()
{
    if (!quiet_) emit changed();
}

bool PlaygroundDocument::reject(const QString& message)
{
    emit inputRejected(message);
    return false;
}

Index PlaygroundDocument::resultQueryRows() const
{
    return variant_traits(variant_).single_query_row ? 1 : queries_->matrix().rows();
}

// ---- parameters --------------------------------------------------------------------------

PlaygroundDocument::ParamEntry PlaygroundDocument::newEntry(const ParameterSpec& spec,
                                                            const std::vector<ParameterSpec>& specs,
                                                            const Matrix& value)
{
    ParamEntry e{spec, newModel(QString::fromStdString(spec.name))};
    e.model->resetContents(value);
    // Shapes the variant dictates are locked; "at least" shapes and the biases sized by
    // another tensor's free rows stay free.
    e.model->setRowsLocked(!spec.rows_at_least);
    e.model->setColumnsLocked(!spec.cols_at_least && !columnsFollowFreeRows(spec, specs));
    return e;
}

std::vector<ParameterSpec> PlaygroundDocument::specsOf(Variant v, const ParamHyper& hyper) const
{
    return parameter_specs(v, dims_of(queries_->matrix(), keys_->matrix(), values_->matrix()), hyper);
}

void PlaygroundDocument::createParamSet(Variant v, const Parameters& params)
{
    const std::vector<ParameterSpec> specs = specsOf(v, hyper_);
    ParamSet set;
    set.numHeads = variant_traits(v).uses_heads ? params.num_heads : 1;
    for (const ParameterSpec& spec : specs) {
        const Matrix* m = params.find(spec.name);
        if (!m) continue;  // optional and absent: a generated set has no biases
        set.entries.push_back(newEntry(spec, specs, *m));
    }
    paramSets_[v] = std::move(set);
}

void PlaygroundDocument::ensureParamSet(Variant v, const ParamHyper& hyper)
{
    if (paramSets_.count(v)) return;
    const InputDims dims = dims_of(queries_->matrix(), keys_->matrix(), values_->matrix());
    Parameters params;
    try {
        params = initialise_parameters(v, dims, hyper);
    } catch (const std::exception&) {
        // Hyper-parameters that cannot size this variant (heads not dividing h): an empty set,
        // and the compute reports "params: missing W_q ..." until the user fixes them.
    }
    const bool was = quiet_;
    quiet_ = true;
    createParamSet(v, params);
    quiet_ = was;
}

std::vector<ParameterSlot> PlaygroundDocument::parameters() const
{
    std::vector<ParameterSlot> out;
    const auto it = paramSets_.find(variant_);
    if (it == paramSets_.end()) return out;
    for (const ParamEntry& e : it->second.entries)
        out.push_back({QString::fromStdString(e.spec.name), QString::fromStdString(e.spec.meaning),
                       e.spec.optional, e.model});
    return out;
}

widgets::MatrixTableModel* PlaygroundDocument::parameterModel(const QString& name) const
{
    for (const ParameterSlot& s : parameters())
        if (s.name == name) return s.model;
    return nullptr;
}

// ---- optional parameters -------------------------------------------------------------------

std::optional<ParameterSpec> PlaygroundDocument::currentSpec(const std::string& name) const
{
    for (ParameterSpec& spec : specsOf(variant_, hyper_))
        if (spec.name == name) return std::move(spec);
    return std::nullopt;
}

std::optional<Matrix> PlaygroundDocument::neutralValue(const ParameterSpec& spec, QString* why) const
{
    // A bias needs its weight; a projection sized by another tensor (W_o by W_q's h) needs
    // that tensor. The core says what the value is: zeros for a bias, the identity for a
    // projection, so the result is exactly what it was without it.
    if (!spec.cols_from.empty() && !parameterModel(QString::fromStdString(spec.cols_from))) {
        const QString name = QString::fromStdString(spec.name), from = QString::fromStdString(spec.cols_from);
        *why = !spec.bias_of.empty() ? tr("%1 is the bias of %2: add %2 first.").arg(name, from)
                                     : tr("%1 takes its size from %2, which is missing.").arg(name, from);
        return std::nullopt;
    }
    try {
        return neutral_value(variant_, dims_of(queries_->matrix(), keys_->matrix(), values_->matrix()),
                             currentParameters(), spec.name);
    } catch (const std::exception& e) {
        *why = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

QStringList PlaygroundDocument::absentOptionalParameters() const
{
    QStringList out;
    for (const ParameterSpec& spec : specsOf(variant_, hyper_)) {
        const QString name = QString::fromStdString(spec.name);
        if (spec.optional && !parameterModel(name)) out << name;
    }
    return out;
}

QString PlaygroundDocument::parameterMeaning(const QString& name) const
{
    const std::optional<ParameterSpec> spec = currentSpec(name.toStdString());
    return spec ? QString::fromStdString(spec->meaning) : QString();
}

QString PlaygroundDocument::cannotAddReason(const QString& name) const
{
    const std::optional<ParameterSpec> spec = currentSpec(name.toStdString());
    if (!spec) return tr("%1 is not a parameter of %2.").arg(name, displayName(variant_));
    if (!spec->optional)
        return tr("%1 is required by %2: it is always there.").arg(name, displayName(variant_));
    if (parameterModel(name)) return tr("%1 is already there.").arg(name);
    QString why;
    if (!neutralValue(*spec, &why)) return why;
    return {};
}

QString PlaygroundDocument::cannotRemoveReason(const QString& name) const
{
    const std::optional<ParameterSpec> spec = currentSpec(name.toStdString());
    if (!spec) return tr("%1 is not a parameter of %2.").arg(name, displayName(variant_));
    if (!spec->optional)
        return tr("%1 is required by %2: it cannot be removed.").arg(name, displayName(variant_));
    if (!parameterModel(name)) return tr("%1 is not there to remove.").arg(name);
    // The core refuses a bias without its weight (b_o without W_o).
    const auto it = paramSets_.find(variant_);
    if (it == paramSets_.end()) return {};
    for (const ParamEntry& e : it->second.entries) {
        if (QString::fromStdString(e.spec.cols_from) != name) continue;
        const QString other = QString::fromStdString(e.spec.name);
        return !e.spec.bias_of.empty() ? tr("Remove %1 first: it is the bias of %2.").arg(other, name)
                                       : tr("Remove %1 first: it takes its size from %2.").arg(other, name);
    }
    return {};
}

bool PlaygroundDocument::addOptionalParameter(const QString& name)
{
    if (const QString why = cannotAddReason(name); !why.isEmpty()) return reject(why);
    const ParameterSpec spec = *currentSpec(name.toStdString());
    QString why;
    const Matrix value = *neutralValue(spec, &why);

    // In spec order among the tensors present: b_q goes after w_v, before b_k if that is there.
    const std::vector<ParameterSpec> specs = specsOf(variant_, hyper_);
    const auto order = [&specs](const std::string& n) {
        return std::find_if(specs.begin(), specs.end(), [&n](const ParameterSpec& s) { return s.name == n; }) -
               specs.begin();
    };
    std::size_t position = 0;
    for (const ParamEntry& e : paramSets_[variant_].entries)
        if (order(e.spec.name) < order(spec.name)) ++position;

    const bool was = quiet_;
    quiet_ = true;  // filling the new model is not an edit of the document
    ParamEntry entry = newEntry(spec, specs, value);
    quiet_ = was;
    undoStack_.push(new detail::OptionalParameterCommand(this, variant_, position, entry, true,
                                                         tr("Add %1").arg(name)));
    return true;
}

bool PlaygroundDocument::removeOptionalParameter(const QString& name)
{
    if (const QString why = cannotRemoveReason(name); !why.isEmpty()) return reject(why);
    const std::vector<ParamEntry>& entries = paramSets_[variant_].entries;
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [n = name.toStdString()](const ParamEntry& e) { return e.spec.name == n; });
    undoStack_.push(new detail::OptionalParameterCommand(
        this, variant_, static_cast<std::size_t>(it - entries.begin()), *it, false, tr("Remove %1").arg(name)));
    return true;
}

Parameters PlaygroundDocument::currentParameters() const
{
    Parameters p;
    const auto it = paramSets_.find(variant_);
    if (it == paramSets_.end()) return p;
    p.num_heads = it->second.numHeads;
    for (const ParamEntry& e : it->second.entries) p.tensors[e.spec.name] = e.model->matrix();
    return p;
}

PlaygroundDocument::ParamValues PlaygroundDocument::paramValues() const
{
    ParamValues out;
    for (const auto& [v, set] : paramSets_) {
        auto& values = out.values[v];
        for (const ParamEntry& e : set.entries) values.push_back(e.model->matrix());
        out.numHeads[v] = set.numHeads;
    }
    return out;
}

std::optional<PlaygroundDocument::ParamValues>
PlaygroundDocument::regenerated(const ParamHyper& hyper, QString* error) const
{
    const InputDims dims = dims_of(queries_->matrix(), keys_->matrix(), values_->matrix());
    ParamValues out = paramValues();
    for (const auto& [v, set] : paramSets_) {
        Parameters fresh;
        try {
            fresh = initialise_parameters(v, dims, hyper);
        } catch (const std::exception& e) {
            if (v == variant_) {
                *error = QString::fromUtf8(e.what());
                return std::nullopt;
            }
            continue;  // a variant not shown keeps its values; it reports the problem if chosen
        }
        std::vector<Matrix>& values = out.values[v];
        for (std::size_t i = 0; i < set.entries.size(); ++i) {
            const ParameterSpec& spec = set.entries[i].spec;
            if (const Matrix* m = fresh.find(spec.name)) {
                values[i] = *m;
            } else if (spec.neutral == NeutralValue::Zeros) {
                // Biases restart at zero, as initialise_parameters would leave them, with the
                // length of their fresh weight (a bias's length follows h).
                try {
                    values[i] = neutral_value(v, dims, fresh, spec.name);
                } catch (const std::exception&) {
                }  // its weight is not generated: kept as it is
            }  // else an optional weight the generator leaves out (dense W_v): kept as it is
        }
        out.numHeads[v] = variant_traits(v).uses_heads ? hyper.num_heads : 1;
    }
    return out;
}

// ---- undoable edits ------------------------------------------------------------------------

bool PlaygroundDocument::setVariant(Variant v)
{
    if (v == variant_) return true;
    ensureParamSet(v, hyper_);  // created once, before the command, so redo after undo finds it intact
    undoStack_.push(new detail::VariantCommand(this, variant_, v));
    return true;
}

bool PlaygroundDocument::setTemperature(double t)
{
    if (!(t > 0) || !std::isfinite(t))
        return reject(tr("Temperature must be a finite number above 0; %1 was kept.").arg(temperature_));
    if (t == temperature_) return true;
    undoStack_.push(new detail::TemperatureCommand(this, temperature_, t));
    return true;
}

bool PlaygroundDocument::setValidLengths(const std::vector<Index>& lengths)
{
    for (Index n : lengths)
        if (n < 0) return reject(tr("A valid length cannot be negative (got %1).").arg(n));
    if (lengths == mask_.valid_len) return true;
    MaskSpec after = mask_;
    after.valid_len = lengths;
    const QString text = lengths.empty() ? tr("Remove valid length")
                         : lengths.size() == 1 ? tr("Valid length %1").arg(lengths[0])
                                               : tr("Valid lengths per query");
    undoStack_.push(new detail::MaskCommand(this, mask_, after, text));
    return true;
}

bool PlaygroundDocument::setCausal(bool causal)
{
    if (causal == mask_.causal) return true;
    MaskSpec after = mask_;
    after.causal = causal;
    undoStack_.push(new detail::MaskCommand(this, mask_, after,
                                            causal ? tr("Causal mask on") : tr("Causal mask off")));
    return true;
}

MaskSpec PlaygroundDocument::fittedMask() const
{
    MaskSpec m = mask_;
    const Index rows = resultQueryRows(), cols = keyCount();
    if (m.matrix.size() != 0 && (m.matrix.rows() != rows || m.matrix.cols() != cols)) {
        // Rows or keys were added or removed since the cells were toggled: keep the overlap,
        // new cells unmasked, rather than fail the whole computation.
        BoolMatrix fitted = BoolMatrix::Constant(rows, cols, false);
        const Index r = std::min(rows, m.matrix.rows()), c = std::min(cols, m.matrix.cols());
        fitted.topLeftCorner(r, c) = m.matrix.topLeftCorner(r, c);
        m.matrix = fitted;
    }
    return m;
}

bool PlaygroundDocument::toggleMaskCell(int row, int col)
{
    const Index rows = resultQueryRows(), cols = keyCount();
    if (row < 0 || col < 0 || row >= rows || col >= cols)
        return reject(tr("No attention cell (%1, %2): the weights are %3 x %4.")
                          .arg(row).arg(col).arg(rows).arg(cols));
    MaskSpec after = fittedMask();
    if (after.matrix.size() == 0) after.matrix = BoolMatrix::Constant(rows, cols, false);
    after.matrix(row, col) = !after.matrix(row, col);
    const QString text = after.matrix(row, col) ? tr("Mask query %1, key %2").arg(row).arg(col)
                                                : tr("Unmask query %1, key %2").arg(row).arg(col);
    undoStack_.push(new detail::MaskCommand(this, mask_, after, text));
    return true;
}

bool PlaygroundDocument::clearMaskMatrix()
{
    if (mask_.matrix.size() == 0) return true;
    MaskSpec after = mask_;
    after.matrix = BoolMatrix();
    undoStack_.push(new detail::MaskCommand(this, mask_, after, tr("Clear mask cells")));
    return true;
}

bool PlaygroundDocument::pushHyper(const ParamHyper& after, const QString& text)
{
    // The core's limits (kMaxHidden, kMaxHeads), before anything is generated.
    try {
        check_hyper(after);
    } catch (const std::exception& e) {
        return reject(tr("%1 refused: %2").arg(text, QString::fromUtf8(e.what())));
    }
    // A set left empty because earlier hyper-parameters could not size it (heads not dividing
    // h) is dropped, and the current variant's rebuilt under the new ones.
    const InputDims dims = dims_of(queries_->matrix(), keys_->matrix(), values_->matrix());
    bool rebuilt = false;
    for (auto it = paramSets_.begin(); it != paramSets_.end();) {
        if (it->second.entries.empty() && !parameter_specs(it->first, dims, after).empty()) {
            rebuilt = rebuilt || it->first == variant_;
            it = paramSets_.erase(it);
        } else {
            ++it;
        }
    }
    if (rebuilt) ensureParamSet(variant_, after);

    QString error;
    std::optional<ParamValues> values = regenerated(after, &error);
    if (!values) return reject(tr("%1 refused: %2").arg(text, error));
    undoStack_.push(new detail::HyperCommand(this, hyper_, paramValues(), after, std::move(*values), text));
    if (rebuilt) emit parameterModelsChanged();
    return true;
}

bool PlaygroundDocument::setHidden(Index hidden)
{
    if (hidden < 1) return reject(tr("The hidden size must be at least 1 (got %1).").arg(hidden));
    if (hidden == hyper_.hidden) return true;
    ParamHyper after = hyper_;
    after.hidden = hidden;
    return pushHyper(after, tr("Hidden size %1").arg(hidden));
}

bool PlaygroundDocument::setNumHeads(Index heads)
{
    if (heads < 1) return reject(tr("The number of heads must be at least 1 (got %1).").arg(heads));
    if (heads == hyper_.num_heads) return true;
    ParamHyper after = hyper_;
    after.num_heads = heads;
    return pushHyper(after, tr("%1 heads").arg(heads));
}

bool PlaygroundDocument::setSeed(std::uint64_t seed)
{
    if (seed == hyper_.seed) return true;
    ParamHyper after = hyper_;
    after.seed = seed;
    return pushHyper(after, tr("Seed %1").arg(seed));
}

bool PlaygroundDocument::regenerateParameters()
{
    if (parameter_specs(variant_, {}, hyper_).empty()) return true;  // nothing to generate
    // Only the current variant: the others keep what the user may have edited.
    QString error;
    std::optional<ParamValues> fresh = regenerated(hyper_, &error);
    if (!fresh) return reject(tr("Regenerating parameters refused: %1").arg(error));
    ParamValues after = paramValues();
    after.values[variant_] = fresh->values[variant_];
    after.numHeads[variant_] = fresh->numHeads[variant_];
    undoStack_.push(new detail::HyperCommand(this, hyper_, paramValues(), hyper_, std::move(after),
                                             tr("Regenerate parameters")));
    return true;
}

// ---- primitives applied by the commands ------------------------------------------------------

void PlaygroundDocument::applyVariant(Variant v)
{
    variant_ = v;
    emit variantChanged(v);
    emit parameterModelsChanged();
    if (!quiet_) emit changed();
}

void PlaygroundDocument::applyTemperature(double t)
{
    temperature_ = t;
    emit temperatureChanged(t);
    if (!quiet_) emit changed();
}

void PlaygroundDocument::applyMask(const MaskSpec& m)
{
    mask_ = m;
    emit maskChanged();
    if (!quiet_) emit changed();
}

void PlaygroundDocument::applyHyper(const ParamHyper& hyper, const ParamValues& values)
{
    const bool was = quiet_;
    quiet_ = true;
    hyper_ = hyper;
    for (auto& [v, set] : paramSets_) {
        const auto it = values.values.find(v);
        if (it == values.values.end()) continue;
        for (std::size_t i = 0; i < set.entries.size() && i < it->second.size(); ++i) {
            widgets::MatrixTableModel* m = set.entries[i].model;
            // Keeps the labels; resetContents bypasses the stack, which is what a command wants.
            if (m->matrix().rows() != it->second[i].rows() || m->matrix().cols() != it->second[i].cols() ||
                m->matrix() != it->second[i])
                m->resetContents(it->second[i]);
        }
        if (const auto h = values.numHeads.find(v); h != values.numHeads.end()) set.numHeads = h->second;
    }
    quiet_ = was;
    emit hyperChanged();
    if (!quiet_) emit changed();
}

void PlaygroundDocument::attachParameter(Variant v, std::size_t position, ParamEntry entry)
{
    std::vector<ParamEntry>& entries = paramSets_[v].entries;
    entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(std::min(position, entries.size())),
                   std::move(entry));
    emit parameterModelsChanged();
    if (!quiet_) emit changed();
}

PlaygroundDocument::ParamEntry PlaygroundDocument::detachParameter(Variant v, const std::string& name)
{
    std::vector<ParamEntry>& entries = paramSets_[v].entries;
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&name](const ParamEntry& e) { return e.spec.name == name; });
    if (it == entries.end()) return {};
    ParamEntry out = *it;
    entries.erase(it);
    emit parameterModelsChanged();
    if (!quiet_) emit changed();
    return out;
}

// ---- whole session -------------------------------------------------------------------------

Session PlaygroundDocument::toSession() const
{
    Session s;
    s.variant = variant_;
    s.queries = queries_->matrix();
    s.keys = keys_->matrix();
    s.values = values_->matrix();
    s.query_tokens = tokensOf(queries_);
    s.key_tokens = tokensOf(keys_);
    s.mask = fittedMask();
    s.temperature = temperature_;
    s.hyper = hyper_;
    if (!parameter_specs(variant_, {}, hyper_).empty()) {
        s.params = currentParameters();
        s.params_given = true;
    }
    s.name = name_.toStdString();
    s.description = description_.toStdString();
    return s;
}

void PlaygroundDocument::loadSession(const Session& s)
{
    quiet_ = true;
    // The history refers to the old models and values: it ends here.
    undoStack_.clear();
    for (auto& [v, set] : paramSets_)
        for (ParamEntry& e : set.entries) {
            disconnect(e.model, nullptr, this, nullptr);
            e.model->deleteLater();  // views may still hold it until they rebind
        }
    paramSets_.clear();

    variant_ = s.variant;
    mask_ = s.mask;
    temperature_ = s.temperature;
    hyper_ = s.hyper;
    name_ = QString::fromStdString(s.name);
    description_ = QString::fromStdString(s.description);
    queries_->resetContents(s.queries, toLabels(s.query_tokens));
    keys_->resetContents(s.keys, toLabels(s.key_tokens));
    // V's rows belong to the keys: show the key tokens beside them.
    values_->resetContents(s.values, s.key_tokens.size() == static_cast<std::size_t>(s.values.rows())
                                         ? toLabels(s.key_tokens) : QStringList());

    if (s.params_given) {
        createParamSet(variant_, s.params);
        // The control shows the head count the parameters are computed with.
        if (variant_traits(variant_).uses_heads) hyper_.num_heads = s.params.num_heads;
    } else {
        ensureParamSet(variant_, hyper_);
    }
    quiet_ = false;
    undoStack_.setClean();

    emit variantChanged(variant_);
    emit parameterModelsChanged();
    emit maskChanged();
    emit temperatureChanged(temperature_);
    emit hyperChanged();
    emit changed();
}

}  // namespace attnviz::playground
