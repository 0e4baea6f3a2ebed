// SPDX-License-Identifier: GPL-3.0-or-later
// A trained lab model as a Hugging Face checkpoint folder that transformers loads as
// GPT2LMHeadModel (from_pretrained):
//   config.json        model_type "gpt2", architectures ["GPT2LMHeadModel"], n_layer, n_head,
//                      n_embd, n_positions, n_ctx, vocab_size, layer_norm_epsilon,
//                      activation_function "gelu_new", initializer_range, dropouts 0, and the
//                      lab's own configuration under "attnviz_lab"
//   model.safetensors  F32, the save_pretrained names (transformer.wte.weight, …), Conv1D weights
//                      (c_attn, c_proj, c_fc) stored in × out; no lm_head.weight (tied to wte, as
//                      save_pretrained leaves it out); metadata {"format": "pt"}
//   tokenizer.json     a tokenizers WordLevel model of the task's tokens (id = index) with a
//                      WhitespaceSplit pre-tokenizer
// Each file is written atomically (files::write_atomically).
#pragma once

#include "attnviz/core/transformer/gpt.hpp"
#include "attnviz/core/transformer/lab_job.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::transformer {

// Creates `dir` if needed and writes the three files. Throws std::invalid_argument naming the
// path when it cannot be written, or when vocabulary.size() != the model's vocab.
void save_hf_checkpoint(const std::filesystem::path& dir, Gpt<float>& model, const std::vector<std::string>& vocabulary,
                        const LabConfig& lab);

struct LoadedCheckpoint {
    std::unique_ptr<Gpt<float>> model;
    std::vector<std::string> vocabulary;  // from tokenizer.json, by id
    LabConfig lab;                        // from "attnviz_lab" (defaults where absent)
};

// Reads a folder written by save_hf_checkpoint (or any GPT-2 checkpoint of these names in F32
// whose sizes are within the lab's limits). Throws std::invalid_argument naming the file and the
// tensor on anything missing or mis-shaped.
LoadedCheckpoint load_hf_checkpoint(const std::filesystem::path& dir);

}  // namespace attnviz::transformer
