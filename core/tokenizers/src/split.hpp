// SPDX-License-Identifier: GPL-3.0-or-later
// Cutting a NormalizedString at delimiters, with Hugging Face's SplitDelimiterBehavior.
#pragma once

#include "normalized_string.hpp"

#include <functional>
#include <string>
#include <vector>

namespace attnviz::tokenizers {

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// Parses "Removed", "Isolated", ... (throws std::invalid_argument listing them).
SplitBehavior split_behavior_from_name(const std::string& name);

// Splits S at DELIMITERS (sorted, non-overlapping byte ranges of s.text) and appends the
// non-empty pieces to OUT. INVERT: the delimiters are the content and the gaps the delimiters.
void split_at(const NormalizedString& s, const std::vector<Range>& delimiters, SplitBehavior behavior, bool invert,
              std::vector<NormalizedString>& out);

// The byte ranges of the characters of TEXT for which IS_DELIMITER holds (one range each).
std::vector<Range> char_matches(const std::string& text, const std::function<bool(char32_t)>& is_delimiter);

}  // namespace attnviz::tokenizers
