// SPDX-License-Identifier: GPL-3.0-or-later
// Decoders of tokenizer.json: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip,
// WordPiece, BPEDecoder, Sequence.
#pragma once

#include "components.hpp"
#include "json_node.hpp"

#include <memory>
#include <string>

namespace attnviz::tokenizers {

std::unique_ptr<Decoder> make_decoder(const Node& node);

std::unique_ptr<Decoder> make_byte_level_decoder();
std::unique_ptr<Decoder> make_wordpiece_decoder(std::string prefix, bool cleanup);

}  // namespace attnviz::tokenizers
