// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/ablation_set.hpp"

#include <QObject>
#include <QStringList>

#include <algorithm>
#include <map>

namespace attnviz::model_view {

QString ablationModeName(hf::AblationMode mode)
{
    return mode == hf::AblationMode::Mean ? QObject::tr("mean") : QObject::tr("zero");
}

bool AblationSet::contains(int layer, int head) const
{
    return std::find(heads.begin(), heads.end(), std::pair{layer, head}) != heads.end();
}

std::vector<hf::HeadAblation> AblationSet::ablations() const
{
    std::vector<hf::HeadAblation> out;
    for (const auto& [l, h] : heads) out.push_back({l, h, mode});
    return out;
}

QString AblationSet::describe() const
{
    QStringList names;
    for (const auto& [l, h] : heads) names << QStringLiteral("%1.%2").arg(l).arg(h);
    return QStringLiteral("%1 (%2)").arg(names.join(QStringLiteral(", ")), ablationModeName(mode));
}

std::vector<AblationRow> compareTopK(const std::vector<hf::TopToken>& before, const std::vector<hf::TopToken>& after,
                                     int k)
{
    std::map<int, AblationRow> rows;
    const auto take = [&](const std::vector<hf::TopToken>& list) {
        for (std::size_t i = 0; i < list.size() && static_cast<int>(i) < k; ++i) rows[list[i].id].id = list[i].id;
    };
    take(before);
    take(after);
    for (const hf::TopToken& t : before)
        if (auto it = rows.find(t.id); it != rows.end()) it->second.before = t.probability;
    for (const hf::TopToken& t : after)
        if (auto it = rows.find(t.id); it != rows.end()) it->second.after = t.probability;
    std::vector<AblationRow> out;
    for (const auto& [id, row] : rows) out.push_back(row);
    std::stable_sort(out.begin(), out.end(), [](const AblationRow& a, const AblationRow& b) { return a.before > b.before; });
    return out;
}

}  // namespace attnviz::model_view
