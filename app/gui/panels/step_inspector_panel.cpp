// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/step_inspector_panel.hpp"

#include "gui/panels/formula_text.hpp"
#include "gui/panels/panel_labels.hpp"

#include "attnviz/widgets/bar_chart_widget.hpp"
#include "attnviz/widgets/heatmap_widget.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnviz::gui::panels {

using widgets::BarChartData;
using widgets::Colormap;
using widgets::HeatmapData;
using widgets::HeatmapWidget;

namespace {

// Small enough that five fit a docked panel's width at a glance, big enough for token labels.
constexpr QSize kMapMinimum{290, 170};
constexpr QSize kMaskedMapMinimum{330, 170};
// Heads drawn at most: each map is a plot widget, and a session with "hidden" = heads = 1000
// made a thousand of them (4.8 s, 842 MB) for a computation of 0.07 s. The mean map still
// averages every head; the header says how many are shown.
constexpr int kMaxHeadMaps = 16;

// The optional projection the result went through, if the parameters hold one (multi-head
// W_o, dense W_v): the one whose absence is the identity.
const ParameterSpec* presentProjection(const std::vector<ParameterSpec>& specs, const Parameters& p)
{
    for (const ParameterSpec& spec : specs)
        if (spec.neutral == NeutralValue::Identity && p.find(spec.name)) return &spec;
    return nullptr;
}

// "W_o" as "W<sub>o</sub>" for rich text.
QString subscripted(const std::string& name)
{
    const QString n = QString::fromStdString(name);
    const qsizetype underscore = n.indexOf(QLatin1Char('_'));
    if (underscore < 0) return n;
    return n.left(underscore) + QStringLiteral("<sub>") + n.mid(underscore + 1) + QStringLiteral("</sub>");
}

// A view of a matrix inside the snapshot, which it keeps alive.
widgets::SharedMatrix shared(const playground::ResultSnapshotPtr& s, const Matrix& m)
{
    return widgets::SharedMatrix::of(s, m);
}

HeatmapData baseData(const playground::ResultSnapshotPtr& s, const Matrix& values, const QString& title,
                     const QString& valueName)
{
    HeatmapData d;
    d.values = shared(s, values);
    d.rowLabels = queryLabels(*s);
    d.colLabels = keyLabels(*s);
    d.title = title;
    d.valueName = valueName;
    return d;
}

void setDiverging(HeatmapWidget* w)
{
    w->setColormap(Colormap::BlueWhiteRed);
    w->setAutoscale(true);
}

}  // namespace

StepInspectorPanel::StepInspectorPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("stepInspector"));
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(4, 4, 4, 4);
    root->setSpacing(2);
    header_ = new QLabel(this);
    header_->setWordWrap(true);
    root->addWidget(header_);

    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // maps fit the height
    chain_ = new QWidget;
    chainRow_ = new QHBoxLayout(chain_);
    chainRow_->setContentsMargins(0, 0, 0, 0);
    chainRow_->setSpacing(2);

    // Fixed order; heads are inserted before the output arrow when a multi-head result arrives.
    scores_ = addMap(chainRow_, QStringLiteral("scores"));
    toScaled_ = addArrow(chainRow_);
    scaled_ = addMap(chainRow_, QStringLiteral("scaled"));
    toLogits_ = addArrow(chainRow_);
    logits_ = addMap(chainRow_, QStringLiteral("logits"));
    toWeights_ = addArrow(chainRow_);
    weights_ = addMap(chainRow_, QStringLiteral("weights"));

    ffBars_ = new widgets::BarChartWidget(chain_);
    ffBars_->setObjectName(QStringLiteral("step.ffBars"));
    ffBars_->setMinimumSize(320, 170);
    ffText_ = new QLabel(this);
    ffText_->setObjectName(QStringLiteral("step.ffExplanation"));
    ffText_->setWordWrap(true);
    ffText_->setMinimumWidth(260);
    ffText_->setMaximumWidth(340);
    ffText_->setTextFormat(Qt::RichText);
    chainRow_->addWidget(ffBars_, 2);

    toOutput_ = addArrow(chainRow_);
    output_ = addMap(chainRow_, QStringLiteral("output"));
    setDiverging(scores_);
    setDiverging(scaled_);
    setDiverging(logits_);
    setDiverging(output_);

    scroll_->setWidget(chain_);
    // The explanation sits beside the scroll area, not in it: a word-wrapped label makes the
    // scroll area size its content by height-for-width, i.e. at the maps' full preferred height.
    auto* body = new QHBoxLayout;
    body->addWidget(scroll_, 1);
    body->addWidget(ffText_, 0);
    root->addLayout(body, 1);
    showResult(nullptr);
}

HeatmapWidget* StepInspectorPanel::addMap(QHBoxLayout* row, const QString& step)
{
    auto* w = new HeatmapWidget(chain_);
    w->setObjectName(QStringLiteral("step.") + step);
    // Maps with hatched masked cells carry a caption line that needs the extra width.
    const bool masks = step == QStringLiteral("logits") || step == QStringLiteral("weights");
    w->setMinimumSize(masks ? kMaskedMapMinimum : kMapMinimum);
    row->addWidget(w, 1);
    return w;
}

QLabel* StepInspectorPanel::addArrow(QHBoxLayout* row)
{
    auto* l = new QLabel(chain_);
    l->setAlignment(Qt::AlignCenter);  // lines are broken by hand: no word wrap, see the constructor
    l->setTextFormat(Qt::RichText);
    l->setFixedWidth(92);
    row->addWidget(l, 0);
    return l;
}

HeatmapWidget* StepInspectorPanel::stepMap(const QString& step) const
{
    return chain_->findChild<HeatmapWidget*>(QStringLiteral("step.") + step);
}

QList<HeatmapWidget*> StepInspectorPanel::headMaps() const { return heads_.mid(0, headsShown_); }

void StepInspectorPanel::showResult(const playground::ResultSnapshotPtr& snapshot)
{
    if (deferred_.offer(snapshot)) render(snapshot);
}

void StepInspectorPanel::setOnScreen(bool on)
{
    if (deferred_.setOnScreen(on)) render(deferred_.latest());
}

void StepInspectorPanel::render(const playground::ResultSnapshotPtr& snapshot)
{
    const bool any = snapshot && snapshot->outcome.result.weights.size() != 0;
    scroll_->setVisible(any);
    if (!any) {
        header_->setText(tr("No result yet."));
        return;
    }
    const playground::ResultSnapshot& s = *snapshot;
    const AttentionResult& r = s.outcome.result;
    header_->setText(tr("<b>%1</b>: %2 quer%3 × %4 keys. Read left to right; hover a cell for "
                        "its numbers.")
                         .arg(esc(QString::fromStdString(std::string(variant_display_name(s.session.variant)))))
                         .arg(r.weights.rows())
                         .arg(r.weights.rows() == 1 ? QStringLiteral("y") : QStringLiteral("ies"))
                         .arg(r.weights.cols()));

    const VariantTraits traits = variant_traits(s.session.variant);
    const bool multi = traits.uses_heads && !r.heads.empty();
    const bool ff = traits.single_query_row;
    if (multi && static_cast<int>(r.heads.size()) > kMaxHeadMaps)
        header_->setText(header_->text() +
                         tr(" Heads 1–%1 of %2 are drawn; the mean is over all %2.")
                             .arg(kMaxHeadMaps)
                             .arg(r.heads.size()));
    showChain(snapshot);
    showHeads(snapshot);
    showFeedForward(s);
    // One layout, three shapes: the plain chain, heads instead of the chain, or the bars.
    for (QWidget* w : std::initializer_list<QWidget*>{scores_, toScaled_, scaled_, toLogits_, logits_,
                                                      toWeights_, weights_})
        w->setVisible(!multi && !ff);
    if (!multi && !ff && r.scale == 1.0) {
        scaled_->setVisible(false);  // the same matrix again would only add noise
    }
    if (!multi && !ff) toScaled_->setVisible(r.scale != 1.0);
    ffBars_->setVisible(ff);
    ffText_->setVisible(ff);
}

void StepInspectorPanel::showChain(const playground::ResultSnapshotPtr& snapshot)
{
    const playground::ResultSnapshot& s = *snapshot;
    const AttentionResult& r = s.outcome.result;
    const Variant v = s.session.variant;
    const VariantTexts texts = variantTexts(v);
    const bool multi = variant_traits(v).uses_heads;
    HeatmapData scores = baseData(snapshot, r.scores, tr("1. scores\n%1").arg(texts.scores), tr("score"));
    scores.extent = s.scoresExtent;
    scores_->setData(std::move(scores));

    const bool scaledStep = r.scale != 1.0;
    if (scaledStep) {
        toScaled_->setText(tr("<big>→</big><br>÷ %1<br>(× %2)").arg(texts.scaledBy, formatNumber(r.scale)));
        HeatmapData scaled = baseData(snapshot, s.scaled, tr("2. scaled\nscores × %1").arg(formatNumber(r.scale)), tr("scaled score"));
        scaled.extent = s.scaledExtent;
        scaled_->setData(std::move(scaled));
    }

    const bool anyMasked = s.maskedCount > 0;
    // T exactly as the user gave it; a long one (0.0123456) on its own line, where the
    // arrow's fixed width does not cut it.
    const QString t = formatExact(s.session.temperature);
    toLogits_->setText(tr("<big>→</big><br>÷ T =%1%2%3")
                           .arg(t.size() > 6 ? QStringLiteral("<br>") : QStringLiteral(" "), t,
                                anyMasked ? tr("<br>masked → −∞") : QString()));
    const widgets::SharedBoolMatrix masked = widgets::SharedBoolMatrix::of(snapshot, r.masked);
    HeatmapData logits = baseData(snapshot, r.logits, tr("%1. logits\n%2 ÷ T%3")
                                                                      .arg(scaledStep ? 3 : 2)
                                                                      .arg(scaledStep ? tr("scaled") : tr("scores"),
                                                                           anyMasked ? tr(", masked → −∞") : QString()),
                                  tr("logit"));
    logits.masked = masked;
    logits.extent = s.logitsExtent;
    logits.extras = {{tr("score"), shared(snapshot, r.scores)}};
    logits_->setData(std::move(logits));

    toWeights_->setText(tr("<big>→</big><br>softmax<br>of each row"));
    HeatmapData weights = baseData(snapshot, r.weights, tr("%1. weights\nsoftmax of each row").arg(scaledStep ? 4 : 3), tr("weight"));
    weights.masked = masked;
    weights.extras = {{tr("score"), shared(snapshot, r.scores)}, {tr("logit"), shared(snapshot, r.logits)}};
    weights_->setData(std::move(weights));

    const std::vector<ParameterSpec> specs =
        parameter_specs(v, dims_of(s.session.queries, s.session.keys, s.session.values), s.session.hyper);
    const ParameterSpec* projection = presentProjection(specs, s.outcome.params);
    const QString projHtml = projection ? subscripted(projection->name) : QString();
    const QString projText = projection ? QString::fromStdString(projection->name) : QString();
    toOutput_->setText(multi ? tr("<big>→</big><br>each head<br>· its V,<br>concat%1").arg(projection ? tr(" · %1ᵀ").arg(projHtml) : QString())
                             : tr("<big>→</big><br>weights · V%1").arg(projection ? tr(" %1ᵀ").arg(projHtml) : QString()));
    HeatmapData out;
    out.values = shared(snapshot, r.output);
    out.extent = s.outputExtent;
    out.rowLabels = queryLabels(s);
    out.colLabels = dimensionLabels(static_cast<int>(r.output.cols()));
    out.colAxisTitle = tr("output dimension");
    out.valueName = tr("output");
    // Every map's title has two lines, the step and how it is made, so the maps line up.
    out.title = multi ? tr("output\nheads' outputs, concatenated%1").arg(projection ? tr(" · %1ᵀ").arg(projText) : QString())
                      : tr("output\nweights · V%1").arg(projection ? tr(" · %1ᵀ").arg(projText) : QString());
    output_->setData(std::move(out));
}

void StepInspectorPanel::showHeads(const playground::ResultSnapshotPtr& snapshot)
{
    const playground::ResultSnapshot& s = *snapshot;
    const AttentionResult& r = s.outcome.result;
    const bool multi = variant_traits(s.session.variant).uses_heads && !r.heads.empty();
    // The first kMaxHeadMaps heads, then the mean over all of them.
    const int drawn = multi ? std::min(static_cast<int>(r.heads.size()), kMaxHeadMaps) : 0;
    const int wanted = multi ? drawn + 1 : 0;
    // Heads sit just before the output arrow; new maps are inserted there.
    while (heads_.size() < wanted) {
        auto* w = new HeatmapWidget(chain_);
        w->setMinimumSize(kMapMinimum);
        chainRow_->insertWidget(chainRow_->indexOf(toOutput_), w, 1);
        heads_ << w;
    }
    for (int i = 0; i < heads_.size(); ++i) {
        HeatmapWidget* w = heads_[i];
        w->setVisible(i < wanted);
        if (i >= wanted) continue;
        const bool mean = i == wanted - 1;
        w->setObjectName(mean ? QStringLiteral("head.mean") : QStringLiteral("head.%1").arg(i));
        HeatmapData d;
        if (mean) {
            d = baseData(snapshot, r.weights, tr("mean\nover %1 heads").arg(r.heads.size()), tr("weight"));
        } else {
            const HeadResult& h = r.heads[static_cast<std::size_t>(i)];
            d = baseData(snapshot, h.weights, tr("head %1\nits own softmax weights").arg(i + 1), tr("weight"));
            if (h.scores.size() != 0) {
                d.extras = {{tr("score"), shared(snapshot, h.scores)}, {tr("logit"), shared(snapshot, h.logits)}};
            } else {
                // Large problems keep no per-head scores or logits: the core computes the
                // hovered cell's from the head's projected query and key (16 multiply-adds).
                const std::size_t t = static_cast<std::size_t>(i);
                d.extras = {{tr("score"), {}, [snapshot, t](Index row, Index col) {
                                 return snapshot->outcome.result.heads[t].score(row, col);
                             }},
                            {tr("logit"), {}, [snapshot, t](Index row, Index col) {
                                 const AttentionResult& res = snapshot->outcome.result;
                                 const bool off = res.masked.size() != 0 && res.masked(row, col);
                                 return res.heads[t].logit(row, col, off);
                             }}};
            }
        }
        d.masked = widgets::SharedBoolMatrix::of(snapshot, r.masked);
        w->setData(std::move(d));
    }
    headsShown_ = wanted;
}

void StepInspectorPanel::showFeedForward(const playground::ResultSnapshot& s)
{
    if (!variant_traits(s.session.variant).single_query_row) return;
    const VariantTexts texts = variantTexts(s.session.variant);
    const AttentionResult& r = s.outcome.result;
    BarChartData d;
    d.values = r.weights.row(0);
    d.labels = keyLabels(s);
    if (r.masked.size() != 0)
        for (Index j = 0; j < r.masked.cols(); ++j) d.masked.push_back(r.masked(0, j));
    d.title = texts.pooledTitle;
    d.valueName = tr("weight α");
    ffBars_->setData(d);
    ffText_->setText(texts.pooledHtml.arg(r.weights.cols()).arg(s.session.values.cols()));
}

}  // namespace attnviz::gui::panels
