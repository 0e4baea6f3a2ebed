// SPDX-License-Identifier: GPL-3.0-or-later
// Element-wise activations of the Transformer kit, as Hugging Face's ACT2FN names them, each a
// forward and a backward pass over matrices of any shape:
//   gelu_new / gelu_pytorch_tanh  GeluTanh  ½x(1 + tanh(√(2/π)(x + 0.044715x³)))     GPT-2
//   gelu                          GeluErf   ½x(1 + erf(x/√2)) = x Φ(x)                BERT
//   silu / swish                  Silu      x σ(x)                                   Llama, Qwen2
//   relu                          Relu      max(x, 0)   (derivative 0 at x = 0, as PyTorch)
#pragma once

#include "attnviz/core/nn/types.hpp"

#include <optional>
#include <string_view>

namespace attnviz::nn {

enum class Activation { GeluTanh, GeluErf, Silu, Relu };

// "gelu_new" → GeluTanh, ...; nullopt for a name the kit does not have.
std::optional<Activation> activation_from_name(std::string_view hf_name);
std::string_view activation_name(Activation a);  // "gelu_new", "gelu", "silu", "relu"

// x, y (n × m); y may be x.
template <class S>
void activation_forward(Activation a, const CRef<S>& x, MRef<S> y);
// x (n × m) the forward's input, dy (n × m) → dx (n × m) = dy ⊙ f'(x), overwritten; dx may be dy.
template <class S>
void activation_backward(Activation a, const CRef<S>& x, const CRef<S>& dy, MRef<S> dx);

}  // namespace attnviz::nn
