// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lesson_state.hpp"

namespace attnviz::lessons {

LessonState& LessonState::instance()
{
    // Created on first use, after the QApplication in every program path (windows publish).
    static LessonState* state = new LessonState;
    return *state;
}

LessonState::LessonState(QObject* parent) : QObject(parent) {}

void LessonState::publish(const std::map<std::string, std::optional<Scalar>>& values,
                          const std::map<std::string, Table>& tables)
{
    bool differs = !tables.empty();
    for (const auto& [name, value] : values) {
        const auto it = scalars_.find(name);
        if (!value) {
            if (it != scalars_.end()) {
                scalars_.erase(it);
                differs = true;
            }
        } else if (it == scalars_.end() || it->second != *value) {
            scalars_[name] = *value;
            differs = true;
        }
    }
    for (const auto& [name, table] : tables) {
        if (table) tables_[name] = table;
        else tables_.erase(name);
    }
    if (differs) emit changed();
}

void LessonState::withdraw(const std::string& prefix)
{
    bool differs = false;
    for (auto it = scalars_.begin(); it != scalars_.end();)
        if (it->first.rfind(prefix, 0) == 0) it = scalars_.erase(it), differs = true;
        else ++it;
    for (auto it = tables_.begin(); it != tables_.end();)
        if (it->first.rfind(prefix, 0) == 0) it = tables_.erase(it), differs = true;
        else ++it;
    if (differs) emit changed();
}

void LessonState::clear()
{
    scalars_.clear();
    tables_.clear();
    emit changed();
}

std::optional<Scalar> LessonState::lookup(const std::string& name, const std::vector<long>& indices) const
{
    if (indices.empty()) {
        const auto it = scalars_.find(name);
        if (it != scalars_.end()) return it->second;
    }
    const auto t = tables_.find(name);
    if (t == tables_.end()) return std::nullopt;
    return t->second(indices);
}

std::vector<std::string> LessonState::names() const
{
    std::vector<std::string> out;
    for (const auto& [name, value] : scalars_) out.push_back(name);
    for (const auto& [name, table] : tables_) out.push_back(name + "[...]");
    return out;
}

}  // namespace attnviz::lessons
