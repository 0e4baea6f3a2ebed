// SPDX-License-Identifier: GPL-3.0-or-later
// Seq2seq models as safetensors files (through attnviz::io's reader and writer): one F32 tensor
// per parameter, named and shaped as the d2l PyTorch model's state_dict() (GRU and Linear biases
// 1-D [n], weights [rows, cols]), and in "__metadata__" (string values, as safetensors requires):
//   "format": "attnviz-seq2seq/1", "src_vocab", "tgt_vocab": JSON arrays of the tokens in index
//   order; "embed_size", "num_hiddens", "num_layers", "dropout", "num_steps"; plus any extra keys
//   the caller adds (dataset, seed, epochs, loss …).
// Loading takes the sizes from the tensor shapes, so a file written from PyTorch with
// safetensors.torch.save_file(net.state_dict(), path, metadata={"src_vocab": json.dumps(
// src_vocab.idx_to_token), "tgt_vocab": …}) opens as well.
#pragma once

#include "attnviz/core/seq2seq/model.hpp"
#include "attnviz/core/seq2seq/vocab.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace attnviz::seq2seq {

struct LoadedModel {
    Seq2SeqModel<float> model;
    Vocab src_vocab, tgt_vocab;
    int num_steps = 10;
    std::map<std::string, std::string> metadata;
};

// Throws std::invalid_argument naming the path when the file cannot be written.
void save_model(const std::filesystem::path& path, Seq2SeqModel<float>& model, const Vocab& src_vocab,
                const Vocab& tgt_vocab, int num_steps, const std::map<std::string, std::string>& extra = {});
std::vector<std::byte> model_bytes(Seq2SeqModel<float>& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                                   int num_steps, const std::map<std::string, std::string>& extra = {});

// Throws std::invalid_argument naming the file and the tensor or key at fault: a missing tensor,
// a shape that disagrees with the others, vocabularies missing or of the wrong size.
LoadedModel load_model(const std::filesystem::path& path);

}  // namespace attnviz::seq2seq
