// SPDX-License-Identifier: GPL-3.0-or-later
// The families call this between their attention and their output projection.
#pragma once

#include "architecture.hpp"

namespace attnviz::hf {

// Rewrites s.context's (n × head_dim) slices of layer `layer`'s heads named in s.ablations.
void ablate_heads(int layer, Eigen::Index head_dim, ForwardState& s);

// Writes layer `layer`'s overridden rows (s.overrides, checked) into s.attentions, renormalised,
// and recomputes those rows of s.context from v: (n × H_kv·d) with row stride v_stride floats,
// head h reading key/value head h / (H / H_kv).
void override_rows(int layer, int heads, int kv_heads, Eigen::Index head_dim, const float* v, Eigen::Index v_stride,
                   ForwardState& s);

// When s.capture names a head of layer `layer`, copies its slices of q (n × H·d) and k, v
// (n × H_kv·d) into *s.captured, with the scale 1/√d and whether the model is causal.
void capture_head(int layer, int heads, int kv_heads, Eigen::Index head_dim, bool causal, const nn::CRef<float>& q,
                  const nn::CRef<float>& k, const nn::CRef<float>& v, ForwardState& s);

}  // namespace attnviz::hf
