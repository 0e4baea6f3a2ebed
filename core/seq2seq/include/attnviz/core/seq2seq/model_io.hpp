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
//
// A model file is input that cannot be trusted: every size it implies is checked against the
// limits below, and against the file itself, before memory is taken for the model.
#pragma once

#include "attnviz/core/io/safetensors.hpp"
#include "attnviz/core/seq2seq/model.hpp"
#include "attnviz/core/seq2seq/vocab.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace attnviz::seq2seq {

// Limits of a loaded model (a larger one is refused with a message naming the limit):
// - vocabularies: 1,000,000 tokens each (word-level vocabularies of real corpora are ~10^5);
inline constexpr int kMaxModelVocab = 1'000'000;
// - embed_size and num_hiddens: 16384 (the d2l models use 32 to 256);
inline constexpr int kMaxModelWidth = 16384;
// - num_layers: 64 (d2l uses 2);
inline constexpr int kMaxModelLayers = 64;
// - num_steps, the decoder's output length and source padding: 1000 (d2l uses 10, dates 32;
//   the command line holds --steps to the same 1000);
inline constexpr int kMaxModelSteps = 1000;
// - every weight finite and within ±1e6: trained weights are O(1) to O(10^2); a larger value,
//   NaN or an infinity makes every probability NaN (translate printed <unk> with a null
//   log-probability), so the file is refused naming the tensor and the element.
inline constexpr double kMaxWeightMagnitude = 1e6;
// Besides these, the parameters the sizes imply must all be in the file (each in its own
// tensor): a model that would need more parameters than the file holds values, and more than
// kSmallModelParameters (4 Mi, 16 MB of floats), is refused before it is made. A model therefore
// never takes more memory than a small multiple of its file's size or of 16 MB.
inline constexpr std::int64_t kSmallModelParameters = std::int64_t{1} << 22;

// The number of parameters (floats) of the d2l model of `config`: what load_model checks
// against the elements the file holds before it allocates.
std::int64_t parameter_count(const ModelConfig& config);

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
// a shape that disagrees with the others, vocabularies missing or of the wrong size, a size over
// one of the limits above, a weight that is NaN, infinite or beyond ±kMaxWeightMagnitude.
LoadedModel load_model(const std::filesystem::path& path);
// The same over a safetensors file already open (fuzzers and tests: from bytes in memory).
LoadedModel load_model(const io::SafetensorsFile& file);

}  // namespace attnviz::seq2seq
