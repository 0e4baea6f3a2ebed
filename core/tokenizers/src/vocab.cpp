// SPDX-License-Identifier: GPL-3.0-or-later
#include "components.hpp"
#include "limits.hpp"
#include "models.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

void Vocab::add(const std::string& token, int id)
{
    const auto i = static_cast<std::size_t>(id);
    if (i >= tokens.size()) {
        tokens.resize(i + 1);
        present.resize(i + 1, 0);
    }
    tokens[i] = token;
    present[i] = 1;
    ids[token] = id;
}

Vocab vocab_from_json(const Node& node)
{
    const json::Object& entries = node.object();
    if (entries.size() > limits::kMaxVocabulary)
        node.fail(std::to_string(entries.size()) + " tokens, over the limit of " + std::to_string(limits::kMaxVocabulary));
    const long long max_id = static_cast<long long>(entries.size() + limits::kMaxIdGap);
    Vocab v;
    v.ids.reserve(entries.size());
    for (const auto& [token, value] : entries) {
        const Node id_node(value, node.path() + "[" + json::dump(json::Value(token.substr(0, 40))) + "]", node.file());
        if (token.size() > limits::kMaxTokenBytes)
            id_node.fail("a token of " + std::to_string(token.size()) + " bytes, over the limit of " +
                         std::to_string(limits::kMaxTokenBytes));
        const int id = static_cast<int>(id_node.integer(0, max_id));
        if (static_cast<std::size_t>(id) < v.present.size() && v.present[static_cast<std::size_t>(id)])
            id_node.fail("id " + std::to_string(id) + " is given to two tokens (also \"" +
                         v.tokens[static_cast<std::size_t>(id)] + "\")");
        v.add(token, id);
    }
    return v;
}

}  // namespace attnviz::tokenizers
