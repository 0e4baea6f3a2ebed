// SPDX-License-Identifier: GPL-3.0-or-later
// Post-processors of tokenizer.json: TemplateProcessing (single sequences), BertProcessing,
// RobertaProcessing, ByteLevel (trim_offsets), Sequence.
#pragma once

#include "components.hpp"
#include "json_node.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::tokenizers {

std::unique_ptr<PostProcessor> make_post_processor(const Node& node);

// Special tokens around the sequence: BEFORE $A AFTER (ids with their token strings).
using SpecialList = std::vector<std::pair<int, std::string>>;
std::unique_ptr<PostProcessor> make_wrap_processor(SpecialList before, SpecialList after);

}  // namespace attnviz::tokenizers
