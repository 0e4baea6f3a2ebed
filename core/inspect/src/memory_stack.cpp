// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/inspect/memory_stack.hpp"

#include <stdexcept>

namespace attnviz::inspect {

StackLayout memory_stack_layout(std::shared_ptr<const std::vector<float>> values, Index layers, Index heads,
                                Index query_count, Index key_count, std::string name)
{
    if (!values || layers < 1 || heads < 1 || query_count < 1 || key_count < 1 ||
        static_cast<double>(values->size()) !=
            static_cast<double>(layers) * static_cast<double>(heads) * static_cast<double>(query_count) *
                static_cast<double>(key_count))
        throw std::invalid_argument(name + ": " + std::to_string(values ? values->size() : 0) +
                                    " attention values do not make " + std::to_string(layers) + " layers × " +
                                    std::to_string(heads) + " heads × " + std::to_string(query_count) + " × " +
                                    std::to_string(key_count));
    StackLayout s;
    s.file = std::move(name);
    s.format = "memory";
    s.file_shape = {layers, heads, query_count, key_count};
    s.layers = layers;
    s.heads = heads;
    s.query_count = query_count;
    s.key_count = key_count;
    const auto* base = reinterpret_cast<const std::byte*>(values->data());
    const Index layer_bytes = heads * query_count * key_count * static_cast<Index>(sizeof(float));
    for (Index l = 0; l < layers; ++l)
        s.sources.push_back({base + l * layer_bytes, io::DType::F32, io::native_byte_order(),
                             query_count * key_count, key_count, 1, "attentions." + std::to_string(l)});
    s.storage = std::move(values);
    return s;
}

}  // namespace attnviz::inspect
