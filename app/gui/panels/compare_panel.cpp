// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/compare_panel.hpp"

#include "gui/panels/panel_labels.hpp"

#include "attnviz/widgets/heatmap_widget.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace attnviz::gui::panels {

using widgets::HeatmapData;
using widgets::HeatmapWidget;

namespace {

QString variantName(Variant v) { return QString::fromStdString(std::string(variant_display_name(v))); }

// Map titles stay short (a docked map is ~280 px wide): the variant only when A and B differ.
QString describe(const playground::ResultSnapshot& s, bool withVariant)
{
    const QString t = QStringLiteral("T = %1").arg(formatNumber(s.session.temperature));
    return withVariant ? QStringLiteral("%1, %2").arg(QString::fromStdString(std::string(variant_id(s.session.variant))), t)
                       : t;
}

// Shares the snapshot's weights and mask with the map.
HeatmapData weightsData(const playground::ResultSnapshotPtr& s, const QString& title)
{
    HeatmapData d;
    d.values = widgets::SharedMatrix::of(s, s->outcome.result.weights);
    d.masked = widgets::SharedBoolMatrix::of(s, s->outcome.result.masked);
    d.rowLabels = queryLabels(*s);
    d.colLabels = keyLabels(*s);
    d.title = title;
    return d;
}

}  // namespace

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("compare"));
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(4, 4, 4, 4);

    auto* controls = new QHBoxLayout;
    auto* label = new QLabel(tr("Compare with B:"), this);
    variant_ = new QComboBox(this);
    variant_->setToolTip(tr("B's variant. A different variant gets parameters generated from the "
                            "session's seed and sizes."));
    variant_->addItem(tr("Same variant as A"), QString());
    for (Variant v : kAllVariants)
        variant_->addItem(variantName(v), QString::fromStdString(std::string(variant_id(v))));
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setToolTip(tr("B's softmax temperature: above 1 flattens the weights, below 1 "
                                "sharpens them."));
    temperature_->setPrefix(tr("T = "));
    temperature_->setRange(0.01, 100.0);
    temperature_->setDecimals(2);
    temperature_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    // A flatter softmax than the usual T = 1, so the default comparison already shows something.
    temperature_->setValue(10.0);
    controls->addWidget(label);
    controls->addWidget(variant_);
    controls->addWidget(temperature_);
    controls->addStretch(1);
    root->addLayout(controls);

    sentence_ = new QLabel(this);
    sentence_->setWordWrap(true);
    sentence_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    root->addWidget(sentence_);

    auto* maps = new QHBoxLayout;
    mapA_ = new HeatmapWidget(this);
    mapB_ = new HeatmapWidget(this);
    mapDiff_ = new HeatmapWidget(this);
    mapDiff_->setColormap(widgets::Colormap::BlueWhiteRed);
    mapDiff_->setAutoscale(true);  // diverging: symmetric about 0
    for (HeatmapWidget* w : {mapA_, mapB_, mapDiff_}) {
        w->setMinimumSize(240, 200);
        maps->addWidget(w, 1);
    }
    root->addLayout(maps, 1);

    connect(variant_, &QComboBox::currentIndexChanged, this, &ComparePanel::recompute);
    connect(temperature_, &QDoubleSpinBox::valueChanged, this, &ComparePanel::recompute);
    recompute();
}

CompareSettings ComparePanel::settings() const
{
    CompareSettings s;
    s.variant = variant_from_id(variant_->currentData().toString().toStdString());
    s.temperature = temperature_->value();
    return s;
}

void ComparePanel::setSettings(const CompareSettings& s)
{
    {
        const QSignalBlocker b1(variant_), b2(temperature_);
        const QString id = s.variant ? QString::fromStdString(std::string(variant_id(*s.variant))) : QString();
        variant_->setCurrentIndex(std::max(0, variant_->findData(id)));
        temperature_->setValue(s.temperature);
    }
    recompute();
}

void ComparePanel::showResult(const playground::ResultSnapshotPtr& snapshot)
{
    if (deferred_.offer(snapshot)) recompute();
}

void ComparePanel::setOnScreen(bool on)
{
    if (deferred_.setOnScreen(on)) recompute();
}

QString ComparePanel::sentence() const { return sentence_->text(); }

void ComparePanel::recompute()
{
    if (!deferred_.latest()) {
        comparison_ = {};
        sentence_->setText(tr("No result yet."));
        for (HeatmapWidget* w : {mapA_, mapB_, mapDiff_}) w->setData(HeatmapData{});
        return;
    }
    const playground::ResultSnapshot& a = *deferred_.latest();
    comparison_ = compareWith(a, settings());
    const bool twoVariants = comparison_.b && comparison_.b->session.variant != a.session.variant;
    mapA_->setData(weightsData(deferred_.latest(), tr("A: %1").arg(describe(a, twoVariants))));
    if (comparison_.b) {
        mapB_->setData(weightsData(comparison_.b, tr("B: %1").arg(describe(*comparison_.b, twoVariants))));
    } else {
        mapB_->setData(HeatmapData{});
    }
    mapB_->setVisible(comparison_.b != nullptr);
    HeatmapData diff;
    if (comparison_.difference.size() != 0) {
        diff.values = comparison_.difference;
        diff.rowLabels = queryLabels(a);
        diff.colLabels = keyLabels(a);
        diff.title = tr("A − B (red: A larger)");
        diff.valueName = tr("A − B");
    }
    mapDiff_->setData(std::move(diff));
    mapDiff_->setVisible(comparison_.difference.size() != 0);
    sentence_->setText(largestDifferenceSentence(a, comparison_));
}

}  // namespace attnviz::gui::panels
