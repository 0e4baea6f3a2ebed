// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/controls_panel.hpp"

#include "playground/playground_document.hpp"

#include "attnviz/core/attention.hpp"
#include "attnviz/core/parameters.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontMetrics>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnviz::gui {

using playground::PlaygroundDocument;

namespace {
constexpr double kMinT = 0.01;
constexpr double kMaxT = 100.0;
constexpr int kStepsPerDecade = 100;
// Seeds are whole numbers a session may give up to 2^53 (exact in a double and in JSON).
constexpr double kMaxSeed = 9007199254740992.0;

QString shortest(double v) { return QString::number(v, 'g', QLocale::FloatingPointShortest); }

}  // namespace

// The temperature box edits [0.01, 100] at 3 decimals, but a session may hold any T > 0
// (5e-324, 0.0123456, 1e6). Such a value is shown as it is, not as the nearest number the box
// can hold, and the box keeps the document's value until the user edits it: showing the
// document must never change it.
class TemperatureSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

    void showTemperature(double t)
    {
        const double held = std::clamp(std::round(t * 1000.0) / 1000.0, minimum(), maximum());
        const QString exact = held == t ? QString() : shortest(t);
        if (exact.size() != exact_.size()) updateGeometry();
        exact_ = exact;
        heldValue_ = held;
        setValue(held);  // the caller blocks signals; setValue rewrites the text from textFromValue
    }
    // True while the text is the document's value that the box cannot hold.
    bool showsExactValue() const { return !exact_.isEmpty() && cleanText() == exact_; }

    // Wide enough for the exact text too (0.0123456 is wider than the range's "100.000").
    QSize sizeHint() const override
    {
        QSize s = QDoubleSpinBox::sizeHint();
        const QFontMetrics fm(font());
        const int extra = fm.horizontalAdvance(exact_) - fm.horizontalAdvance(textFromValue(maximum()));
        if (extra > 0) s.rwidth() += extra;
        return s;
    }

protected:
    QString textFromValue(double v) const override
    {
        return !exact_.isEmpty() && v == heldValue_ ? exact_ : QDoubleSpinBox::textFromValue(v);
    }
    double valueFromText(const QString& text) const override
    {
        return !exact_.isEmpty() && text == exact_ ? heldValue_ : QDoubleSpinBox::valueFromText(text);
    }
    QValidator::State validate(QString& text, int& pos) const override
    {
        return !exact_.isEmpty() && text == exact_ ? QValidator::Acceptable
                                                   : QDoubleSpinBox::validate(text, pos);
    }

private:
    QString exact_;  // the document's value as text, when the box cannot hold it exactly
    double heldValue_ = 0;
};

int ControlsPanel::sliderFromTemperature(double t)
{
    t = std::clamp(t, kMinT, kMaxT);
    return int(std::lround((std::log10(t) + 2.0) * kStepsPerDecade));
}

double ControlsPanel::temperatureFromSlider(int position)
{
    // Rounded to 3 significant digits so the spin box and the session show 0.501, not
    // 0.50118723362727.
    const double t = std::pow(10.0, double(position) / kStepsPerDecade - 2.0);
    const double digits = std::pow(10.0, 2 - std::floor(std::log10(t)));
    return std::round(t * digits) / digits;
}

ControlsPanel::ControlsPanel(PlaygroundDocument* document, QWidget* parent)
    : QWidget(parent), document_(document)
{
    auto* layout = new QVBoxLayout(this);

    // ---- variant ----
    auto* variantBox = new QGroupBox(tr("Variant"), this);
    auto* variantLayout = new QVBoxLayout(variantBox);
    variant_ = new QComboBox(variantBox);
    for (Variant v : kAllVariants)
        variant_->addItem(QString::fromUtf8(variant_display_name(v).data(), qsizetype(variant_display_name(v).size())),
                          QString::fromLatin1(variant_id(v).data(), qsizetype(variant_id(v).size())));
    variant_->setToolTip(tr("The attention mechanism: how a query and a key give a score"));
    variantLayout->addWidget(variant_);
    layout->addWidget(variantBox);

    // ---- temperature ----
    auto* tempBox = new QGroupBox(tr("Temperature"), this);
    auto* tempLayout = new QHBoxLayout(tempBox);
    tempSlider_ = new QSlider(Qt::Horizontal, tempBox);
    tempSlider_->setRange(0, 4 * kStepsPerDecade);
    tempSlider_->setPageStep(kStepsPerDecade / 2);
    tempSlider_->setToolTip(tr("Softmax temperature on a log scale from 0.01 (sharp, almost "
                               "one-hot) to 100 (flat, almost uniform); 1 is the plain softmax"));
    tempSpin_ = new TemperatureSpinBox(tempBox);
    tempSpin_->setRange(kMinT, kMaxT);
    tempSpin_->setDecimals(3);
    tempSpin_->setSingleStep(0.1);
    tempSpin_->setKeyboardTracking(false);
    tempSpin_->setToolTip(tr("Softmax temperature T: logits are scores × scale / T"));
    tempLayout->addWidget(tempSlider_, 1);
    tempLayout->addWidget(tempSpin_);
    layout->addWidget(tempBox);

    // ---- mask ----
    auto* maskBox = new QGroupBox(tr("Mask"), this);
    auto* maskForm = new QFormLayout(maskBox);
    validLen_ = new QSpinBox(maskBox);
    validLen_->setRange(0, 100000);
    validLen_->setSpecialValueText(tr("all keys"));
    validLen_->setKeyboardTracking(false);
    validLen_->setToolTip(tr("Valid length: every query sees only the first N keys (padding "
                             "mask); \"all keys\" turns it off"));
    causal_ = new QCheckBox(tr("Causal (no peeking ahead)"), maskBox);
    causal_->setToolTip(tr("Query i sees only keys 0 … i, as in a decoder"));
    clearMask_ = new QPushButton(tr("Clear clicked cells"), maskBox);
    clearMask_->setToolTip(tr("Remove the explicit mask made by clicking heatmap cells"));
    maskForm->addRow(tr("Valid length:"), validLen_);
    maskForm->addRow(causal_);
    maskForm->addRow(clearMask_);
    layout->addWidget(maskBox);

    // ---- generated parameters ----
    auto* paramBox = new QGroupBox(tr("Learned parameters"), this);
    auto* paramForm = new QFormLayout(paramBox);
    // The ranges are the core's limits: a session's value is always what the box shows.
    hidden_ = new QSpinBox(paramBox);
    hidden_->setRange(1, int(kMaxHidden));
    hidden_->setKeyboardTracking(false);
    hidden_->setToolTip(tr("Hidden size h of additive and multi-head attention; changing it "
                           "regenerates their weights"));
    heads_ = new QSpinBox(paramBox);
    heads_->setRange(1, int(kMaxHeads));
    heads_->setKeyboardTracking(false);
    heads_->setToolTip(tr("Number of heads H of multi-head attention (must divide h)"));
    seed_ = new QDoubleSpinBox(paramBox);
    seed_->setDecimals(0);
    seed_->setRange(0, kMaxSeed);
    seed_->setKeyboardTracking(false);
    seed_->setToolTip(tr("Random seed of generated weights: the same seed gives the same weights"));
    regenerate_ = new QPushButton(tr("Regenerate weights"), paramBox);
    regenerate_->setToolTip(tr("Fresh weights for this variant from the current shapes, h, H "
                               "and seed (use it after Q, K or V changed shape)"));
    paramForm->addRow(tr("Hidden size h:"), hidden_);
    paramForm->addRow(tr("Heads H:"), heads_);
    paramForm->addRow(tr("Seed:"), seed_);
    paramForm->addRow(regenerate_);
    layout->addWidget(paramBox);
    layout->addStretch(1);

    // ---- controls → document (each a single undoable setter) ----
    connect(variant_, &QComboBox::activated, this, [this](int i) {
        if (auto v = variant_from_id(variant_->itemData(i).toString().toStdString()))
            document_->setVariant(*v);
        syncFromDocument();
    });
    connect(tempSlider_, &QSlider::valueChanged, this, [this](int pos) {
        document_->setTemperature(temperatureFromSlider(pos));
    });
    connect(tempSpin_, &QDoubleSpinBox::valueChanged, this, [this](double t) {
        if (t != document_->temperature()) document_->setTemperature(t);
    });
    // Typing the very number the box holds for an exact value it cannot show (0.01 for
    // 5e-324) changes no value, hence no valueChanged: the typed text is the edit.
    connect(tempSpin_, &QDoubleSpinBox::editingFinished, this, [this] {
        if (!tempSpin_->showsExactValue() && tempSpin_->value() != document_->temperature())
            document_->setTemperature(tempSpin_->value());
    });
    connect(validLen_, &QSpinBox::valueChanged, this, [this](int n) {
        document_->setValidLengths(n == 0 ? std::vector<Index>{} : std::vector<Index>{Index(n)});
        syncFromDocument();
    });
    connect(causal_, &QCheckBox::toggled, this, [this](bool on) {
        document_->setCausal(on);
        syncFromDocument();
    });
    connect(clearMask_, &QPushButton::clicked, document_, &PlaygroundDocument::clearMaskMatrix);
    connect(hidden_, &QSpinBox::valueChanged, this, [this](int h) {
        if (Index(h) != document_->hyper().hidden) document_->setHidden(h);
        syncFromDocument();  // a refused value (heads not dividing h) springs back
    });
    connect(heads_, &QSpinBox::valueChanged, this, [this](int n) {
        if (Index(n) != document_->hyper().num_heads) document_->setNumHeads(n);
        syncFromDocument();
    });
    connect(seed_, &QDoubleSpinBox::valueChanged, this, [this](double s) {
        if (std::uint64_t(s) != document_->hyper().seed) document_->setSeed(std::uint64_t(s));
        syncFromDocument();
    });
    connect(regenerate_, &QPushButton::clicked, document_,
            &PlaygroundDocument::regenerateParameters);

    // ---- document → controls ----
    connect(document_, &PlaygroundDocument::changed, this, &ControlsPanel::syncFromDocument);
    syncFromDocument();
}

QDoubleSpinBox* ControlsPanel::temperatureSpin() const { return tempSpin_; }

void ControlsPanel::syncFromDocument()
{
    // Blockers: showing the document's state must not push it back as a new edit.
    const QSignalBlocker b1(variant_), b2(tempSlider_), b3(tempSpin_), b4(validLen_),
        b5(causal_), b6(hidden_), b7(heads_), b8(seed_);
    const Variant v = document_->variant();
    variant_->setCurrentIndex(variant_->findData(QString::fromLatin1(variant_id(v).data(),
                                                                     qsizetype(variant_id(v).size()))));
    tempSlider_->setValue(sliderFromTemperature(document_->temperature()));
    tempSpin_->showTemperature(document_->temperature());

    const MaskSpec& m = document_->mask();
    validLen_->setMaximum(int(std::max<Index>(1, document_->keyCount())));
    // A per-row valid-length list (from a file) shows its first entry; editing sets one for all.
    validLen_->setValue(m.valid_len.empty() ? 0 : int(m.valid_len.front()));
    causal_->setChecked(m.causal);
    clearMask_->setEnabled(m.matrix.size() != 0 && m.matrix.any());

    const ParamHyper& h = document_->hyper();
    // Within the ranges by the core's checks (check_hyper, whole seeds up to 2^53).
    hidden_->setValue(int(h.hidden));
    heads_->setValue(int(h.num_heads));
    seed_->setValue(double(h.seed));
    const VariantTraits traits = variant_traits(v);
    hidden_->setEnabled(traits.uses_hidden);
    heads_->setEnabled(traits.uses_heads);
    const bool hasParams = !document_->parameters().empty();
    seed_->setEnabled(hasParams);
    regenerate_->setEnabled(hasParams);
}

}  // namespace attnviz::gui
