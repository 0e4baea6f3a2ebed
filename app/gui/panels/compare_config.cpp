// SPDX-License-Identifier: GPL-3.0-or-later
#include "gui/panels/compare_config.hpp"

#include "gui/panels/panel_labels.hpp"

#include <QCoreApplication>

#include <exception>

namespace attnviz::gui::panels {

namespace {
QString tr(const char* s) { return QCoreApplication::translate("ComparePanel", s); }
}  // namespace

Comparison compareWith(const playground::ResultSnapshot& a, const CompareSettings& settings)
{
    Comparison c;
    const Matrix& wa = a.outcome.result.weights;
    if (wa.size() == 0) {
        c.message = tr("No result to compare.");
        return c;
    }
    if (wa.rows() * wa.cols() > kMaxCompareCells) {
        c.message = tr("Comparison skipped: %1 × %2 weights are more than 512 × 512, too slow to "
                       "recompute at every edit.")
                        .arg(wa.rows())
                        .arg(wa.cols());
        return c;
    }
    auto b = std::make_shared<playground::ResultSnapshot>();
    b->session = a.session;
    b->session.temperature = settings.temperature;
    if (settings.variant && *settings.variant != a.session.variant) {
        b->session.variant = *settings.variant;
        b->session.params = {};
        b->session.params_given = false;
    }
    try {
        b->outcome = compute_session(b->session);
        playground::deriveForDisplay(*b);
    } catch (const std::exception& e) {
        c.message = tr("B cannot run on these inputs: %1").arg(QString::fromStdString(e.what()));
        return c;
    }
    const Matrix& wb = b->outcome.result.weights;
    if (wb.rows() == wa.rows() && wb.cols() == wa.cols()) {
        c.difference = wa - wb;
        c.largest = largest_difference(wa, wb);
    } else {
        c.message = tr("A's weights are %1 × %2 and B's %3 × %4: no difference map.")
                        .arg(wa.rows()).arg(wa.cols()).arg(wb.rows()).arg(wb.cols());
    }
    c.b = std::move(b);
    return c;
}

QString largestDifferenceSentence(const playground::ResultSnapshot& a, const Comparison& c)
{
    if (!c.b || !c.largest) return c.message;
    const LargestDifference& d = *c.largest;
    if (std::abs(d.difference()) < 0.005)
        return tr("A and B give the same weights (every difference is below 0.005).");
    return tr("Largest difference: query “%1”, key “%2”: %3 (A) vs %4 (B)")
        .arg(queryLabels(a).value(static_cast<int>(d.row)), keyLabels(a).value(static_cast<int>(d.col)),
             QString::number(d.a, 'f', 2), QString::number(d.b, 'f', 2));
}

}  // namespace attnviz::gui::panels
