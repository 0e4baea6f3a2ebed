// SPDX-License-Identifier: GPL-3.0-or-later
// A run's attentions as the inspector sees them: an AttentionStack over the run's own buffer
// (no copy), or a safetensors file in the inspector's format (attentions.{l}: (1, H, n, n)
// float32, Hugging Face's output_attentions layout, the tokens in __metadata__).
#include "attnviz/core/hf/model.hpp"

#include "attnviz/core/inspect/memory_stack.hpp"
#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/json.hpp"

#include <stdexcept>

namespace attnviz::hf {

std::shared_ptr<const inspect::AttentionStack> to_attention_stack(const RunResult& r, std::vector<std::string> tokens,
                                                                   std::string source_name)
{
    auto stack = std::make_shared<inspect::AttentionStack>(
        inspect::memory_stack_layout(r.attentions, r.layers, r.heads, r.n, r.n, std::move(source_name)), false);
    if (!tokens.empty()) stack->set_tokens(std::move(tokens));
    return stack;
}

void save_attentions(const RunResult& r, const std::vector<std::string>& tokens, const std::filesystem::path& path)
{
    if (!r.attentions || r.attentions->size() != static_cast<std::size_t>(r.layers) * r.heads * r.n * r.n)
        throw std::invalid_argument(path.string() + ": the run holds no attentions to save");
    if (!tokens.empty() && tokens.size() != static_cast<std::size_t>(r.n))
        throw std::invalid_argument(path.string() + ": " + std::to_string(tokens.size()) + " tokens for " +
                                    std::to_string(r.n) + " positions");
    io::SafetensorsWriter w;
    const std::size_t per_layer = static_cast<std::size_t>(r.heads) * r.n * r.n;
    for (int l = 0; l < r.layers; ++l)
        w.add_view("attentions." + std::to_string(l), {1, r.heads, r.n, r.n},
                   std::span<const float>(r.attentions->data() + l * per_layer, per_layer));  // no copy
    if (!tokens.empty()) {
        json::Array list;
        for (const auto& t : tokens) list.emplace_back(t);
        w.set_metadata("tokens", json::dump(json::Value(std::move(list))));
    }
    w.write(path);
}

}  // namespace attnviz::hf
